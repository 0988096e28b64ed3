// The engine's square root (MRR Eq. 4 sigma) must give the same bits on Espruino and Node. It is checked here against
// V8's Math.sqrt (correctly rounded, ECMA-262 Math.sqrt with IEEE 754 squareRoot) over random doubles of every
// magnitude, once seeded by V8's Math.sqrt and once by Espruino's own formula exp(log(x) * 0.5)
// (src/jswrap_math.c, jswrap_math_sqrt), which is off in its last bits; the conformance vectors compare the bits
// on the real interpreter.
import { afterEach, describe, expect, it } from 'vitest';
import { sqrt } from '../../protocol/cems/numbers';

const V8_SQRT = Math.sqrt;

/** Deterministic doubles: uniform in [0, 1) times 10^-30..10^30, raw bit patterns of positive finite doubles, integers. */
function samples(n: number): number[] {
  let seed = 20261202;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const bits = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) out.push(next() * 10 ** (Math.floor(next() * 61) - 30));
    else if (i % 3 === 1) {
      bits.setUint32(0, Math.floor(next() * 0x7ff00000));
      bits.setUint32(4, Math.floor(next() * 4294967296));
      out.push(bits.getFloat64(0));
    } else out.push(Math.floor(next() * 1e9));
  }
  return out;
}

const EDGES = [0, -0, 1, 2, 3, 4, 9, 0.25, 4 - 2 ** -50, 1 + 2 ** -52, 2 ** -1074, 2 ** -1022, 1.7976931348623157e308, Infinity, -1, -Infinity, NaN];

function mismatches(): string[] {
  const bad: string[] = [];
  for (const x of samples(200000).concat(EDGES)) {
    if (!Object.is(sqrt(x), V8_SQRT(x))) bad.push(x + ': ' + sqrt(x) + ' != ' + V8_SQRT(x));
  }
  return bad;
}

describe('sqrt (correctly rounded)', () => {
  afterEach(() => {
    Math.sqrt = V8_SQRT;
  });

  it('equals V8 Math.sqrt bit for bit', () => {
    expect(mismatches().slice(0, 5)).toEqual([]);
  });

  it('does so from a seed as inexact as Espruino Math.sqrt', () => {
    Math.sqrt = (x: number) => Math.exp(Math.log(x) * 0.5);
    let off = 0;
    for (const x of samples(2000)) if (!Object.is(Math.sqrt(x), V8_SQRT(x))) off++;
    expect(off).toBeGreaterThan(100); // the seed really is off
    expect(mismatches().slice(0, 5)).toEqual([]);
  });
});
