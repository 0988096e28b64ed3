// Espruino's number <-> text conversions, reproduced step by step from Espruino 2v29 (espruino/Espruino at commit
// c5ff787b) so that the sandbox prints and parses numbers the way the device does. JS doubles are IEEE binary64 like
// the interpreter's JsVarFloat (src/jstypes.h), and every operation below is the same single rounding the C code
// performs, in the same order; C's (int) casts are reproduced by cInt (truncation; the x86-64 result for NaN or out
// of range).
//
// number -> text: src/jsutils.c ftoa_bounded_extra into a JS_NUMBER_BUFFER_SIZE (70, src/jsutils.h) buffer.
//   String(x), x.toString(), '' + x and JSON.stringify all reach it through jsvAsString (src/jsvar.c) with
//   fractionalDigits -1; x.toString(radix) through jswrap_object_toString (src/jswrap_object.c); x.toFixed(d)
//   through jswrap_number_toFixed (src/jswrap_number.c) with fractionalDigits d clamped to 0..20. Consequences:
//   digits are truncated, not rounded (each fractional digit adds 1e-8 first), except that toFixed's last digit
//   (the loop's fractionalDigits == 1) adds 0.5 first, and a digit that rounds up to 10 becomes 9 ((0.96).toFixed(1)
//   is "0.9"); at most 11 fractional digits; a value within 1e-7 below an integer is printed
//   as that integer; from 1e21 and below 1e-6 the mantissa and exponent come from repeated division and
//   multiplication (String(1e21) is "10e+20"); toFixed never switches to exponent notation and stops at 69
//   characters; negative zero prints as "0".
// text -> number: src/jsutils.c stringToFloatWithRadix, a digit-by-digit accumulation that is not correctly
//   rounded, with radix prefixes (getRadix: a leading 0 means octal unless the digits hold a '.', 8 or 9).
//   parseFloat is jswrap_parseFloat (src/jswrap_functions.c), Number(text) is jswrap_number_constructor
//   (src/jswrap_number.c) through jsvAsNumber and jsvGetFloat (src/jsvar.c), number literals are tokenised by
//   src/jslex.c (JSLJT_NUMBER) and converted in src/jsparse.c (LEX_INT: stringToInt, LEX_FLOAT: stringToFloat).
// The sandbox (sandbox.ts) routes Number.prototype.toString, toFixed, JSON.stringify and parseFloat here; String(x),
// '' + x and Number(text) stay V8's inside a V8 context. test/sandbox/number-text-interpreter.test.ts compares every
// function here with the real interpreter on tens of thousands of values and texts.

/** src/jsutils.h JS_NUMBER_BUFFER_SIZE: the buffer ftoa_bounded_extra writes into (69 characters and a NUL). */
const NUMBER_BUFFER_SIZE = 70;
/** src/jsutils.h JSLEX_MAX_TOKEN_LENGTH: the lexer keeps at most 63 characters of a token. */
const MAX_TOKEN_LENGTH = 64;
const INT_MIN = -2147483648;
const TOO_BIG = 'String too big to convert to number';

/** C's (int)x / (JsVarInt)x for a double on x86-64 (cvttsd2si): truncation, or INT_MIN when out of range or NaN. */
function cInt(x: number): number {
  return x > -2147483649 && x < 2147483648 ? Math.trunc(x) | 0 : INT_MIN;
}

/** src/jsutils.c itoch, the character as a C char (the low 8 bits). */
function itoch(v: number): string {
  return String.fromCharCode((v < 10 ? 48 + v : 97 + v - 10) & 255);
}

