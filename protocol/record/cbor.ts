// Deterministic CBOR (RFC 8949 §4.2.1 "core deterministic encoding") for records and COSE structures.
//
// Data model (what encodeCbor accepts and decodeCbor returns):
//   number      integer when integral and within ±(2^53-1) (major type 0/1, shortest head); any other number
//               (fractions, -0, NaN, ±Infinity, |n| >= 2^53) is written as a float. The decoder returns integers
//               as numbers and never returns a float as a plain number (see CborFloat).
//   CborFloat   a float item: written in the shortest of float16/32/64 that keeps the value exactly; every NaN is
//               written as the canonical f9 7e00 (payloads are not portable between JS engines).
//   string      text string, ASCII only on encode (Espruino on ESP32 stores strings as bytes, Node as UTF-16: only
//               ASCII means the same bytes on both). Non-ASCII text is carried as CborText (raw UTF-8 bytes).
//   Uint8Array  byte string.
//   Array       array.   CborMap: map with integer or text keys, written in bytewise order of the encoded keys.
//   CborTag     tag + content.   true/false/null/undefined; CborSimple for other simple values.
// No recursion anywhere (Espruino's stack is a few tens of levels on ESP32): both directions use explicit stacks.
import { copyBytes } from '../bytes';
import { codedError, type CodedError } from '../errors';

const MAX_SAFE = 9007199254740991;
const TWO_POW_32 = 4294967296;
/** Placeholder for field initializers that the constructor replaces (saves an allocation per instance). */
const NO_BYTES = new Uint8Array(0);

/** A float item (major type 7, additional info 25/26/27). */
export class CborFloat {
  value = 0;
  constructor(value: number) {
    this.value = value;
  }
}

/** A text string whose UTF-8 bytes are not all ASCII; kept as bytes so it means the same on Espruino and Node. */
export class CborText {
  utf8: Uint8Array = NO_BYTES;
  constructor(utf8: Uint8Array) {
    this.utf8 = utf8;
  }
}

/** A tagged item. */
export class CborTag {
  tag = 0;
  value: CborValue = null;
  constructor(tag: number, value: CborValue) {
    this.tag = tag;
    this.value = value;
  }
}

/** A simple value other than false/true/null/undefined (0..19 or 32..255). */
export class CborSimple {
  value = 0;
  constructor(value: number) {
    this.value = value;
  }
}

export type CborKey = number | string | CborText;

export type CborValue =
  | number
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborFloat
  | CborText
  | CborTag
  | CborSimple
  | CborMap
  | CborValue[];

function sameKey(a: CborKey, b: CborKey): boolean {
  if (a instanceof CborText) {
    if (!(b instanceof CborText) || a.utf8.length !== b.utf8.length) return false;
    for (let i = 0; i < a.utf8.length; i++) if (a.utf8[i] !== b.utf8[i]) return false;
    return true;
  }
  return a === b;
}

/**
 * A CBOR map as an ordered list of entries. Plain JS objects cannot be used: integer-like keys become strings and
 * their iteration order differs between Espruino and Node.
 */
export class CborMap {
  keys: CborKey[] = [];
  values: CborValue[] = [];

  get size(): number {
    return this.keys.length;
  }

  indexOf(key: CborKey): number {
    const n = this.keys.length;
    if (key instanceof CborText) {
      for (let i = 0; i < n; i++) if (sameKey(this.keys[i], key)) return i;
    } else {
      for (let i = 0; i < n; i++) if (this.keys[i] === key) return i;
    }
    return -1;
  }

  has(key: CborKey): boolean {
    return this.indexOf(key) >= 0;
  }

  get(key: CborKey): CborValue {
    const i = this.indexOf(key);
    return i >= 0 ? this.values[i] : undefined;
  }

