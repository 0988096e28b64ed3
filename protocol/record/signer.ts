import type { CodedError } from '../errors';

/** COSE algorithm identifiers used by the module (RFC 9053). */
export const COSE_ALG_ES256 = -7;
export const COSE_ALG_HMAC_256_256 = 5;

/**
 * A record signer: HMAC-SHA256 over the platform SHA-256, or ES256 in an ATECC608 secure element.
 * Callback style because the secure element needs execution delays; `done` may be called synchronously.
 * For ES256 the signature is the raw 64-byte r||s COSE wants; for HMAC it is the 32-byte tag.
 */
export interface Signer {
  readonly alg: number;
  readonly kid: Uint8Array;
  sign(toBeSigned: Uint8Array, done: (err: CodedError | null, signature: Uint8Array | null) => void): void;
}