/** src/jsutils.c ftoa_bounded_extra(val, str, JS_NUMBER_BUFFER_SIZE, radix, fractionalDigits). */
function ftoaBoundedExtra(val: number, radix: number, fractionalDigits: number): string {
  const stopAtError = 0.0000001;
  if (val !== val) return 'NaN';
  if (val === Infinity) return 'Infinity';
  if (val === -Infinity) return '-Infinity';
  let len = NUMBER_BUFFER_SIZE;
  let str = '';
  // The bounds check before every character: the buffer ends (NUL) where len runs out.
  const put = (c: string): boolean => {
    if (--len <= 0) return false;
    str += c;
    return true;
  };
  const done = (): string => {
    const nul = str.indexOf('\0'); // jsvNewFromString stops at a NUL (itoch of -48)
    return nul < 0 ? str : str.slice(0, nul);
  };
  if (val < 0) {
    if (!put('-')) return done();
    val = -val;
  }
  // Exponent notation only in radix 10 and never for toFixed (fractionalDigits >= 0).
  let exponent = 0;
  if (radix === 10 && val > 0.0 && fractionalDigits < 0) {
    if (val >= 1e21) {
      while (val > 100000) {
        val /= 100000;
        exponent += 5;
      }
      while (val > 10) {
        val /= 10;
        exponent++;
      }
    } else if (val < 1e-6) {
      while (val < 1e-5) {
        val *= 100000;
        exponent -= 5;
      }
      while (val < 1) {
        val *= 10;
        exponent--;
      }
    }
  }
  // "what if we're really close to an integer? Just use that..." (1 + INT_MAX wraps as the compiled code does)
  if (cInt(val + stopAtError) === ((1 + cInt(val)) | 0)) val = (1 + cInt(val)) | 0;
  let d = 1;
  while (d * radix <= val) d *= radix;
  while (d >= 1) {
    const v = cInt(val / d);
    val -= v * d;
    if (!put(itoch(v))) return done();
    d /= radix;
  }
  if ((fractionalDigits < 0 && val > 0) || fractionalDigits > 0) {
    let hasPt = false;
    val *= radix;
    while ((fractionalDigits < 0 && fractionalDigits > -12 && val > stopAtError) || fractionalDigits > 0) {
      let v = cInt(val + (fractionalDigits === 1 ? 0.5 : 0.00000001));
      val = (val - v) * radix;
      if (v === radix) v = radix - 1;
      if (!hasPt) {
        hasPt = true;
        if (!put('.')) return done();
      }
      if (!put(itoch(v))) return done();
      fractionalDigits--;
    }
  }
  if (exponent && len > 5) str += 'e' + (exponent > 0 ? '+' : '') + String(exponent);
  return done();
}

/**
 * String(x) (also x.toString(), '' + x, JSON.stringify) as Espruino prints it; with a radix, x.toString(radix).
 * Integer-typed JsVars are printed by itostr instead, which gives the same text for every int32 value.
 */
export function espruinoNumberToString(x: number, radix = 10): string {
  return ftoaBoundedExtra(x, radix, -1);
}

/** src/jsvar.c jsvGetInteger, as toFixed's int argument is converted. */
function argumentAsInt(v: unknown): number {
  if (typeof v === 'number') return isFinite(v) ? Number(BigInt.asIntN(32, cLongLong(v))) : 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.length === 1 ? argumentAsInt(v[0]) : 0;
  if (typeof v === 'string' && isStringNumericInt(v, true)) {
    if (v.length >= 32) throw new Error(TOO_BIG); // jsvGetString(v, buf, 32) filled the buffer
    return Number(BigInt.asIntN(32, stringToInt(cString(v))));
  }
  return 0;
}

/** C's (long long)x on x86-64: truncation, or INT64_MIN when out of range. */
function cLongLong(x: number): bigint {
  return x > -9223372036854775808 && x < 9223372036854775808 ? BigInt(Math.trunc(x)) : -(2n ** 63n);
}

/** Number.prototype.toFixed as Espruino computes it (e.g. (2.5).toFixed(0) is "2", (1.25).toFixed(1) "1.3"). */
export function espruinoToFixed(x: number, fractionDigits?: unknown): string {
  let decimals = argumentAsInt(fractionDigits);
  if (decimals < 0) decimals = 0;
  if (decimals > 20) decimals = 20;
  return ftoaBoundedExtra(x, 10, decimals);
}

