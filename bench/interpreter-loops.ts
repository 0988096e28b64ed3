// The benchmark loops of dist/conformance.js (CONFORMANCE.bench: Modbus decode, engine minutes, record sealing and
// verification) timed on the real interpreter (Linux build, the bundle as a script: code in RAM as on a device whose
// Storage is memory-mapped) and in Node, with their checksums compared so that both did the same work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conformanceBundle } from '../host-sim/espruino/bundle';
import { FLOAT64_BITS_JS, float64Bits, runScript } from '../host-sim/espruino-linux/script';
import { NODE_BENCH_LOOPS } from '../test/conformance/node-reference';

export interface LoopFigure {
  name: string;
  unit: string;
  iterations: number;
  deviceMsEach: number;
  nodeMsEach: number;
}

/** Appended to the bundle: per loop, a warm-up then a timed run; prints "LOOP name unit n ms checksum-bits". */
const RUNNER = `
(function () {
  ${FLOAT64_BITS_JS}
  Object.keys(CONFORMANCE.bench).forEach(function (name) {
    var b = CONFORMANCE.bench[name];
    var n = Math.max(1, Math.floor(b.iterations / 4));
    b.run(Math.max(1, Math.floor(n / 10)));
    var t0 = getTime();
    var check = b.run(n);
    print('LOOP ' + name + ' ' + b.unit.split(' ').join('_') + ' ' + n + ' ' + ((getTime() - t0) * 1000) + ' ' + bits(check));
  });
  quit();
})();
`;


export async function interpreterLoops(): Promise<LoopFigure[]> {
  const cwd = mkdtempSync(join(tmpdir(), 'cems-loops-'));
  let out: string;
  try {
    out = await runScript('resizable', conformanceBundle().code + RUNNER, { cwd, timeoutMs: 600000 });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  const figures: LoopFigure[] = [];
  for (const m of out.matchAll(/^LOOP (\w+) (\S+) (\d+) ([\d.]+) ([0-9a-f]{16})$/gm)) {
    const [, name, unit, n, ms, bits] = m;
    const iterations = Number(n);
    const loop = NODE_BENCH_LOOPS[name];
    if (!loop) throw new Error('bench: no Node reference for loop ' + name);
    // the same warm-up on the same loop object as on the interpreter: a loop's state carries over between runs
    const reference = loop();
    reference(Math.max(1, Math.floor(iterations / 10)));
    const t0 = performance.now();
    const check = reference(iterations);
    const nodeMs = performance.now() - t0;
    if (float64Bits(check) !== bits) throw new Error('bench: loop ' + name + ' checksum differs between the interpreter and Node');
    figures.push({ name, unit: unit.split('_').join(' '), iterations, deviceMsEach: Number(ms) / iterations, nodeMsEach: nodeMs / iterations });
  }
  if (figures.length !== Object.keys(NODE_BENCH_LOOPS).length) throw new Error('bench: the interpreter ran ' + figures.length + ' loops:\n' + out.slice(-2000));
  return figures;
}
