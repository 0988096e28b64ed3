// The engine as Espruino gets it: bundled with the firmware's esbuild settings, accepted by the Espruino gate, and
// run in the Espruino-profile sandbox, where the conformance vectors and the benchmark loop must give the same
// float64 bits as in Node.
import { describe, expect, it } from 'vitest';
import { bundleSource } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { runCemsVectorsHex, float64Hex } from '../kit/cems-vectors';
import { processMinutes } from '../kit/cems-bench';

const ENTRY = `
import { runCemsVectorsHex, float64Hex } from './test/kit/cems-vectors';
import { processMinutes } from './test/kit/cems-bench';
(globalThis as any).CEMS_CONFORMANCE = {
  vectors: runCemsVectorsHex,
  bench: function (n: number, perMinute: number) { return float64Hex(processMinutes(n, perMinute)); },
};
`;

describe('Espruino profile', () => {
  it('the bundled engine passes the Espruino gate and gives bit-identical results in the sandbox', async () => {
    const code = await bundleSource(ENTRY, 'cems-conformance');
    expect(checkEspruinoCode(code).map((v) => v.rule + ': ' + v.construct)).toEqual([]);
    const m = new EspruinoMachine({});
    try {
      m.boot(code, 'cems-conformance.js');
      const inSandbox = JSON.parse(m.evaluate('JSON.stringify(CEMS_CONFORMANCE.vectors())') as string);
      expect(inSandbox).toEqual(runCemsVectorsHex());
      expect(m.evaluate('CEMS_CONFORMANCE.bench(150, 12)')).toBe(float64Hex(processMinutes(150, 12)));
    } finally {
      m.shutdown();
    }
  });
});