  /** Adds or replaces an entry; returns the map so builders can chain. */
  set(key: CborKey, value: CborValue): CborMap {
    const i = this.indexOf(key);
    if (i >= 0) this.values[i] = value;
    else {
      this.keys.push(key);
      this.values.push(value);
    }
    return this;
  }
}

export interface CborError extends CodedError {
  /** Byte offset in the input where the problem was found (decoder), or -1 (encoder). */
  offset: number;
}

function cborError(code: string, offset: number, reason: string): CborError {
  const e = codedError(code, (offset >= 0 ? 'at offset ' + offset + ': ' : '') + reason) as CborError;
  e.offset = offset;
  return e;
}

// ---------------------------------------------------------------------------------------------------------------
// Float helpers. DataView float32/float64 are bit-exact on Espruino and Node; float16 has no accessor on Espruino,
// so its bits are derived from the float32 bits by hand.

const scratch = new DataView(new ArrayBuffer(8));

/** 2^(e-25) for e = 0..31 (float16 exponent field), built by exact halving: no Math.pow. */
const HALF_SCALE: number[] = [];
(function buildHalfScale(): void {
  let p = 1;
  for (let i = 0; i < 25; i++) p = p / 2;
  for (let e = 0; e < 32; e++) {
    HALF_SCALE.push(p);
    p = p * 2;
  }
})();

/** Float16 bits for `v` if float16 keeps it exactly, else -1. NaN is not handled here. */
function float16Bits(v: number): number {
  scratch.setFloat32(0, v);
  if (scratch.getFloat32(0) !== v) return -1;
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00; // infinity (NaN handled by the caller)
  if (exp === 0 && mant === 0) return sign; // ±0
  if (exp === 0) return -1; // float32 subnormals are far below float16's range
  const e = exp - 127;
  if (e > 15) return -1;
  if (e >= -14) {
    if ((mant & 0x1fff) !== 0) return -1;
    return sign | ((e + 15) << 10) | (mant >>> 13);
  }
  if (e < -24) return -1;
  // float16 subnormal: value = m * 2^-24 with the implicit bit restored
  const sig = mant | 0x800000;
  const shift = -e - 1; // 14..23
  if ((sig & ((1 << shift) - 1)) !== 0) return -1;
  return sign | (sig >>> shift);
}

function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 31;
  const mant = h & 0x3ff;
  if (exp === 31) return mant === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * mant * HALF_SCALE[1]; // subnormal: m * 2^-24
  return sign * (1024 + mant) * HALF_SCALE[exp];
}

function isNegativeZero(v: number): boolean {
  return v === 0 && 1 / v < 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoder

/** JSV_ARRAYBUFFER_MAX_LENGTH: the largest ArrayBuffer Espruino allocates (src/jsvar.h, jswrap_arraybuffer.c). */
const MAX_TYPED_ARRAY_BYTES = 65535;

class ByteWriter {
  buf: Uint8Array = NO_BYTES;
  pos = 0;
  constructor(initial: number) {
    this.buf = new Uint8Array(initial);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size = size * 2;
    // An Espruino typed array holds at most 65535 bytes: doubling past that would fail where the data still fits.
    if (size > MAX_TYPED_ARRAY_BYTES && need <= MAX_TYPED_ARRAY_BYTES) size = MAX_TYPED_ARRAY_BYTES;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos), 0);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  result(): Uint8Array {
    return copyBytes(this.buf, 0, this.pos);
  }
}

