// HMAC-SHA256 (RFC 2104) over the platform's one-shot SHA-256 port: Espruino has native SHA-256 but no HMAC.
// Two hash calls and a 64-byte XOR per message, so it stays cheap on the interpreter. The inner pad is written into
// the 64 bytes in front of the message (SIGNER_HEADROOM), so a 4 KB record is hashed where it lies, never copied.
import type { Sha256 } from '../ports';

const BLOCK = 64;

/** HMAC-SHA256 of buf[start, end), using buf[start - 64, start) as scratch; the padded key blocks are computed once. */
export type HmacInPlace = (buf: Uint8Array, start: number, end: number) => Uint8Array;

export function createHmacSha256(sha256: Sha256, key: Uint8Array): HmacInPlace {
  const k = key.length > BLOCK ? sha256(key) : key;
  const ipad = new Uint8Array(BLOCK);
  const outer = new Uint8Array(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? k[i] : 0;
    ipad[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  return function (buf: Uint8Array, start: number, end: number): Uint8Array {
    buf.set(ipad, start - BLOCK);
    outer.set(sha256(buf.subarray(start - BLOCK, end)), BLOCK);
    return sha256(outer);
  };
}

/** HMAC-SHA256 of a whole message (host tools and tests). */
export function hmacSha256(sha256: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  const buf = new Uint8Array(BLOCK + message.length);
  buf.set(message, BLOCK);
  return createHmacSha256(sha256, key)(buf, BLOCK, buf.length);
}
