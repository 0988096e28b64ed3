// COSE_Mac0 signer: HMAC 256/256 with a device key over the platform SHA-256 (Espruino: native crypto.SHA256).
import { codedError } from '../errors';
import type { Sha256 } from '../ports';
import { createHmacSha256 } from './hmac';
import { COSE_ALG_HMAC_256_256, type Signer } from './signer';

/** Keys shorter than the hash output weaken HMAC (RFC 2104 §3); refuse them. */
export const HMAC_MIN_KEY_BYTES = 32;

export function createHmacSigner(sha256: Sha256, key: Uint8Array, kid: Uint8Array): Signer {
  if (key.length < HMAC_MIN_KEY_BYTES) throw codedError('HMAC_KEY_SHORT', 'HMAC key is ' + key.length + ' bytes, at least 32 required');
  const mac = createHmacSha256(sha256, key);
  return {
    alg: COSE_ALG_HMAC_256_256,
    kid: kid,
    sign: function (buf, start, end, done) {
      done(null, mac(buf, start, end));
    },
  };
}
