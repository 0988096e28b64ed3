// Deterministic CBOR (RFC 8949 §4.2.1) written straight into one preallocated buffer: no value trees, no resizing.
// The record encoders use it on the device; the sizes of the same items (for splitting a period into parts before
// writing it) come from the *Size functions, which follow the writer item by item.
// Floats take the shortest of float16/32/64 that keeps the value exactly; NaN is never written (records carry null).

export interface CborWriter {
  buf: Uint8Array;
  /** Next write position. */
  n: number;
}

const TWO_POW_32 = 4294967296;
const SCRATCH = new DataView(new ArrayBuffer(8));

export function newWriter(buf: Uint8Array, at: number): CborWriter {
  return { buf: buf, n: at };
}

/** Bytes of a head carrying `v` (an unsigned integer, or the length of a string, array or map). */
export function headSize(v: number): number {
  return v < 24 ? 1 : v < 256 ? 2 : v < 65536 ? 3 : v < TWO_POW_32 ? 5 : 9;
}

/** Shortest head of major type `major` for the non-negative safe integer `v`. */
export function head(w: CborWriter, major: number, v: number): void {
  const b = w.buf;
  const mt = major << 5;
  if (v < 24) b[w.n++] = mt | v;
  else if (v < 256) {
    b[w.n++] = mt | 24;
    b[w.n++] = v;
  } else if (v < 65536) {
    b[w.n++] = mt | 25;
    b[w.n++] = v >> 8;
    b[w.n++] = v & 255;
  } else {
    let hi = 0;
    let lo = v;
    if (v >= TWO_POW_32) {
      hi = Math.floor(v / TWO_POW_32);
      lo = v - hi * TWO_POW_32;
      b[w.n++] = mt | 27;
      b[w.n++] = (hi >>> 24) & 255;
      b[w.n++] = (hi >>> 16) & 255;
      b[w.n++] = (hi >>> 8) & 255;
      b[w.n++] = hi & 255;
    } else b[w.n++] = mt | 26;
    b[w.n++] = (lo >>> 24) & 255;
    b[w.n++] = (lo >>> 16) & 255;
    b[w.n++] = (lo >>> 8) & 255;
    b[w.n++] = lo & 255;
  }
}

/** An integer (major type 0 or 1). */
export function int(w: CborWriter, v: number): void {
  if (v >= 0) head(w, 0, v);
  else head(w, 1, -1 - v);
}

export function intSize(v: number): number {
  return headSize(v >= 0 ? v : -1 - v);
}

/** ASCII text (callers only pass ASCII: the device stores bytes). */
export function text(w: CborWriter, s: string): void {
  head(w, 3, s.length);
  for (let i = 0; i < s.length; i++) w.buf[w.n++] = s.charCodeAt(i);
}

export function textSize(s: string): number {
  return headSize(s.length) + s.length;
}

export function bytes(w: CborWriter, b: Uint8Array): void {
  head(w, 2, b.length);
  w.buf.set(b, w.n);
  w.n += b.length;
}

/** Pre-encoded CBOR copied as it is. */
export function raw(w: CborWriter, b: Uint8Array): void {
  w.buf.set(b, w.n);
  w.n += b.length;
}

/** Float16 bits for `v` when float16 keeps it exactly, else -1 (v is finite). */
function float16Bits(v: number): number {
  SCRATCH.setFloat32(0, v);
  if (SCRATCH.getFloat32(0) !== v) return -1;
  const bits = SCRATCH.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0 && mant === 0) return sign;
  if (exp === 0) return -1;
  const e = exp - 127;
  if (e > 15) return -1;
  if (e >= -14) return (mant & 0x1fff) !== 0 ? -1 : sign | ((e + 15) << 10) | (mant >>> 13);
  if (e < -24) return -1;
  // float16 subnormal: value = m * 2^-24 with the implicit bit restored
  const sig = mant | 0x800000;
  const shift = -e - 1;
  return (sig & ((1 << shift) - 1)) !== 0 ? -1 : sign | (sig >>> shift);
}

/** Bytes of the shortest exact float encoding of the finite `v`. */
export function floatSize(v: number): number {
  if (float16Bits(v) >= 0) return 3;
  SCRATCH.setFloat32(0, v);
  return SCRATCH.getFloat32(0) === v ? 5 : 9;
}

/** The finite `v` as the shortest exact float. */
export function float(w: CborWriter, v: number): void {
  const b = w.buf;
  const h = float16Bits(v);
  if (h >= 0) {
    b[w.n++] = 0xf9;
    b[w.n++] = h >> 8;
    b[w.n++] = h & 255;
    return;
  }
  SCRATCH.setFloat32(0, v);
  if (SCRATCH.getFloat32(0) === v) {
    b[w.n++] = 0xfa;
    for (let i = 0; i < 4; i++) b[w.n++] = SCRATCH.getUint8(i);
    return;
  }
  SCRATCH.setFloat64(0, v);
  b[w.n++] = 0xfb;
  for (let i = 0; i < 8; i++) b[w.n++] = SCRATCH.getUint8(i);
}

/** A measured value: the float, or null when it is not a finite number. */
export function floatOrNull(w: CborWriter, v: number): void {
  if (isFinite(v)) float(w, v);
  else w.buf[w.n++] = 0xf6;
}

export function floatOrNullSize(v: number): number {
  return isFinite(v) ? floatSize(v) : 1;
}

/** One byte: a small integer key, a simple value (0xf4 false, 0xf5 true, 0xf6 null) or a one-byte head. */
export function byte(w: CborWriter, b: number): void {
  w.buf[w.n++] = b;
}
