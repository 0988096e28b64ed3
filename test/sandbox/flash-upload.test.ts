// `npm run flash -- --dry-run` writes what the espruino CLI would send; replayed into a fresh simulated device it
// must install dist/firmware.js byte for byte into the boot Storage file and start it.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { ConsoleClient } from '../../host-sim/espruino/console-client';

describe('flash dry run', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'flash-')), 'upload.js');
  execFileSync('npx', ['tsx', 'scripts/flash.ts', '--dry-run', '--out', out], { stdio: 'pipe' });
  const upload = readFileSync(out, 'utf8');
  const firmware = readFileSync('dist/firmware.js');

  it('writes the bundle into .bootcde with Storage writes and loads it', () => {
    expect(upload).toContain('require("Storage").write(".bootcde"');
    expect(upload.trim().endsWith('load(".bootcde")')).toBe(true);
  });

  it('installs the exact bundle bytes and boots the firmware when replayed on a simulated device', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1));
    const m = new EspruinoMachine({ time });
    const technician = new ConsoleClient(m);
    m.boot(upload, 'upload.js');
    expect(Buffer.compare(Buffer.from(m.storage.hostRead('.bootcde')!), firmware)).toBe(0);
    time.advance(10);
    expect(technician.output).toContain('CEMS data-output module');
    m.reboot();
    time.advance(10);
    expect(m.boots).toBe(3);
    expect(technician.output.match(/CEMS data-output module/g)).toHaveLength(2);
  });
});