/** Shortest head for major type `major` and non-negative safe integer argument `n`. */
function writeHead(w: ByteWriter, major: number, n: number): void {
  const mt = major << 5;
  if (n < 24) w.byte(mt | n);
  else if (n < 256) {
    w.ensure(2);
    w.buf[w.pos++] = mt | 24;
    w.buf[w.pos++] = n;
  } else if (n < 65536) {
    w.ensure(3);
    w.buf[w.pos++] = mt | 25;
    w.buf[w.pos++] = n >> 8;
    w.buf[w.pos++] = n & 255;
  } else if (n < TWO_POW_32) {
    w.ensure(5);
    w.buf[w.pos++] = mt | 26;
    w.buf[w.pos++] = (n >>> 24) & 255;
    w.buf[w.pos++] = (n >>> 16) & 255;
    w.buf[w.pos++] = (n >>> 8) & 255;
    w.buf[w.pos++] = n & 255;
  } else {
    const hi = Math.floor(n / TWO_POW_32);
    const lo = n - hi * TWO_POW_32;
    w.ensure(9);
    w.buf[w.pos++] = mt | 27;
    w.buf[w.pos++] = (hi >>> 24) & 255;
    w.buf[w.pos++] = (hi >>> 16) & 255;
    w.buf[w.pos++] = (hi >>> 8) & 255;
    w.buf[w.pos++] = hi & 255;
    w.buf[w.pos++] = (lo >>> 24) & 255;
    w.buf[w.pos++] = (lo >>> 16) & 255;
    w.buf[w.pos++] = (lo >>> 8) & 255;
    w.buf[w.pos++] = lo & 255;
  }
}

function writeFloat(w: ByteWriter, v: number): void {
  if (v !== v) {
    w.ensure(3);
    w.buf[w.pos++] = 0xf9;
    w.buf[w.pos++] = 0x7e;
    w.buf[w.pos++] = 0x00;
    return;
  }
  const h = float16Bits(v);
  if (h >= 0) {
    w.ensure(3);
    w.buf[w.pos++] = 0xf9;
    w.buf[w.pos++] = h >> 8;
    w.buf[w.pos++] = h & 255;
    return;
  }
  scratch.setFloat32(0, v);
  if (scratch.getFloat32(0) === v) {
    w.ensure(5);
    w.buf[w.pos++] = 0xfa;
    for (let i = 0; i < 4; i++) w.buf[w.pos++] = scratch.getUint8(i);
    return;
  }
  scratch.setFloat64(0, v);
  w.ensure(9);
  w.buf[w.pos++] = 0xfb;
  for (let i = 0; i < 8; i++) w.buf[w.pos++] = scratch.getUint8(i);
}

function writeNumber(w: ByteWriter, v: number): void {
  if (Math.floor(v) === v && v <= MAX_SAFE && v >= -MAX_SAFE && !isNegativeZero(v)) {
    if (v >= 0) writeHead(w, 0, v);
    else writeHead(w, 1, -1 - v);
  } else writeFloat(w, v);
}

function writeAscii(w: ByteWriter, s: string): void {
  writeHead(w, 3, s.length);
  w.ensure(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) throw cborError('CBOR_TEXT_NOT_ASCII', -1, 'text string has character ' + c + ' at ' + i + ' (use CborText for UTF-8)');
    w.buf[w.pos++] = c;
  }
}

/** Validates UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF); returns the index of the first bad byte or -1. */
function utf8ErrorAt(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n = 0;
    let min = 0;
    let cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else return i;
    if (i + n >= end) return i;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function writeKeyText(w: ByteWriter, t: CborText): void {
  const bad = utf8ErrorAt(t.utf8, 0, t.utf8.length);
  if (bad >= 0) throw cborError('CBOR_BAD_UTF8', -1, 'CborText is not valid UTF-8 at byte ' + bad);
  writeHead(w, 3, t.utf8.length);
  w.bytes(t.utf8);
}

/** Encoded forms of the one-byte integer keys -24..23, shared: records use nothing else as keys. */
const SMALL_KEYS: Uint8Array[] = [];
for (let k = -24; k < 24; k++) SMALL_KEYS.push(new Uint8Array([k >= 0 ? k : 0x20 | (-1 - k)]));

function encodeKey(k: CborKey): Uint8Array {
  if (typeof k === 'number' && k >= -24 && k < 24 && Math.floor(k) === k) return SMALL_KEYS[k + 24];
  const w = new ByteWriter(16);
  if (typeof k === 'number') {
    if (Math.floor(k) !== k || k > MAX_SAFE || k < -MAX_SAFE) throw cborError('CBOR_KEY_TYPE', -1, 'map key ' + k + ' is not a safe integer');
    writeNumber(w, k);
  } else if (typeof k === 'string') writeAscii(w, k);
  else if (k instanceof CborText) writeKeyText(w, k);
  else throw cborError('CBOR_KEY_TYPE', -1, 'map keys must be integers or text');
  return w.result();
}

/** Bytewise lexicographic comparison; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export interface EncodeOptions {
  /** Maximum nesting depth (default 32); also stops cyclic structures. */
  maxDepth?: number;
}

