import type { CodedError } from '../errors';

/** COSE algorithm identifiers used by the module (RFC 9053). */
export const COSE_ALG_ES256 = -7;
export const COSE_ALG_HMAC_256_256 = 5;

/** Bytes before `start` that sign() may overwrite: room for the HMAC inner pad, so the message is never copied. */
export const SIGNER_HEADROOM = 64;

/**
 * A record signer: HMAC-SHA256 over the platform SHA-256, or ES256 in an ATECC608 secure element.
 * It signs buf[start, end) (the COSE Sig_structure / MAC_structure) and may use buf[start - SIGNER_HEADROOM, start)
 * as scratch. Callback style because the secure element needs execution delays; `done` may be called synchronously.
 * For ES256 the signature is the raw 64-byte r||s COSE wants; for HMAC it is the 32-byte tag.
 */
export interface Signer {
  readonly alg: number;
  readonly kid: Uint8Array;
  sign(buf: Uint8Array, start: number, end: number, done: (err: CodedError | null, signature: Uint8Array | null) => void): void;
}
