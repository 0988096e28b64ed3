// The device's import graph: the resident firmware and every Storage module bundle nothing but device code
// (scripts/device-graph.ts), and the host-only parts that exist next to it are really kept out.
import { describe, expect, it } from 'vitest';
import { bundledInputs, foreignInputs, isDeviceCode } from '../../scripts/device-graph';
import { espruinoConfig } from '../../scripts/espruino-config';

const entries = [espruinoConfig.bundle.entry].concat(Object.values(espruinoConfig.bundle.moduleEntries));

describe('device import graph', () => {
  for (const entry of entries) {
    it(entry + ' bundles only device code', async () => {
      expect(await foreignInputs(entry)).toEqual([]);
    });
  }

  it('keeps host-only code out', async () => {
    const all = new Set<string>();
    for (const entry of entries) for (const p of await bundledInputs(entry)) all.add(p);
    for (const host of ['protocol/plan/compile.ts', 'protocol/cems/config.ts', 'protocol/record/cbor.ts', 'protocol/record/schema.ts', 'protocol/record/cose.ts', 'protocol/modbus/config.ts']) {
      expect(isDeviceCode(host)).toBe(false);
      expect(all.has(host)).toBe(false);
    }
    // and the resident bundle holds neither the period close nor the record encoders: they are Storage modules
    const resident = await bundledInputs(espruinoConfig.bundle.entry);
    for (const onDemand of ['protocol/cems/close.ts', 'protocol/module/seal.ts', 'protocol/record/period-record.ts', 'firmware/modules/commands.ts']) {
      expect(resident).not.toContain(onDemand);
    }
  });
});