const DEFAULT_ENCODE_DEPTH = 32;
const RAW = -1;

/** Encodes `value` in core deterministic encoding. Throws CBOR_* coded errors for values outside the data model. */
export function encodeCbor(value: CborValue, options?: EncodeOptions): Uint8Array {
  const maxDepth = options && options.maxDepth !== undefined ? options.maxDepth : DEFAULT_ENCODE_DEPTH;
  const w = new ByteWriter(256);
  // work stack; depth RAW marks pre-encoded bytes (sorted map keys) to copy as they are
  const items: CborValue[] = [value];
  const depths: number[] = [0];
  while (items.length > 0) {
    const v = items.pop();
    const d = depths.pop() as number;
    if (d === RAW) {
      w.bytes(v as Uint8Array);
      continue;
    }
    if (d > maxDepth) throw cborError('CBOR_DEPTH', -1, 'nesting deeper than ' + maxDepth);
    if (typeof v === 'number') writeNumber(w, v);
    else if (typeof v === 'string') writeAscii(w, v);
    else if (v === false) w.byte(0xf4);
    else if (v === true) w.byte(0xf5);
    else if (v === null) w.byte(0xf6);
    else if (v === undefined) w.byte(0xf7);
    else if (v instanceof Uint8Array) {
      writeHead(w, 2, v.length);
      w.bytes(v);
    } else if (v instanceof CborFloat) writeFloat(w, v.value);
    else if (v instanceof CborText) writeKeyText(w, v);
    else if (Array.isArray(v)) {
      writeHead(w, 4, v.length);
      for (let i = v.length - 1; i >= 0; i--) {
        items.push(v[i]);
        depths.push(d + 1);
      }
    } else if (v instanceof CborMap) {
      const n = v.keys.length;
      const encodedKeys: Uint8Array[] = [];
      const order: number[] = [];
      for (let i = 0; i < n; i++) {
        encodedKeys.push(encodeKey(v.keys[i]));
        order.push(i);
      }
      // builders usually insert keys in order already: check before sorting
      let sorted = true;
      for (let i = 1; i < n && sorted; i++) if (compareBytes(encodedKeys[i - 1], encodedKeys[i]) >= 0) sorted = false;
      if (!sorted) {
        order.sort(function (a, b) {
          const c = compareBytes(encodedKeys[a], encodedKeys[b]);
          return c !== 0 ? c : a - b;
        });
        for (let i = 1; i < n; i++) {
          if (compareBytes(encodedKeys[order[i - 1]], encodedKeys[order[i]]) === 0) {
            throw cborError('CBOR_DUP_KEY', -1, 'duplicate map key ' + String(v.keys[order[i]]));
          }
        }
      }
      writeHead(w, 5, n);
      for (let i = n - 1; i >= 0; i--) {
        items.push(v.values[order[i]]);
        depths.push(d + 1);
        items.push(encodedKeys[order[i]]);
        depths.push(RAW);
      }
    } else if (v instanceof CborTag) {
      if (Math.floor(v.tag) !== v.tag || v.tag < 0 || v.tag > MAX_SAFE) throw cborError('CBOR_TAG_RANGE', -1, 'tag ' + v.tag + ' is not a safe unsigned integer');
      writeHead(w, 6, v.tag);
      items.push(v.value);
      depths.push(d + 1);
    } else if (v instanceof CborSimple) {
      const s = v.value;
      if (Math.floor(s) !== s || s < 0 || s > 255 || (s >= 20 && s < 32)) throw cborError('CBOR_SIMPLE', -1, 'simple value ' + s + ' cannot be encoded as CborSimple');
      if (s < 24) w.byte(0xe0 | s);
      else {
        w.byte(0xf8);
        w.byte(s);
      }
    } else throw cborError('CBOR_ENCODE_TYPE', -1, 'value of type ' + typeof v + ' is outside the CBOR data model');
  }
  return w.result();
}