/** src/jsutils.h isWhitespaceInline: TAB, VT, FF, space, LF, CR. */
function isWhitespace(c: string | undefined): boolean {
  return c === '\t' || c === '\v' || c === '\f' || c === ' ' || c === '\n' || c === '\r';
}

/** src/jsutils.c chtod: the digit value of 0-9, a-z, A-Z, else -1. */
function chtod(c: string | undefined): number {
  if (c === undefined) return -1;
  const ch = c.charCodeAt(0);
  if (ch >= 48 && ch <= 57) return ch - 48;
  if (ch >= 97 && ch <= 122) return 10 + ch - 97;
  if (ch >= 65 && ch <= 90) return 10 + ch - 65;
  return -1;
}

/** src/jsutils.c getRadix: the radix a number text at s[i] is in, and where its digits start. */
function getRadix(s: string, i: number): { radix: number; i: number } {
  let radix = 10;
  if (s[i] === '0') {
    radix = 8;
    i++;
    const c = s[i];
    if (c === 'o' || c === 'O') {
      radix = 8;
      i++;
    } else if (c === 'x' || c === 'X') {
      radix = 16;
      i++;
    } else if (c === 'b' || c === 'B') {
      radix = 2;
      i++;
    } else {
      // a '.' or a digit 8 or 9 makes it decimal
      for (let p = i; p < s.length; p++) {
        if (s[p] === '.' || s[p] === '8' || s[p] === '9') radix = 10;
        else if (s[p] < '0' || s[p] > '9') break;
      }
    }
  }
  return { radix, i };
}

/** The text as the C string it becomes: up to its first NUL. */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** The whitespace and sign both src/jsutils.c parsers skip first: where the digits start and whether '-' came. */
function leadingSign(s: string): { i: number; negated: boolean } {
  let i = 0;
  while (isWhitespace(s[i])) i++;
  if (s[i] === '-') return { i: i + 1, negated: true };
  return { i: s[i] === '+' ? i + 1 : i, negated: false };
}

/** src/jsutils.c stringToFloatWithRadix(s, 0, &end): the value and the index where parsing stopped. */
function stringToFloat(s: string): { value: number; end: number } {
  const sign = leadingSign(s);
  let i = sign.i;
  const isNegated = sign.negated;
  const numberStart = i;
  const r = getRadix(s, i);
  const radix = r.radix;
  i = r.i;
  let v = 0;
  let mul = 0.1;
  for (;;) {
    const digit = chtod(s[i]);
    if (digit < 0 || digit >= radix) break;
    v = v * radix + digit;
    i++;
  }
  if (radix === 10) {
    if (s[i] === '.') {
      i++;
      while (i < s.length && s[i] >= '0' && s[i] <= '9') {
        v += mul * (s.charCodeAt(i) - 48);
        mul /= 10;
        i++;
      }
    }
    if (s[i] === 'e' || s[i] === 'E') {
      i++;
      let isENegated = false;
      if (s[i] === '-' || s[i] === '+') {
        isENegated = s[i] === '-';
        i++;
      }
      let e = 0;
      while (i < s.length && s[i] >= '0' && s[i] <= '9') {
        e = (Math.imul(e, 10) + (s.charCodeAt(i) - 48)) | 0; // int arithmetic, wrapping as compiled
        i++;
      }
      if (isENegated) e = -e | 0;
      // One step at a time, as the C loops do; once v is 0 or Infinity further steps change nothing.
      while (e > 0 && v !== Infinity && v !== 0) {
        v *= 10;
        e--;
      }
      while (e < 0 && v !== 0) {
        v /= 10;
        e++;
      }
    }
  }
  if (i === numberStart || (s[numberStart] === '.' && i === numberStart + 1)) return { value: NaN, end: i };
  return { value: isNegated ? -v : v, end: i };
}

