// The sandbox's number text (host-sim/espruino/number-text.ts) against the real Espruino 2v29 interpreter (Linux
// build, resizable pool): tens of thousands of deterministic doubles through String(x), x.toString(16),
// x.toString(2), x.toFixed(0..8) and JSON.stringify, and thousands of texts through parseFloat, Number and number
// literals. Values reach the interpreter as float64 bytes and parsed values leave it as float64 bits, so that no
// number text stands between the two sides. Every result must be identical; a failure lists the first mismatches.
// The same scripts also run in the Espruino-profile sandbox, through its replaced builtins.
// Needs the interpreter binary (host-sim/espruino-linux/binaries.ts): fails without it, never skips.
import { beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../gate/interpreter';
import { FLOAT64_BITS_JS, float64Bits } from '../../host-sim/espruino-linux/script';
import { crc32 } from 'crc';
import { Prng } from '../../host-sim/prng';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import {
  espruinoNumber,
  espruinoNumberLiteral,
  espruinoNumberToString,
  espruinoParseFloat,
  espruinoToFixed,
} from '../../host-sim/espruino/number-text';

const TO_FIXED_DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

// ---------------------------------------------------------------------------------------------------------------
// Inputs (deterministic: one seeded PRNG)

const rng = new Prng(0x5eed2129);
const scratch = new DataView(new ArrayBuffer(8));

function fromBits(hi: number, lo: number): number {
  scratch.setUint32(0, hi >>> 0);
  scratch.setUint32(4, lo >>> 0);
  return scratch.getFloat64(0);
}

function u32(): number {
  return Math.floor(rng.next() * 4294967296);
}

/** The next double up (k > 0) or down (k < 0), k steps away. */
function ulpStep(x: number, k: number): number {
  scratch.setFloat64(0, x);
  let b = scratch.getBigUint64(0);
  const neg = b >> 63n === 1n;
  for (let i = 0; i < Math.abs(k); i++) {
    const up = (k > 0) !== neg;
    if (b === 0n && !up) b = 0x8000000000000001n;
    else if (b === 0x8000000000000000n && up) b = 1n;
    else b = up ? b + 1n : b - 1n;
  }
  scratch.setBigUint64(0, b);
  return scratch.getFloat64(0);
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
}

function sign(): number {
  return rng.chance(0.5) ? -1 : 1;
}

function makeValues(): number[] {
  const v: number[] = [];
  // special values and edges of the formats and of Espruino's branches (1e21 and 1e-6 switch to exponents)
  v.push(0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE);
  v.push(2.2250738585072014e-308, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64);
  for (const edge of [1e21, 1e-6, 1e-5, 1e-7, 1, 10, 0.1, 100000, 1e20, 1e22, 2 ** 30, 2 ** 31, 9.5, 0.95, 0.995]) {
    for (let k = -3; k <= 3; k++) v.push(ulpStep(edge, k), -ulpStep(edge, k));
  }
  // random bit patterns: doubles of every magnitude, subnormals included
  for (let i = 0; i < 3000; i++) {
    const x = fromBits(u32(), u32());
    if (isFinite(x)) v.push(x);
  }
  // random mantissas at every decimal magnitude
  for (let i = 0; i < 3000; i++) v.push(sign() * (1 + 9 * rng.next()) * Math.pow(10, rng.between(-330, 310)));
  // values like measurements: a few decimal places over a moderate range
  for (let i = 0; i < 2500; i++) v.push(sign() * rng.next() * Math.pow(10, rng.between(-8, 22)));
  // float32 values (Float32Array readings, as sensors and Modbus registers give them)
  for (let i = 0; i < 2000; i++) v.push(Math.fround(sign() * rng.next() * Math.pow(10, rng.between(-3, 6))));
  for (let i = 0; i < 1500; i++) {
    scratch.setUint32(0, u32());
    const f = scratch.getFloat32(0);
    if (isFinite(f)) v.push(f);
  }
  for (let i = 0; i < 1500; i++) v.push(Math.fround((rng.between(-2000000, 2000000) / 1000)));
  // integers of every size
  for (let i = 0; i < 1500; i++) v.push(sign() * rng.int(2 ** rng.between(1, 31)));
  for (let i = 0; i < 1000; i++) v.push(sign() * Math.floor(rng.next() * 2 ** rng.between(31, 80)));
  for (let k = 0; k <= 25; k++) v.push(Math.pow(10, k), -Math.pow(10, k), Math.pow(10, k) - 1);
  for (let k = 0; k <= 75; k++) v.push(2 ** k, 2 ** -k);
  // halves, quarters, eighths
  for (let i = 0; i < 2000; i++) v.push(sign() * rng.between(0, 200000) / 2 ** rng.between(1, 3));
  for (let k = 0; k <= 100; k++) v.push(k + 0.5, -(k + 0.5), k / 4, k / 8);
  // next to the rounding boundary of d decimals: the double nearest "I.F5" and its neighbours
  for (let i = 0; i < 2000; i++) {
    const d = rng.int(9);
    const x = Number(String(rng.int(10 ** rng.between(0, 6))) + '.' + digits(d) + '5') * sign();
    v.push(x, ulpStep(x, 1), ulpStep(x, -1), ulpStep(x, rng.between(2, 40)));
  }
  // next to an integer: around Espruino's 1e-7 snap and the 1e-8 added to every fractional digit
  for (let i = 0; i < 1200; i++) {
    const n = rng.int(10 ** rng.between(0, 8));
    const gap = [1e-7, 1e-8, 1e-9, 1e-6, 5e-8, 1.5e-7][rng.int(6)] * (0.9 + 0.2 * rng.next());
    v.push(n - gap, n + gap, -(n - gap));
  }
  // 0.x999 and 9.99 chains: digits that round up to 10
  for (let i = 0; i < 1000; i++) {
    const nines = rng.between(1, 16);
    const x = Number(String(rng.int(100)) + '.' + digits(rng.int(4)) + '9'.repeat(nines) + digits(rng.int(3)));
    v.push(x, -x);
  }
  return v;
}

/** Texts for parseFloat and Number: decimal texts of many shapes, radix prefixes, whitespace, garbage, long texts. */
function makeTexts(values: number[]): string[] {
  const t: string[] = [];
  t.push('', ' ', '.', '-', '+', '-.', '+.', 'e5', '.e5', '1e', '1e+', '1e-', 'E', '0', '-0', '+0', '00', '0.', '.0');
  t.push('Infinity', '-Infinity', '+Infinity', ' Infinity', 'Infinity ', 'Infinityx', 'infinity', 'NaN', 'abc');
  t.push('1_000', '--1', '+-1', '1..2', '1.2.3', '1e5e5', '0x', '0X', '0b', '0o', '0x1g', '0b102', '0o78', '1e400');
  t.push('1e-400', '-1e400', '1e4294967297', '1e4294967295', '1e-4294967295', '4e-324', '2e-324', '1.7976931348623157e308');
  t.push('1.7976931348623158e308', '1.7976931348623159e308', '0.1', '0.2', '0.3', '1.1', '2.675', '1.005', '1234.5678');
  // Node's shortest round-trip text and Espruino's own text of many values
  for (let i = 0; i < 3000; i++) {
    const x = values[rng.int(values.length)];
    t.push(rng.chance(0.5) ? String(x) : espruinoNumberToString(x));
  }
  for (let i = 0; i < 1500; i++) {
    const x = values[rng.int(values.length)];
    if (isFinite(x) && Math.abs(x) < 1e15) t.push(x.toFixed(rng.int(12)));
  }
  // random decimal texts
  for (let i = 0; i < 5000; i++) {
    let s = ['', '', '-', '+'][rng.int(4)];
    const intDigits = rng.int(22);
    const fracDigits = rng.int(22);
    s += digits(intDigits);
    if (fracDigits > 0 || rng.chance(0.2)) s += '.' + digits(fracDigits);
    if (rng.chance(0.35)) s += (rng.chance(0.5) ? 'e' : 'E') + ['', '+', '-'][rng.int(3)] + String(rng.int(340));
    t.push(s);
  }
  // leading zeros (octal unless an 8, 9 or '.' follows), radix prefixes
  for (let i = 0; i < 600; i++) {
    const p = ['0', '00', '0x', '0X', '0b', '0B', '0o', '0O', '-0', '-0x', '+0b'][rng.int(11)];
    const alphabet = p.toLowerCase().includes('x') ? '0123456789abcdefABCDEF' : p.toLowerCase().includes('b') ? '01' : '0123456789';
    let s = p;
    const n = rng.between(0, 20);
    for (let k = 0; k < n; k++) s += alphabet[rng.int(alphabet.length)];
    if (rng.chance(0.3)) s += '.' + digits(rng.int(6));
    if (rng.chance(0.2)) s += 'e' + String(rng.int(30));
    t.push(s);
  }
  // whitespace around (Espruino's is TAB, LF, VT, FF, CR and space; NBSP is not) and text after the number
  const ws = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0'];
  for (let i = 0; i < 1200; i++) {
    const core = digits(rng.between(1, 6)) + (rng.chance(0.6) ? '.' + digits(rng.between(1, 8)) : '');
    const pre = rng.chance(0.5) ? ws[rng.int(ws.length)].repeat(rng.between(1, 3)) : '';
    const post = rng.chance(0.5) ? ws[rng.int(ws.length)] : rng.chance(0.5) ? ['x', 'px', ',5', 'e', '.5.5', '_1'][rng.int(6)] : '';
    t.push(pre + (rng.chance(0.3) ? '-' : '') + core + post);
  }
  // long texts around the 63/64-character limit of Number and the 69/70 of parseFloat
  for (let len = 55; len <= 80; len++) {
    t.push('1' + digits(len - 1), '0.' + digits(len - 2), digits(len - 4) + 'e-20', ' '.repeat(len - 3) + '1.5');
  }
  return t;
}

/** Unsigned numeric literals in the forms Espruino's lexer reads: decimals, exponents, prefixes, separators. */
function makeLiterals(): string[] {
  const l: string[] = ['0', '1', '0.5', '.5', '5.', '5.e3', '.5e-3', '0777', '0778', '08.5', '00.5', '0x1F', '0XfF', '0b101'];
  l.push('0B11', '0o17', '0O17', '1_000', '1_000.000_5', '2147483647', '2147483648', '4294967296', '9007199254740993');
  l.push('18446744073709551617', '123456789012345678901234567890', '1e21', '1e-7', '1e400', '1e-400', '0x7fffffffffffffff');
  l.push('0xffffffffffffffffff', '0.1', '0.2', '0.3', '1.1', '2.675', '1.005', '6087.16', '99.995', '1e100');
  for (let i = 0; i < 2500; i++) {
    let s = digits(rng.int(20)); // a leading 0 makes some of them octal, as in Espruino's stringToInt and getRadix
    if (s === '' || rng.chance(0.7)) s += '.' + digits(rng.between(s === '' ? 1 : 0, 20));
    if (rng.chance(0.3)) s += 'e' + ['', '+', '-'][rng.int(3)] + String(rng.int(330));
    l.push(s);
  }
  for (let i = 0; i < 300; i++) l.push('1' + digits(rng.between(8, 30)));
  // around the lexer's 63-character token limit
  for (let len = 58; len <= 70; len++) l.push('1' + digits(len - 1), '0.' + digits(len - 2));
  return l;
}

// ---------------------------------------------------------------------------------------------------------------
// What the interpreter runs, and what the emulation predicts. Each script calls emit(line) once per input; the
// comparison run emits the line's CRC-32 only (the Linux build writes its console a character at a time), and the
// lines of the first mismatches are fetched in a second run for the failure message.

function base64OfDoubles(xs: number[]): string {
  const b = Buffer.alloc(xs.length * 8);
  xs.forEach((x, i) => b.writeDoubleLE(x, i * 8));
  return b.toString('base64');
}

/** Per value: String, toString(16), toString(2), JSON.stringify, toFixed(0..8), '|'-separated. */
function valuesScript(xs: number[]): string {
  return `
var X = new Float64Array(E.toArrayBuffer(atob("${base64OfDoubles(xs)}")));
X.forEach(function (x) {
  var line = String(x) + '|' + x.toString(16) + '|' + x.toString(2) + '|' + JSON.stringify(x);
  for (var d = 0; d <= 8; d++) line += '|' + x.toFixed(d);
  emit(line);
});
`;
}

function expectedValueLine(x: number): string {
  const json = isFinite(x) ? espruinoNumberToString(x) : 'null';
  const fields = [espruinoNumberToString(x), espruinoNumberToString(x, 16), espruinoNumberToString(x, 2), json];
  for (const d of TO_FIXED_DIGITS) fields.push(espruinoToFixed(x, d));
  return fields.join('|');
}

/**
 * Per text: parseFloat's and Number's float64 bits (E when it threw). The texts travel as base64 in groups of 100
 * (Espruino's split of one long string takes time quadratic in its length).
 */
function textsScript(texts: string[]): string {
  const groups: string[] = [];
  for (let k = 0; k < texts.length; k += 100) {
    groups.push('"' + Buffer.from(texts.slice(k, k + 100).join('|'), 'latin1').toString('base64') + '"');
  }
  return `${FLOAT64_BITS_JS}
function f(fn, t) { try { return bits(fn(t)); } catch (e) { return 'E'; } }
[${groups.join(',\n')}].forEach(function (group) {
  atob(group).split('|').forEach(function (t) { emit(f(parseFloat, t) + ' ' + f(Number, t)); });
});
`;
}

function expectedTextLine(text: string): string {
  const f = (fn: (t: string) => number): string => {
    try {
      return float64Bits(fn(text));
    } catch {
      return 'E';
    }
  };
  return f(espruinoParseFloat) + ' ' + f(espruinoNumber);
}

/** Per literal: its float64 bits. The literals are source text the interpreter's lexer reads. */
function literalsScript(literals: string[]): string {
  return `${FLOAT64_BITS_JS}
[
${literals.join(',\n')}
].forEach(function (x) { emit(bits(x)); });
`;
}

function crc(line: string): string {
  return String(crc32(Buffer.from(line, 'latin1')) >>> 0);
}

/** The interpreter's CRC-32 of each emitted line. */
async function interpreterHashes(script: string): Promise<string[]> {
  const run = await runScript('var emit = function (l) { print(E.CRC32(l)); };\n' + script, 90000);
  if (!run.completed) throw new Error('the interpreter did not complete the script; output ends:\n' + run.output.slice(-2000));
  return linesOf(run.output);
}

/** The interpreter's lines themselves. */
async function interpreterLines(script: string): Promise<string[]> {
  const run = await runScript('var emit = print;\n' + script, 90000);
  if (!run.completed) throw new Error('the interpreter did not complete the script; output ends:\n' + run.output.slice(-2000));
  return linesOf(run.output);
}

/** The printed lines of a run (the trailing newline dropped). */
function linesOf(output: string): string[] {
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Comparison {
  lines: number;
  differing: number;
  /** The first differing lines: the input, the interpreter's line, the sandbox's. */
  first: string[];
}

/**
 * The interpreter's lines (as CRC-32) against the sandbox's, input by input. `script` builds the script for a
 * subset of the inputs, to fetch the interpreter's text of the first mismatches.
 */
async function compare<T>(
  hashes: string[],
  inputs: T[],
  expected: (input: T) => string,
  script: (inputs: T[]) => string,
  about: (input: T) => string,
): Promise<Comparison> {
  const lines = inputs.map(expected);
  const differing = lines.map((l, i) => i).filter((i) => hashes[i] !== crc(lines[i]));
  const result: Comparison = { lines: hashes.length, differing: differing.length, first: [] };
  if (differing.length) {
    const shown = differing.slice(0, 25);
    const theirs = await interpreterLines(script(shown.map((i) => inputs[i])));
    result.first = shown.map(
      (i, k) => about(inputs[i]) + ':\n  interpreter ' + JSON.stringify(theirs[k]) + '\n  sandbox     ' + JSON.stringify(lines[i]),
    );
  }
  return result;
}

function describeValue(x: number): string {
  return 'value ' + float64Bits(x) + ' (' + String(x) + ')';
}

const values = makeValues();
const texts = makeTexts(values);
const literals = makeLiterals();
const VALUE_CHUNKS = 4; // separate interpreter processes, run side by side
const chunkSize = Math.ceil(values.length / VALUE_CHUNKS);
const valueChunks = Array.from({ length: VALUE_CHUNKS }, (_, k) => values.slice(k * chunkSize, (k + 1) * chunkSize));

/** The interpreter's CRC-32 per line: per value chunk, for the texts, for the literals. */
const hashes: { values: string[][]; texts: string[]; literals: string[] } = { values: [], texts: [], literals: [] };

beforeAll(async () => {
  const runs = await Promise.all([
    ...valueChunks.map((chunk) => interpreterHashes(valuesScript(chunk))),
    interpreterHashes(textsScript(texts)),
    interpreterHashes(literalsScript(literals)),
  ]);
  hashes.values = runs.slice(0, VALUE_CHUNKS);
  hashes.texts = runs[VALUE_CHUNKS];
  hashes.literals = runs[VALUE_CHUNKS + 1];
}, 120000);

function merged(comparisons: Comparison[]): Comparison {
  return {
    lines: comparisons.reduce((n, c) => n + c.lines, 0),
    differing: comparisons.reduce((n, c) => n + c.differing, 0),
    first: comparisons.flatMap((c) => c.first).slice(0, 25),
  };
}

/** Runs a script built around emit(line) in a fresh Espruino-profile sandbox and returns the emitted lines. */
function inSandbox(script: string): string[] {
  const m = new EspruinoMachine({ time: new VirtualTime(0) });
  m.boot('var booted = true;');
  const out = m.evaluate('(function () { var out = []; var emit = function (l) { out.push(l); };\n' + script + '\nreturn out; })()');
  return Array.from(out as string[]);
}

describe('number text of the sandbox against Espruino 2v29', () => {
  it('covers tens of thousands of values and thousands of texts', () => {
    expect(values.length).toBeGreaterThan(25000);
    expect(texts.length).toBeGreaterThan(10000);
    expect(literals.length).toBeGreaterThan(2500);
  });

  it('String(x), x.toString(16), x.toString(2), JSON.stringify(x) and x.toFixed(0..8): identical for every value', async () => {
    const r = merged(
      await Promise.all(
        valueChunks.map((chunk, k) => compare(hashes.values[k], chunk, expectedValueLine, valuesScript, describeValue)),
      ),
    );
    expect(r).toEqual({ lines: values.length, differing: 0, first: [] });
  });

  it('parseFloat(text) and Number(text): the same double (bits) for every text', async () => {
    const r = await compare(hashes.texts, texts, expectedTextLine, textsScript, (t) => 'text ' + JSON.stringify(t));
    expect(r).toEqual({ lines: texts.length, differing: 0, first: [] });
  });

  it('number literals: the same double (bits) for every literal', async () => {
    const expected = (l: string): string => float64Bits(espruinoNumberLiteral(l));
    const r = await compare(hashes.literals, literals, expected, literalsScript, (l) => 'literal ' + l);
    expect(r).toEqual({ lines: literals.length, differing: 0, first: [] });
  });

  it("the sandbox's builtins give the same: x.toString(radix), x.toFixed, JSON.stringify, parseFloat", () => {
    // The value and text scripts, run in the Espruino-profile sandbox, against the emulation the tests above hold to
    // the interpreter. String(x) and Number(text) are V8's own in the sandbox (a V8 context cannot replace those
    // conversions): String(x) is compared through x.toString(), which Espruino computes the same way (jsvAsString),
    // and Number's column is left out.
    const printing = inSandbox(valuesScript(values).replace('String(x)', 'x.toString()'));
    const parsing = inSandbox(textsScript(texts));
    const wrong = [
      ...values.map((x, i) => ({ about: describeValue(x), got: printing[i], want: expectedValueLine(x) })),
      ...texts.map((t, i) => ({
        about: 'parseFloat(' + JSON.stringify(t) + ')',
        got: (parsing[i] ?? '').split(' ')[0],
        want: expectedTextLine(t).split(' ')[0],
      })),
    ].filter((r) => r.got !== r.want);
    expect({
      lines: [printing.length, parsing.length],
      differing: wrong.length,
      first: wrong.slice(0, 25).map((r) => r.about + ':\n  sandbox     ' + JSON.stringify(r.got) + '\n  interpreter ' + JSON.stringify(r.want)),
    }).toEqual({ lines: [values.length, texts.length], differing: 0, first: [] });
  });
});
