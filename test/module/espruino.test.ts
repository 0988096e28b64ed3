// The record side as the device runs it: bundled with the firmware's esbuild settings, accepted by the Espruino gate,
// and run for one hour of the delivered plant in the Espruino-profile sandbox (Espruino's number text, builtins and
// native crypto.SHA256) from the plan the host compiled. The sealed COSE_Mac0 records and the engine snapshot must be
// the same bytes as in Node.
import { describe, expect, it } from 'vitest';
import { bundleSource } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { toHex } from '../../protocol/bytes';
import { plantPlanBytes } from './helpers';
import { runPlantHour, type PlantHour } from './scenario';

const ENTRY = `
import { runPlantHour } from './test/module/scenario';
import { fromHex } from './protocol/bytes';
const crypto = require('crypto');
const sha256 = function (d) { return new Uint8Array(crypto.SHA256(d)); };
(globalThis as any).RECORDS = {
  hour: function (profile, planHex) { return JSON.stringify(runPlantHour(sha256, fromHex(planHex), profile, null)); },
};
`;

describe('record side under the Espruino profile', () => {
  it('passes the gate and seals the same hour into the same bytes as Node', async () => {
    const code = await bundleSource(ENTRY, 'records-entry');
    expect(checkEspruinoCode(code).map((v) => v.rule + ': ' + v.construct)).toEqual([]);
    const m = new EspruinoMachine({});
    try {
      m.boot(code, 'records-entry.js');
      for (const profile of ['EU_IED_LCP', 'US_P75']) {
        const plan = plantPlanBytes(profile);
        const device = JSON.parse(m.evaluate('RECORDS.hour(' + JSON.stringify(profile) + ',' + JSON.stringify(toHex(plan)) + ')') as string) as PlantHour;
        const node = runPlantHour(nodeSha256, plan, profile, null);
        // reboot, calibration, maintenance, the hour in two parts, the configuration change
        expect(device.records.length).toBe(6);
        expect(device.records).toEqual(node.records);
        // the engine snapshot (float64/float32 state, typed arrays) is the same bytes, and restores to itself
        expect(device.snapshot).toBe(node.snapshot);
        expect(device.restored).toBe(device.snapshot);
      }
    } finally {
      m.shutdown();
    }
  }, 60000);
});
