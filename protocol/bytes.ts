// Byte helpers shared by every codec. Plain loops only: they run on Espruino's interpreter.

import { codedError } from './errors';

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parses hex text (whitespace allowed between bytes); throws on odd length or a non-hex character. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0) throw codedError('HEX_LENGTH', 'odd number of hex digits');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(clean.charCodeAt(2 * i));
    const lo = hexNibble(clean.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw codedError('HEX_CHAR', 'not a hex digit at ' + 2 * i);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], o);
    o += parts[i].length;
  }
  return out;
}

/**
 * A copy of bytes[start, end) in a new Uint8Array, indices clamped to the array (non-negative arguments). Use it
 * instead of Uint8Array.prototype.slice, which on Espruino returns a plain Array (jswrap_arraybuffer.c).
 */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  const e = end < bytes.length ? end : bytes.length;
  const s = start < 0 ? 0 : start < e ? start : e;
  const out = new Uint8Array(e - s);
  out.set(bytes.subarray(s, e), 0);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison for MACs and signatures. */
export function bytesEqualConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** ASCII text to bytes. Protocol strings are ASCII only (ESP32 Espruino strings are bytes). */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) throw codedError('NOT_ASCII', 'character ' + c + ' at ' + i);
    out[i] = c;
  }
  return out;
}

export function bytesToAscii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Byte string (one char per byte, as Espruino's Serial/Storage deliver) to bytes. */
export function binaryStringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}
