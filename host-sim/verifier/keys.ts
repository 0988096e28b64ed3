// The verifier's key ring: HMAC keys and ES256 public keys by kid. A record is only trusted if its kid names a key
// of the algorithm the record uses.
import type { KeyObject } from 'node:crypto';
import { toHex } from '../../protocol/bytes';

/** COSE algorithm identifiers (RFC 9053): ES256 and HMAC 256/256. */
export const ALG_ES256 = -7;
export const ALG_HMAC_256_256 = 5;

export type VerifierKey = { alg: typeof ALG_HMAC_256_256; secret: Uint8Array } | { alg: typeof ALG_ES256; publicKey: KeyObject };

export class KeyRing {
  private readonly keys = new Map<string, VerifierKey>();

  addHmacKey(kid: Uint8Array, secret: Uint8Array): this {
    this.keys.set(toHex(kid), { alg: ALG_HMAC_256_256, secret });
    return this;
  }

  addEs256Key(kid: Uint8Array, publicKey: KeyObject): this {
    this.keys.set(toHex(kid), { alg: ALG_ES256, publicKey });
    return this;
  }

  get(kid: Uint8Array): VerifierKey | undefined {
    return this.keys.get(toHex(kid));
  }
}
