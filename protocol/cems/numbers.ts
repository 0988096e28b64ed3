// Numeric primitives with identical results on Espruino and Node.
// Espruino's decimal parser is not correctly rounded (src/jsutils.c, stringToFloatWithRadix: digits accumulated as
// v*10 + d, the fraction and exponent by repeated /10 and *10; number literals in source go through it too, via
// src/jsparse.c), so no constant here is written as a decimal literal: each is a ratio of two exact integers, and
// IEEE division of exact integers is correctly rounded everywhere.
// Config values arrive as integers or as decimal strings, which parseDecimal turns into such a ratio.

/**
 * n / d, for writing a non-integer constant as an exact integer ratio. A call, not a literal expression: the bundler's
 * minifier folds `const X = 64064 / 1000` back into the decimal literal 64.064, which Espruino would misparse.
 */
export function ratio(n: number, d: number): number {
  return n / d;
}

/** Largest integer below which every integer is exact in a double (2^53). */
export const EXACT_INT_LIMIT = 9007199254740992;

export const HALF = ratio(1, 2);

/** Math.PI as an exact ratio (its double is 884279719003555 / 2^48), so no libm constant is involved. */
export const PI = ratio(884279719003555, 281474976710656);

/** 10^k for k = 0..15, built by integer multiplication (all exact). */
export const POW10: number[] = (function (): number[] {
  const t: number[] = [];
  let p = 1;
  for (let k = 0; k <= 15; k++) {
    t.push(p);
    p = p * 10;
  }
  return t;
})();

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && isFinite(x) && Math.floor(x) === x && x > -EXACT_INT_LIMIT && x < EXACT_INT_LIMIT;
}

/**
 * Exact decimal text -> nearest double: "22.414" -> 22414 / 1000. Accepts an optional sign, digits and at most one
 * point; at most 15 significant digits and 15 fraction digits (mantissa and 10^k stay exact). NaN for anything else.
 */
export function parseDecimal(s: string): number {
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i = 1;
  }
  let mant = 0;
  let digits = 0;
  let sig = 0;
  let frac = -1;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (frac >= 0) return NaN;
      frac = 0;
      continue;
    }
    if (c < 48 || c > 57) return NaN;
    digits++;
    if (frac >= 0) frac++;
    if (mant > 0 || c !== 48) sig++;
    mant = mant * 10 + (c - 48);
  }
  if (digits === 0 || sig > 15 || frac > 15 || frac === 0) return NaN;
  const v = frac > 0 ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

/** Integer, or NaN when `x` is neither an exact integer nor a decimal string (see parseDecimal). */
export function configNumber(x: unknown): number {
  if (typeof x === 'number') return isInt(x) ? x : NaN;
  if (typeof x === 'string') return parseDecimal(x);
  return NaN;
}

/**
 * The one rounding the engine defines: round half away from zero to `decimals` places, returned as the scaled
 * integer (x * 10^decimals rounded). Multiplication by an exact power of ten and Math.floor are exact operations on
 * both platforms, so the integer is identical; consumers that need text format the integer, never the double.
 */
export function roundScaled(x: number, decimals: number): number {
  const s = x * POW10[decimals];
  return s < 0 ? -Math.floor(-s + HALF) : Math.floor(s + HALF);
}

/** Floor of t / step for integer t, step > 0, corrected so the result is exact even when the quotient rounds. */
export function floorTo(t: number, step: number): number {
  let start = Math.floor(t / step) * step;
  if (start > t) start -= step;
  else if (start + step <= t) start += step;
  return start;
}

/** 2^32 and 2^-52 (the spacing of doubles in [1, 2)), written as exact integers. */
const TWO32 = 4294967296;
const ULP1 = 1 / 4503599627370496;
/** Veltkamp's splitting constant 2^27 + 1: splits a double into two 26-bit halves whose products are exact. */
const SPLIT = 134217729;

/**
 * A value with the sign of a*b - x, for a*b within a factor of two of x: a*b = p + err exactly (Dekker's product,
 * T. J. Dekker, "A floating-point technique for extending the available precision", Numer. Math. 18 (1971)), and
 * p - x is exact by Sterbenz's lemma, so the one rounding of (p - x) + err cannot change the sign.
 */
function productMinus(a: number, b: number, x: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const err = ah * bh - p + ah * bl + al * bh + al * bl;
  return p - x + err;
}

/**
 * The correctly rounded square root (IEEE 754 squareRoot), the same bits on every platform. Espruino's Math.sqrt is
 * exp(log(x) * 0.5) (src/jswrap_math.c, jswrap_math_sqrt) and can be a few units in the last place off; it only seeds
 * the search here. x is scaled by powers of four into [1, 4) (exact), the root bracketed between adjacent doubles
 * c <= sqrt(x) < c + 2^-52 with exact sign tests, and rounded up exactly when x > c * (c + 2^-52) (the midpoint test:
 * no double lies between that product and the square of the midpoint).
 */
export function sqrt(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 || x === Infinity ? x : NaN;
  let scale = 1;
  while (x >= TWO32) {
    x = x / TWO32;
    scale = scale * 65536;
  }
  while (x >= 4) {
    x = x / 4;
    scale = scale * 2;
  }
  while (x < 1 / TWO32) {
    x = x * TWO32;
    scale = scale / 65536;
  }
  while (x < 1) {
    x = x * 4;
    scale = scale / 2;
  }
  let c = Math.sqrt(x);
  if (!(c >= 1)) c = 1;
  if (c > 2 - ULP1) c = 2 - ULP1;
  while (c > 1 && productMinus(c, c, x) > 0) c = c - ULP1;
  while (c + ULP1 < 2 && productMinus(c + ULP1, c + ULP1, x) <= 0) c = c + ULP1;
  if (productMinus(c, c + ULP1, x) < 0) c = c + ULP1;
  return c * scale;
}
