// The device's record path as the device gets it: bundled with the firmware's esbuild settings, checked by the
// Espruino gate, and run in the Espruino-profile sandbox (stripped builtins, device number text, native
// crypto.SHA256), where the golden inputs must give the committed bytes and the benchmark loops must run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleSource } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';

const ROOT = join(__dirname, '../..');

// Entry compiled for the sandbox only (not part of the firmware): exposes the golden builder and bench loops.
const ENTRY = `
import { goldenRecordsHex } from './test/kit/record-golden';
import { createRecordBuildLoop, createRecordVerifyLoop } from './test/kit/record-bench';
const crypto = require('crypto');
const sha256 = (d) => new Uint8Array(crypto.SHA256(d));
globalThis.RECORDS = {
  golden: () => JSON.stringify(goldenRecordsHex(sha256)),
  build: createRecordBuildLoop(sha256),
  verify: createRecordVerifyLoop(sha256),
};
`;

let code = '';

beforeAll(async () => {
  code = await bundleSource(ENTRY, 'records-entry');
});

const golden = (f: string): string[] => readFileSync(join(ROOT, 'test/golden/records', f), 'utf8').trimEnd().split('\n');

describe('record code under the Espruino profile', () => {
  it('passes the Espruino gate', () => {
    const violations = checkEspruinoCode(code).map((v) => v.rule + ' ' + v.construct);
    expect(violations).toEqual([]);
  });

  it('reproduces the golden records byte for byte in the sandbox', () => {
    const machine = new EspruinoMachine({ time: new VirtualTime(Date.UTC(2026, 0, 1)) });
    machine.boot(code, 'records.js');
    const out = JSON.parse(machine.evaluate('RECORDS.golden()') as string);
    machine.shutdown();
    expect(out.mac0).toEqual(golden('mac0.hex'));
    expect(out.es256ToBeSigned).toEqual(golden('es256-tbs.hex'));
    expect(out.state).toBe(golden('state.hex')[0]);
  });

  it('runs the benchmark loops in the sandbox', () => {
    const machine = new EspruinoMachine({ time: new VirtualTime(Date.UTC(2026, 0, 1)) });
    machine.boot(code, 'records.js');
    const built = machine.evaluate('RECORDS.build.run(5)') as number;
    const verified = machine.evaluate('RECORDS.verify.run(5)') as number;
    machine.shutdown();
    // an hourly record of the fixture plant is two parts of about 4 and 2.7 KB
    expect(built).toBeGreaterThan(5 * 6500);
    expect(verified).toBeGreaterThan(5 * 2600);
  });
});
