// dist/conformance.js on the real Espruino 2v29 interpreter (Linux build, resizable pool, the bundle as its script
// argument): every vector's JSON text and every benchmark loop's checksum must be byte-identical to Node's.
// Checksums are compared as float64 bits, so that no number text stands between the two.
// Not run: CONFORMANCE.atecc (signing through the ATECC608 on I2C1): the Linux build has no I2C device.
// Needs the interpreter binaries (host-sim/espruino-linux/binaries.ts): fails without them, never skips.
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceBundle } from '../../host-sim/espruino/bundle';
import { runScript, type ScriptRun } from '../gate/interpreter';
import { FLOAT64_BITS_JS, float64Bits } from '../../host-sim/espruino-linux/script';
import { NODE_BENCH, NODE_VECTORS } from './node-reference';

/** Iterations per benchmark loop: few, to stay quick on the interpreter; 60 minutes so that cemsMinutes closes an hour. */
const BENCH_N: { [name: string]: number } = { modbusDecode: 200, cemsMinutes: 60, recordBuild: 2, recordVerify: 5 };

/** Appended to the bundle: one line per vector ("V name json") and per loop ("B name float64-bits"), or "E name error". */
const RUNNER = `
(function () {
  ${FLOAT64_BITS_JS}
  var vectors = CONFORMANCE.vectors;
  Object.keys(vectors).forEach(function (name) {
    try { print('V ' + name + ' ' + JSON.stringify(vectors[name]())); } catch (e) { print('E ' + name + ' ' + e); }
  });
  var n = ${JSON.stringify(BENCH_N)};
  Object.keys(CONFORMANCE.bench).forEach(function (name) {
    try { print('B ' + name + ' ' + bits(CONFORMANCE.bench[name].run(n[name]))); } catch (e) { print('E ' + name + ' ' + e); }
  });
})();
`;


let run: ScriptRun;
const printed: { [kindAndName: string]: string } = {};

beforeAll(async () => {
  run = await runScript(conformanceBundle().code + RUNNER, 120000);
  for (const line of run.output.split('\n')) {
    const m = /^([VBE]) (\w+) (.*)$/.exec(line);
    if (m) printed[m[1] + ' ' + m[2]] = m[3];
  }
}, 130000);

describe('dist/conformance.js on the real Espruino interpreter', () => {
  it('runs to its end without an error', () => {
    expect(Object.keys(printed).filter((k) => k.startsWith('E ')).map((k) => k + ': ' + printed[k])).toEqual([]);
    expect(run.output).not.toContain('Uncaught');
    expect(run.completed).toBe(true);
  });

  it('prints every vector and every benchmark loop Node has a reference for', () => {
    expect(Object.keys(printed).sort()).toEqual(
      Object.keys(NODE_VECTORS).map((n) => 'V ' + n).concat(Object.keys(NODE_BENCH).map((n) => 'B ' + n)).sort(),
    );
  });

  for (const name of Object.keys(NODE_VECTORS)) {
    it('vector ' + name + ': the same JSON text as Node', () => {
      expect(printed['V ' + name]).toBe(JSON.stringify(NODE_VECTORS[name]()));
    });
  }

  for (const name of Object.keys(NODE_BENCH)) {
    it('bench ' + name + '.run(' + BENCH_N[name] + '): the same checksum as Node', () => {
      expect(printed['B ' + name]).toBe(float64Bits(NODE_BENCH[name](BENCH_N[name])));
    });
  }
});
