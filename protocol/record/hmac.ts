// HMAC-SHA256 (RFC 2104) over the platform's one-shot SHA-256 port: Espruino has native SHA-256 but no HMAC.
// Two hash calls and a 64-byte XOR per message, so it stays cheap on the interpreter.
import type { Sha256 } from '../ports';

const BLOCK = 64;

/** A keyed HMAC-SHA256 function; the padded key blocks are computed once. */
export type HmacSha256 = (message: Uint8Array) => Uint8Array;

export function createHmacSha256(sha256: Sha256, key: Uint8Array): HmacSha256 {
  const k = key.length > BLOCK ? sha256(key) : key;
  const ipad = new Uint8Array(BLOCK);
  const opad = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? k[i] : 0;
    ipad[i] = b ^ 0x36;
    opad[i] = b ^ 0x5c;
  }
  return function (message: Uint8Array): Uint8Array {
    const inner = new Uint8Array(BLOCK + message.length);
    inner.set(ipad, 0);
    inner.set(message, BLOCK);
    const innerHash = sha256(inner);
    const outer = new Uint8Array(BLOCK + innerHash.length);
    outer.set(opad, 0);
    outer.set(innerHash, BLOCK);
    return sha256(outer);
  };
}

export function hmacSha256(sha256: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  return createHmacSha256(sha256, key)(message);
}
