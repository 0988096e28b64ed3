// COSE_Sign1 (ES256) and COSE_Mac0 (HMAC 256/256) per RFC 9052/9053 around a payload that already lies in the
// record buffer: the Sig_structure / MAC_structure prefix is written right in front of the payload and signed in
// place, then the message prefix overwrites it and the signature is appended. The payload is never copied.
// Emitted: tag 18 (Sign1) or 17 (Mac0), protected header {1: alg} as a bstr, unprotected {4: kid} (omitted when the
// kid is empty), payload bstr, signature bstr.
import { codedError, type CodedError } from '../errors';
import { byte, bytes, head, headSize, type CborWriter } from './cbor-writer';
import { MAX_RECORD_BYTES } from './record-writer';
import { COSE_ALG_ES256, SIGNER_HEADROOM, type Signer } from './signer';

export const ES256_SIGNATURE_BYTES = 64;
export const HMAC_256_TAG_BYTES = 32;
/** Bytes the record buffer keeps in front of the payload: the signer's scratch plus the largest prefix. */
export const PAYLOAD_AT = 160;

function sigBytes(alg: number): number {
  return alg === COSE_ALG_ES256 ? ES256_SIGNATURE_BYTES : HMAC_256_TAG_BYTES;
}

/** Bytes a COSE message adds around a payload of at most MAX_RECORD_BYTES with this signer. */
export function coseOverhead(signer: Signer): number {
  const kid = signer.kid.length;
  const unprotected = kid > 0 ? 2 + headSize(kid) + kid : 1;
  const sig = sigBytes(signer.alg);
  // tag, array(4), protected bstr {1: alg} (4 bytes), unprotected map, payload bstr head, signature bstr
  return 1 + 1 + 4 + unprotected + headSize(MAX_RECORD_BYTES) + headSize(sig) + sig;
}

/** The protected header bstr: h'A1 01 xx' with alg 5 (HMAC) or -7 (ES256). */
function protectedHeader(w: CborWriter, alg: number): void {
  byte(w, 0x43);
  byte(w, 0xa1);
  byte(w, 0x01);
  byte(w, alg === COSE_ALG_ES256 ? 0x26 : 0x05);
}

/** Writes `s` as ASCII text. */
function asciiText(w: CborWriter, s: string): void {
  head(w, 3, s.length);
  for (let i = 0; i < s.length; i++) byte(w, s.charCodeAt(i));
}

/**
 * Signs the payload buf[PAYLOAD_AT, end) and hands the complete COSE record (a copy of exactly its bytes) to `done`.
 * `done` may run synchronously (HMAC) or later (secure element).
 */
export function coseSeal(buf: Uint8Array, end: number, signer: Signer, done: (err: CodedError | null, record: Uint8Array | null) => void): void {
  const payloadLen = end - PAYLOAD_AT;
  const sign1 = signer.alg === COSE_ALG_ES256;
  const context = sign1 ? 'Signature1' : 'MAC0';
  // [context, protected, external_aad h'', payload]
  const tbsStart = PAYLOAD_AT - (1 + 1 + context.length + 4 + 1 + headSize(payloadLen));
  if (tbsStart < SIGNER_HEADROOM) {
    done(codedError('RECORD_TOO_LARGE', 'payload of ' + payloadLen + ' bytes'), null);
    return;
  }
  const w: CborWriter = { buf: buf, n: tbsStart };
  byte(w, 0x84);
  asciiText(w, context);
  protectedHeader(w, signer.alg);
  byte(w, 0x40);
  head(w, 2, payloadLen);
  const expected = sigBytes(signer.alg);
  signer.sign(buf, tbsStart, end, function (err, signature) {
    if (err) {
      done(err, null);
      return;
    }
    if (!signature || signature.length !== expected) {
      done(codedError('COSE_SIGNER_OUTPUT', 'signer returned ' + (signature ? signature.length : 0) + ' bytes, expected ' + expected), null);
      return;
    }
    const kid = signer.kid;
    const start = PAYLOAD_AT - (1 + 1 + 4 + (kid.length > 0 ? 2 + headSize(kid.length) + kid.length : 1) + headSize(payloadLen));
    const m: CborWriter = { buf: buf, n: start };
    byte(m, sign1 ? 0xd2 : 0xd1);
    byte(m, 0x84);
    protectedHeader(m, signer.alg);
    if (kid.length > 0) {
      byte(m, 0xa1);
      byte(m, 0x04);
      bytes(m, kid);
    } else byte(m, 0xa0);
    head(m, 2, payloadLen);
    m.n = end;
    bytes(m, signature);
    if (m.n - start > MAX_RECORD_BYTES) {
      done(codedError('RECORD_TOO_LARGE', 'record is ' + (m.n - start) + ' bytes, limit ' + MAX_RECORD_BYTES), null);
      return;
    }
    done(null, new Uint8Array(buf.subarray(start, m.n)));
  });
}
