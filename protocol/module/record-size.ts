// Exact sizes of what the chain will seal: the payload of a record body (encoded with the largest possible sequence
// number, so the size holds whatever number the chain assigns) and the bytes COSE adds around it for a signer.
import { ES256_SIGNATURE_BYTES, HMAC_256_TAG_BYTES } from '../record/cose';
import { encodeRecordPayload, HASH_BYTES, MAX_RECORD_BYTES, RECORD_SCHEMA_VERSION, type Identity, type RecordBody } from '../record/schema';
import { COSE_ALG_ES256, type Signer } from '../record/signer';

const MAX_SAFE = 9007199254740991;
const ZERO_HASH = new Uint8Array(HASH_BYTES);

/** Bytes of a CBOR head carrying `n` (an unsigned integer, or the length of a string, array or map). */
export function cborHeadBytes(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
}

/** Bytes a COSE message adds around a payload of at most MAX_RECORD_BYTES with this signer. */
export function coseOverheadBytes(signer: Signer): number {
  const sig = signer.alg === COSE_ALG_ES256 ? ES256_SIGNATURE_BYTES : HMAC_256_TAG_BYTES;
  const kid = signer.kid.length;
  const unprotected = kid > 0 ? 2 + cborHeadBytes(kid) + kid : 1;
  // tag, array(4), protected bstr {1: alg} (4 bytes), unprotected map, payload bstr head, signature bstr
  return 1 + 1 + 4 + unprotected + cborHeadBytes(MAX_RECORD_BYTES) + cborHeadBytes(sig) + sig;
}

/** Payload size of `body` as the chain will encode it, with the largest possible sequence number. */
export function payloadBytes(identity: Identity, body: RecordBody): number {
  return encodeRecordPayload({
    version: RECORD_SCHEMA_VERSION,
    seq: MAX_SAFE,
    prev: ZERO_HASH,
    device: identity.device,
    site: identity.site,
    time: body.time,
    createdMs: body.createdMs,
    period: body.period,
    event: body.event,
  }).length;
}