// ---------------------------------------------------------------------------------------------------------------
// Decoder

export interface DecodeOptions {
  /**
   * Reject anything that core deterministic encoding would not produce: non-shortest heads and floats, non-canonical
   * NaN, map keys out of bytewise order. Default true. Indefinite lengths, duplicate keys, invalid UTF-8, reserved
   * additional information and trailing bytes are rejected in both modes.
   */
  strict?: boolean;
  /** Maximum nesting depth of arrays, maps and tags (default 16). */
  maxDepth?: number;
  /** Maximum input length in bytes (default 65536). */
  maxBytes?: number;
}

const DEFAULT_DECODE_DEPTH = 16;
const DEFAULT_MAX_BYTES = 65536;

const FRAME_ARRAY = 0;
const FRAME_MAP = 1;
const FRAME_TAG = 2;

interface Frame {
  kind: number;
  array: CborValue[] | null;
  map: CborMap | null;
  tag: CborTag | null;
  /** Items still expected (maps count keys and values). */
  remaining: number;
  key: CborKey;
  keyStart: number;
  keyEnd: number;
  prevKeyStart: number;
  prevKeyEnd: number;
}

function compareRanges(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const x = b[aStart + i];
    const y = b[bStart + i];
    if (x !== y) return x - y;
  }
  return la - lb;
}

