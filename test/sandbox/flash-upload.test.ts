// `npm run flash -- --dry-run` writes what the espruino CLI would send; replayed into a fresh simulated device it
// must install every Storage file of dist/storage/ byte for byte (the boot code last) and start the firmware.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { ConsoleClient } from '../../host-sim/espruino/console-client';
import { firmwareStorageFiles } from '../../host-sim/espruino/bundle';

describe('flash dry run', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'flash-')), 'upload.js');
  execFileSync('npx', ['tsx', 'scripts/flash.ts', '--dry-run', '--out', out], { stdio: 'pipe' });
  const upload = readFileSync(out, 'utf8');
  const files = firmwareStorageFiles();

  it('writes every Storage file and the boot code, then loads it', () => {
    for (const name of Object.keys(files)) expect(upload).toContain('require("Storage").write("' + name + '"');
    expect(upload.trim().endsWith('load(".bootcde")')).toBe(true);
    expect(upload.lastIndexOf('write(".bootcde"')).toBeGreaterThan(upload.lastIndexOf('write("cems.dflt"'));
  });

  it('installs the exact bytes of every file and boots the firmware when replayed on a simulated device', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1));
    const m = new EspruinoMachine({ time });
    const technician = new ConsoleClient(m);
    m.boot(upload, 'upload.js');
    for (const name of Object.keys(files)) {
      expect(Buffer.compare(Buffer.from(m.storage.hostRead(name)!), Buffer.from(files[name])), name).toBe(0);
    }
    time.advance(10);
    expect(technician.output).toContain('CEMS data-output module');
    m.reboot();
    time.advance(10);
    expect(m.boots).toBe(3);
    expect(technician.output.match(/CEMS data-output module/g)).toHaveLength(2);
  });
});
