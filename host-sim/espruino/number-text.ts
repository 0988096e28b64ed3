// Espruino's number <-> text conversions (src/jsutils.c ftoa_bounded_extra / stringToFloat), reproduced so the
// sandbox prints and parses numbers the way the device does: truncated digits, at most 11 fractional digits, a
// 1e-7 "close to an integer" snap, toFixed with its own rounding, and a parser that is not correctly rounded.
// toFixed is jswrap_number_toFixed (src/jswrap_number.c); the parser's full name is stringToFloatWithRadix.
// test/sandbox/number-text.test.ts checks them against values measured on Espruino 2v29's Linux build.

const STOP_AT_ERROR = 1e-7;
const MAX_FRACTION_DIGITS = 11;

function digitsOf(val: number, fractionalDigits: number): string {
  let s = '';
  // What if we're really close to an integer? Espruino just uses that.
  if (val < 9007199254740992 && Math.floor(val + STOP_AT_ERROR) === Math.floor(val) + 1) val = Math.floor(val) + 1;
  let d = 1;
  while (d * 10 <= val) d *= 10;
  while (d >= 1) {
    let v = Math.floor(val / d);
    if (v > 9) v = 9;
    val -= v * d;
    s += String.fromCharCode(48 + v);
    d /= 10;
  }
  if ((fractionalDigits < 0 && val > 0) || fractionalDigits > 0) {
    s += '.';
    val *= 10;
    let printed = 0;
    while (
      (fractionalDigits < 0 && val > STOP_AT_ERROR && printed < MAX_FRACTION_DIGITS) ||
      fractionalDigits > 0
    ) {
      let v = Math.floor(val + (fractionalDigits === 1 ? 0.4 : 0.00000001));
      val = (val - v) * 10;
      if (v >= 10) v = 9;
      if (v < 0) v = 0;
      s += String.fromCharCode(48 + v);
      fractionalDigits--;
      printed++;
    }
  }
  return s;
}

/** String(x) as Espruino prints it. */
export function espruinoNumberToString(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  let sign = '';
  if (x < 0) {
    sign = '-';
    x = -x;
  }
  if (x >= 1e21 || (x !== 0 && x < 1e-6)) {
    let e = 0;
    while (x >= 10) {
      x /= 10;
      e++;
    }
    while (x < 1) {
      x *= 10;
      e--;
    }
    return sign + digitsOf(x, -1) + 'e' + (e >= 0 ? '+' : '') + e;
  }
  return sign + digitsOf(x, -1);
}

/** Number.prototype.toFixed as Espruino computes it (e.g. (2.5).toFixed(0) is "2", (99.995).toFixed(2) "99.99"). */
export function espruinoToFixed(x: number, fractionDigits: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity || x === -Infinity) return x > 0 ? 'Infinity' : '-Infinity';
  const digits = Math.max(0, Math.min(20, Math.floor(fractionDigits || 0)));
  return (x < 0 ? '-' : '') + digitsOf(Math.abs(x), digits);
}

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** parseFloat as Espruino computes it: digit accumulation, not correctly rounded. */
export function espruinoParseFloat(text: string): number {
  const s = String(text);
  let i = 0;
  while (i < s.length && isWhitespace(s[i])) i++;
  const start = i;
  let negative = false;
  if (s[i] === '-') {
    negative = true;
    i++;
  } else if (s[i] === '+') i++;
  if (s.startsWith('Infinity', i)) return negative ? -Infinity : Infinity;
  let v = 0;
  let any = false;
  while (i < s.length && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s.charCodeAt(i) - 48);
    i++;
    any = true;
  }
  if (s[i] === '.') {
    i++;
    let mul = 0.1;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') {
      v += mul * (s.charCodeAt(i) - 48);
      mul /= 10;
      i++;
      any = true;
    }
  }
  if (any && (s[i] === 'e' || s[i] === 'E')) {
    i++;
    let eNeg = false;
    if (s[i] === '-' || s[i] === '+') {
      eNeg = s[i] === '-';
      i++;
    }
    let e = 0;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') {
      e = e * 10 + (s.charCodeAt(i) - 48);
      i++;
    }
    if (eNeg) e = -e;
    while (e > 0) {
      v *= 10;
      e--;
    }
    while (e < 0) {
      v /= 10;
      e++;
    }
  }
  if (!any || i === start) return NaN;
  return negative ? -v : v;
}