/** Decodes exactly one CBOR item that must span the whole input. Throws CBOR_* coded errors with the byte offset. */
export function decodeCbor(bytes: Uint8Array, options?: DecodeOptions): CborValue {
  const strict = !(options && options.strict === false);
  const maxDepth = options && options.maxDepth !== undefined ? options.maxDepth : DEFAULT_DECODE_DEPTH;
  const maxBytes = options && options.maxBytes !== undefined ? options.maxBytes : DEFAULT_MAX_BYTES;
  const end = bytes.length;
  if (end > maxBytes) throw cborError('CBOR_TOO_LARGE', 0, 'input is ' + end + ' bytes, limit ' + maxBytes);
  if (end === 0) throw cborError('CBOR_TRUNCATED', 0, 'empty input');
  const stack: Frame[] = [];
  let pos = 0;
  let root: CborValue = undefined;
  let done = false;

  while (!done) {
    const start = pos;
    if (pos >= end) throw cborError('CBOR_TRUNCATED', pos, 'input ends where an item was expected');
    const ib = bytes[pos++];
    const major = ib >> 5;
    const ai = ib & 31;
    const parent = stack.length > 0 ? stack[stack.length - 1] : null;
    const isKey = parent !== null && parent.kind === FRAME_MAP && (parent.remaining & 1) === 0;

    if (ai === 31) {
      if (major === 7) throw cborError('CBOR_BREAK', start, 'break stop code outside an indefinite-length item');
      if (major >= 2 && major <= 5) throw cborError('CBOR_INDEFINITE', start, 'indefinite-length items are not accepted');
      throw cborError('CBOR_RESERVED_AI', start, 'additional information 31 is not valid for major type ' + major);
    }
    if (ai >= 28) throw cborError('CBOR_RESERVED_AI', start, 'reserved additional information ' + ai);

    let value: CborValue = undefined;
    let isScalar = true;

    if (major === 7) {
      if (isKey) throw cborError('CBOR_KEY_TYPE', start, 'map key must be an integer or a text string');
      if (ai < 20) value = new CborSimple(ai);
      else if (ai === 20) value = false;
      else if (ai === 21) value = true;
      else if (ai === 22) value = null;
      else if (ai === 23) value = undefined;
      else if (ai === 24) {
        if (pos >= end) throw cborError('CBOR_TRUNCATED', pos, 'simple value byte missing');
        const s = bytes[pos++];
        if (s < 32) throw cborError('CBOR_SIMPLE', start, 'two-byte simple value ' + s + ' is not well-formed');
        value = new CborSimple(s);
      } else {
        const n = ai === 25 ? 2 : ai === 26 ? 4 : 8;
        if (pos + n > end) throw cborError('CBOR_TRUNCATED', pos, 'float needs ' + n + ' bytes');
        let f = 0;
        if (n === 2) {
          const h = (bytes[pos] << 8) | bytes[pos + 1];
          f = float16Value(h);
          if (strict && f !== f && h !== 0x7e00) throw cborError('CBOR_NAN_NOT_CANONICAL', start, 'NaN must be f9 7e00');
        } else {
          for (let i = 0; i < n; i++) scratch.setUint8(i, bytes[pos + i]);
          f = n === 4 ? scratch.getFloat32(0) : scratch.getFloat64(0);
          if (strict) {
            if (f !== f) throw cborError('CBOR_NAN_NOT_CANONICAL', start, 'NaN must be f9 7e00');
            if (float16Bits(f) >= 0) throw cborError('CBOR_FLOAT_NOT_SHORTEST', start, 'float fits in float16');
            if (n === 8) {
              scratch.setFloat32(0, f);
              if (scratch.getFloat32(0) === f) throw cborError('CBOR_FLOAT_NOT_SHORTEST', start, 'float fits in float32');
            }
          }
        }
        pos += n;
        value = new CborFloat(f);
      }
    } else {
      // integer argument
      let arg = ai;
      if (ai >= 24) {
        const n = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 8;
        if (pos + n > end) throw cborError('CBOR_TRUNCATED', pos, 'head argument needs ' + n + ' bytes');
        if (n === 8) {
          const hi = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
          const lo = ((bytes[pos + 4] << 24) >>> 0) + (bytes[pos + 5] << 16) + (bytes[pos + 6] << 8) + bytes[pos + 7];
          if (hi > 0x1fffff) {
            if (major === 6) throw cborError('CBOR_TAG_RANGE', start, 'tag number exceeds 2^53-1');
            if (major <= 1) throw cborError('CBOR_INT_RANGE', start, 'integer magnitude exceeds 2^53-1');
            throw cborError('CBOR_TRUNCATED', start, 'length exceeds the input');
          }
          arg = hi * TWO_POW_32 + lo;
        } else {
          arg = 0;
          for (let i = 0; i < n; i++) arg = arg * 256 + bytes[pos + i];
        }
        pos += n;
        if (strict) {
          const min = n === 1 ? 24 : n === 2 ? 256 : n === 4 ? 65536 : TWO_POW_32;
          if (arg < min) throw cborError('CBOR_NON_SHORTEST', start, 'argument ' + arg + ' not in its shortest form');
        }
      }
      if (major === 0) value = arg;
      else if (major === 1) {
        if (arg >= MAX_SAFE) throw cborError('CBOR_INT_RANGE', start, 'negative integer below -(2^53-1)');
        value = -1 - arg;
      } else if (major === 2 || major === 3) {
        if (arg > end - pos) throw cborError('CBOR_TRUNCATED', pos, 'string of ' + arg + ' bytes exceeds the input');
        if (major === 2) {
          if (isKey) throw cborError('CBOR_KEY_TYPE', start, 'map key must be an integer or a text string');
          value = copyBytes(bytes, pos, pos + arg);
        } else {
          const bad = utf8ErrorAt(bytes, pos, pos + arg);
          if (bad >= 0) throw cborError('CBOR_BAD_UTF8', bad, 'text string is not valid UTF-8');
          let ascii = true;
          for (let i = pos; i < pos + arg; i++) {
            if (bytes[i] > 127) {
              ascii = false;
              break;
            }
          }
          if (ascii) {
            let s = '';
            for (let i = pos; i < pos + arg; i++) s += String.fromCharCode(bytes[i]);
            value = s;
          } else value = new CborText(copyBytes(bytes, pos, pos + arg));
        }
        pos += arg;
      } else {
        // array, map or tag: a new frame
        if (isKey) throw cborError('CBOR_KEY_TYPE', start, 'map key must be an integer or a text string');
        if (stack.length >= maxDepth) throw cborError('CBOR_DEPTH', start, 'nesting deeper than ' + maxDepth);
        if (major === 6) {
          const t = new CborTag(arg, null);
          stack.push({ kind: FRAME_TAG, array: null, map: null, tag: t, remaining: 1, key: 0, keyStart: 0, keyEnd: 0, prevKeyStart: -1, prevKeyEnd: -1 });
          isScalar = false;
        } else {
          const count = major === 4 ? arg : arg * 2;
          // every item takes at least one byte: reject impossible lengths before allocating anything
          if (count > end - pos) throw cborError('CBOR_TRUNCATED', start, 'declared ' + count + ' items but only ' + (end - pos) + ' bytes remain');
          if (count === 0) value = major === 4 ? [] : new CborMap();
          else {
            stack.push({
              kind: major === 4 ? FRAME_ARRAY : FRAME_MAP,
              array: major === 4 ? [] : null,
              map: major === 5 ? new CborMap() : null,
              tag: null,
              remaining: count,
              key: 0,
              keyStart: 0,
              keyEnd: 0,
              prevKeyStart: -1,
              prevKeyEnd: -1,
            });
            isScalar = false;
          }
        }
      }
    }

    if (!isScalar) continue;

    // attach the finished value to its parents, closing every container it completes
    let itemStart = start;
    for (;;) {
      if (stack.length === 0) {
        root = value;
        done = true;
        break;
      }
      const top = stack[stack.length - 1];
      if (top.kind === FRAME_ARRAY) {
        (top.array as CborValue[]).push(value);
        top.remaining--;
      } else if (top.kind === FRAME_TAG) {
        (top.tag as CborTag).value = value;
        top.remaining = 0;
      } else if ((top.remaining & 1) === 0) {
        // a key (only integers and text reach here)
        if (top.prevKeyStart >= 0) {
          const c = compareRanges(bytes, top.prevKeyStart, top.prevKeyEnd, itemStart, pos);
          if (c === 0) throw cborError('CBOR_DUP_KEY', itemStart, 'duplicate map key');
          if (strict && c > 0) throw cborError('CBOR_KEY_ORDER', itemStart, 'map keys not in bytewise order');
        }
        const k = value as CborKey;
        if (!strict && (top.map as CborMap).has(k)) throw cborError('CBOR_DUP_KEY', itemStart, 'duplicate map key');
        top.key = k;
        top.keyStart = itemStart;
        top.keyEnd = pos;
        top.remaining--;
        break;
      } else {
        (top.map as CborMap).keys.push(top.key);
        (top.map as CborMap).values.push(value);
        top.prevKeyStart = top.keyStart;
        top.prevKeyEnd = top.keyEnd;
        top.remaining--;
      }
      if (top.remaining > 0) break;
      stack.pop();
      value = top.kind === FRAME_ARRAY ? top.array : top.kind === FRAME_MAP ? top.map : top.tag;
      itemStart = -1; // containers are never keys
    }
  }
  if (pos !== end) throw cborError('CBOR_TRAILING', pos, (end - pos) + ' bytes after the top-level item');
  return root;
}