/** src/jsutils.c stringToIntWithRadix(s, 0, ...) with its long long (64-bit, wrapping) accumulator. */
function stringToInt(s: string): bigint {
  const sign = leadingSign(s);
  const isNegated = sign.negated;
  const r = getRadix(s, sign.i);
  let i = r.i;
  const radix = BigInt(r.radix);
  let v = 0n;
  for (;;) {
    const digit = chtod(s[i]);
    if (digit < 0 || digit >= r.radix) break;
    v = BigInt.asIntN(64, v * radix + BigInt(digit));
    i++;
  }
  return isNegated ? BigInt.asIntN(64, -v) : v;
}

/** src/jsvar.c jsvNewFromLongInteger: an int32, or the long long converted to a double. */
function fromLongInteger(v: bigint): number {
  return Number(v);
}

/** src/jsvar.c jsvIsStringNumericInt. */
function isStringNumericInt(s: string, allowDecimalPoint: boolean): boolean {
  let i = 0;
  while (i < s.length && isWhitespace(s[i])) i++;
  if (s[i] === '-' || s[i] === '+') i++;
  let radix = 0;
  if (s[i] === '0') {
    i++;
    const buf = '0' + (i < s.length ? s[i] : '');
    const r = getRadix(buf, 0);
    radix = r.radix;
    if (r.i > 1) i++;
  }
  if (radix === 0) radix = 10;
  let chars = 0;
  for (; i < s.length; i++) {
    chars++;
    if (s[i] === '.' && allowDecimalPoint) {
      allowDecimalPoint = false;
    } else {
      const n = chtod(s[i]);
      if (n < 0 || n >= radix) return false;
    }
  }
  return chars > 0;
}

/** The text jsvGetString gives for an argument: a string's characters, a number's Espruino text. */
function argumentText(v: unknown): string {
  if (typeof v === 'number') return espruinoNumberToString(v);
  return String(v);
}

/** parseFloat as Espruino computes it (src/jswrap_functions.c jswrap_parseFloat): not correctly rounded. */
export function espruinoParseFloat(text: unknown): number {
  // jsvGetString into a JS_NUMBER_BUFFER_SIZE buffer: at most 69 characters.
  const buffer = cString(argumentText(text)).slice(0, NUMBER_BUFFER_SIZE - 1);
  if (buffer === 'Infinity') return Infinity;
  if (buffer === '-Infinity') return -Infinity;
  const { value, end } = stringToFloat(buffer);
  // parsing up to the buffer's last character means the text may have been cut
  if (end === NUMBER_BUFFER_SIZE - 1) throw new Error(TOO_BIG);
  return value;
}

/**
 * Number(text) for a string as Espruino computes it (src/jswrap_number.c jswrap_number_constructor, src/jsvar.c
 * jsvAsNumber and jsvGetFloat): integer texts through a wrapping 64-bit integer, others through
 * stringToFloatWithRadix that must reach the end of the text (leading whitespace is skipped, trailing is not).
 * Throws for texts of 64 characters or more, as Espruino does.
 */
export function espruinoNumber(text: string): number {
  if (text === '') return 0;
  const s = cString(text);
  if (text.length >= 64) throw new Error(TOO_BIG); // jsvGetString(var, buf, 64) filled the buffer
  if (isStringNumericInt(text, false)) return fromLongInteger(stringToInt(s));
  if (s === '') return 0;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  const { value, end } = stringToFloat(s);
  return end === s.length ? value : NaN;
}

/**
 * The value of a numeric literal as Espruino's lexer and parser give it (src/jslex.c JSLJT_NUMBER, src/jsparse.c
 * jspeFactor): '_' separators dropped, the token cut to 63 characters; with a '.' or an exponent (not after a 0x,
 * 0b or 0o prefix) it is a float through stringToFloat, otherwise an integer through stringToInt (64-bit, wrapping;
 * a leading 0 means octal unless an 8 or 9 follows).
 */
export function espruinoNumberLiteral(literal: string): number {
  const token = literal.replace(/_/g, '').slice(0, MAX_TOKEN_LENGTH - 1);
  const prefixed = /^0[xXbBoO]/.test(literal);
  const isFloat = !prefixed && /[.eE]/.test(literal);
  return isFloat ? stringToFloat(token).value : fromLongInteger(stringToInt(token));
}
