// COSE_Sign1 (ES256) and COSE_Mac0 (HMAC 256/256) per RFC 9052/9053, over the deterministic CBOR codec.
//
// What we emit: protected header {1: alg} as a bstr, unprotected {4: kid} (kid omitted when empty), payload bstr,
// tagged (18 Sign1 / 17 Mac0). The message kind follows the signer's algorithm.
// What we accept: tagged or (when the caller names the kind) untagged messages; alg in either bucket; crit only in
// the protected bucket and only naming labels we process (alg, content type, kid).
// Verification always rebuilds Sig_structure / MAC_structure from the received message (never from anything
// supplied alongside it). The protected bytes go in exactly as received, with one normalization: a protected bstr
// that holds an empty map (`41 A0`) is treated as the zero-length bstr `h''`, because RFC 9052 §3 says an empty
// protected header is represented by a zero-length bstr and recipients must accept both forms.
import { bytesEqualConstantTime } from '../bytes';
import { codedError, type CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { CborMap, CborTag, decodeCbor, encodeCbor, type CborValue } from './cbor';
import { hmacSha256 } from './hmac';
import { COSE_ALG_ES256, COSE_ALG_HMAC_256_256, SIGNER_HEADROOM, type Signer } from './signer';

export const COSE_TAG_SIGN1 = 18;
export const COSE_TAG_MAC0 = 17;

export const HEADER_ALG = 1;
export const HEADER_CRIT = 2;
export const HEADER_CONTENT_TYPE = 3;
export const HEADER_KID = 4;

/** Header labels this implementation processes, and so may appear in crit. */
const UNDERSTOOD_LABELS = [HEADER_ALG, HEADER_CONTENT_TYPE, HEADER_KID];

export type CoseKind = 'sign1' | 'mac0';

export const ES256_SIGNATURE_BYTES = 64;
export const HMAC_256_TAG_BYTES = 32;

const EMPTY = new Uint8Array(0);

export interface CoseMessage {
  kind: CoseKind;
  /** Whether the message carried its CBOR tag (18/17). */
  tagged: boolean;
  /** The protected header bstr content exactly as received. */
  protectedRaw: Uint8Array;
  /** What goes into Sig_structure / MAC_structure: protectedRaw, or h'' when protectedRaw encodes an empty map. */
  protectedForTbs: Uint8Array;
  protectedMap: CborMap;
  unprotectedMap: CborMap;
  alg: number | string;
  kid: Uint8Array | null;
  payload: Uint8Array;
  /** ES256 signature (Sign1) or MAC tag (Mac0). */
  signature: Uint8Array;
}

export interface CoseDecodeOptions {
  /** The kind the caller expects; required to accept an untagged message. */
  expect?: CoseKind;
  /** Reject untagged messages even when the kind is known (our records are always tagged). */
  requireTag?: boolean;
  /** Deterministic-encoding checks on the message and its protected header (default true). */
  strict?: boolean;
  maxBytes?: number;
}

export function kindForAlg(alg: number | string): CoseKind {
  if (alg === COSE_ALG_ES256) return 'sign1';
  if (alg === COSE_ALG_HMAC_256_256) return 'mac0';
  throw codedError('COSE_ALG_UNSUPPORTED', 'algorithm ' + String(alg) + ' is not ES256 (-7) or HMAC 256/256 (5)');
}

/** Protected header bstr content for `alg`: the map {1: alg}. */
export function encodeProtectedHeader(alg: number): Uint8Array {
  return encodeCbor(new CborMap().set(HEADER_ALG, alg));
}

/** Sig_structure for COSE_Sign1: ["Signature1", body_protected, external_aad, payload]. */
export function sigStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, externalAad, payload]);
}

/** MAC_structure for COSE_Mac0: ["MAC0", protected, external_aad, payload]. */
export function macStructure(protectedBytes: Uint8Array, externalAad: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(['MAC0', protectedBytes, externalAad, payload]);
}

/** The to-be-signed (or to-be-MACed) bytes of a received message, rebuilt from the message itself. */
export function toBeSigned(msg: CoseMessage, externalAad: Uint8Array | null): Uint8Array {
  const aad = externalAad || EMPTY;
  return msg.kind === 'sign1'
    ? sigStructure(msg.protectedForTbs, aad, msg.payload)
    : macStructure(msg.protectedForTbs, aad, msg.payload);
}

export function encodeCoseMessage(
  kind: CoseKind,
  protectedBytes: Uint8Array,
  unprotected: CborMap,
  payload: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const body: CborValue[] = [protectedBytes, unprotected, payload, signature];
  return encodeCbor(new CborTag(kind === 'sign1' ? COSE_TAG_SIGN1 : COSE_TAG_MAC0, body));
}

/**
 * Signs `payload` with `signer` and returns the tagged COSE message through `done`: COSE_Sign1 for ES256,
 * COSE_Mac0 for HMAC 256/256. `done` may run synchronously (HMAC) or later (secure element). The reference
 * construction from CBOR values, for host tools and tests; the device seals around its payload in place (cose-seal.ts).
 */
export function coseSeal(
  payload: Uint8Array,
  signer: Signer,
  externalAad: Uint8Array | null,
  done: (err: CodedError | null, message: Uint8Array | null) => void,
): void {
  let kind: CoseKind;
  try {
    kind = kindForAlg(signer.alg);
  } catch (e) {
    done(e as CodedError, null);
    return;
  }
  const prot = encodeProtectedHeader(signer.alg);
  const aad = externalAad || EMPTY;
  const tbs = kind === 'sign1' ? sigStructure(prot, aad, payload) : macStructure(prot, aad, payload);
  const expectedLength = kind === 'sign1' ? ES256_SIGNATURE_BYTES : HMAC_256_TAG_BYTES;
  // signers sign in place and may use the bytes in front of the message as scratch
  const buf = new Uint8Array(SIGNER_HEADROOM + tbs.length);
  buf.set(tbs, SIGNER_HEADROOM);
  signer.sign(buf, SIGNER_HEADROOM, buf.length, function (err, signature) {
    if (err) {
      done(err, null);
      return;
    }
    if (!signature || signature.length !== expectedLength) {
      done(codedError('COSE_SIGNER_OUTPUT', 'signer returned ' + (signature ? signature.length : 0) + ' bytes, expected ' + expectedLength), null);
      return;
    }
    const unprotected = new CborMap();
    if (signer.kid.length > 0) unprotected.set(HEADER_KID, signer.kid);
    done(null, encodeCoseMessage(kind, prot, unprotected, payload, signature));
  });
}

function checkHeaderValue(label: number | string, v: CborValue): void {
  if (label === HEADER_ALG && typeof v !== 'number' && typeof v !== 'string') throw codedError('COSE_HEADER', 'alg must be an integer or text');
  if (label === HEADER_KID && !(v instanceof Uint8Array)) throw codedError('COSE_HEADER', 'kid must be a byte string');
  if (label === HEADER_CONTENT_TYPE && typeof v !== 'number' && typeof v !== 'string') throw codedError('COSE_HEADER', 'content type must be an integer or text');
}

function checkHeaders(prot: CborMap, unprot: CborMap): void {
  for (let i = 0; i < unprot.keys.length; i++) {
    const label = unprot.keys[i];
    if (typeof label !== 'number' && typeof label !== 'string') throw codedError('COSE_HEADER', 'header label must be an integer or text');
    if (prot.has(label)) throw codedError('COSE_HEADER_DUP', 'header label ' + String(label) + ' is in both buckets');
    if (label === HEADER_CRIT) throw codedError('COSE_CRIT_INVALID', 'crit must be in the protected header');
    checkHeaderValue(label, unprot.values[i]);
  }
  for (let i = 0; i < prot.keys.length; i++) {
    const label = prot.keys[i];
    if (typeof label !== 'number' && typeof label !== 'string') throw codedError('COSE_HEADER', 'header label must be an integer or text');
    checkHeaderValue(label, prot.values[i]);
  }
  const crit = prot.get(HEADER_CRIT);
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0) throw codedError('COSE_CRIT_INVALID', 'crit must be a non-empty array of labels');
  for (let i = 0; i < crit.length; i++) {
    const label = crit[i];
    if (typeof label !== 'number' && typeof label !== 'string') throw codedError('COSE_CRIT_INVALID', 'crit entries must be labels');
    if (!prot.has(label)) throw codedError('COSE_CRIT_INVALID', 'crit names label ' + String(label) + ' that is not in the protected header');
    if (typeof label !== 'number' || UNDERSTOOD_LABELS.indexOf(label) < 0) {
      throw codedError('COSE_CRIT_UNKNOWN', 'critical header label ' + String(label) + ' is not understood');
    }
  }
}

/** Decodes and structurally checks a COSE_Sign1 or COSE_Mac0 message (no cryptography). */
export function decodeCose(bytes: Uint8Array, options?: CoseDecodeOptions): CoseMessage {
  const strict = !(options && options.strict === false);
  const expect = options && options.expect ? options.expect : null;
  const top = decodeCbor(bytes, { strict: strict, maxBytes: options && options.maxBytes !== undefined ? options.maxBytes : undefined });
  let kind: CoseKind;
  let body: CborValue = top;
  let tagged = false;
  if (top instanceof CborTag) {
    if (top.tag === COSE_TAG_SIGN1) kind = 'sign1';
    else if (top.tag === COSE_TAG_MAC0) kind = 'mac0';
    else throw codedError('COSE_WRONG_TAG', 'CBOR tag ' + top.tag + ' is not COSE_Sign1 (18) or COSE_Mac0 (17)');
    if (expect !== null && kind !== expect) throw codedError('COSE_WRONG_TAG', 'tag ' + top.tag + ' but ' + expect + ' expected');
    body = top.value;
    tagged = true;
  } else {
    if (expect === null || (options && options.requireTag)) throw codedError('COSE_UNTAGGED', 'message has no COSE tag');
    kind = expect;
  }
  if (!Array.isArray(body) || body.length !== 4) throw codedError('COSE_STRUCTURE', 'message must be an array of 4 items');
  const protectedRaw = body[0];
  const unprotectedMap = body[1];
  const payload = body[2];
  const signature = body[3];
  if (!(protectedRaw instanceof Uint8Array)) throw codedError('COSE_STRUCTURE', 'protected header must be a byte string');
  if (!(unprotectedMap instanceof CborMap)) throw codedError('COSE_STRUCTURE', 'unprotected header must be a map');
  if (payload === null) throw codedError('COSE_DETACHED', 'detached payloads are not supported');
  if (!(payload instanceof Uint8Array)) throw codedError('COSE_STRUCTURE', 'payload must be a byte string');
  if (!(signature instanceof Uint8Array)) throw codedError('COSE_STRUCTURE', (kind === 'sign1' ? 'signature' : 'tag') + ' must be a byte string');
  let protectedMap: CborMap;
  if (protectedRaw.length === 0) protectedMap = new CborMap();
  else {
    const decoded = decodeCbor(protectedRaw, { strict: strict });
    if (!(decoded instanceof CborMap)) throw codedError('COSE_HEADER', 'protected header is not a map');
    protectedMap = decoded;
  }
  checkHeaders(protectedMap, unprotectedMap);
  const alg = protectedMap.has(HEADER_ALG) ? protectedMap.get(HEADER_ALG) : unprotectedMap.get(HEADER_ALG);
  if (alg === undefined) throw codedError('COSE_ALG_MISSING', 'no alg header');
  if (kind === 'sign1' && alg === COSE_ALG_HMAC_256_256) throw codedError('COSE_ALG_MISMATCH', 'MAC algorithm in a COSE_Sign1');
  if (kind === 'mac0' && alg === COSE_ALG_ES256) throw codedError('COSE_ALG_MISMATCH', 'signature algorithm in a COSE_Mac0');
  const kidValue = protectedMap.has(HEADER_KID) ? protectedMap.get(HEADER_KID) : unprotectedMap.get(HEADER_KID);
  return {
    kind: kind,
    tagged: tagged,
    protectedRaw: protectedRaw,
    protectedForTbs: protectedMap.size === 0 ? EMPTY : protectedRaw,
    protectedMap: protectedMap,
    unprotectedMap: unprotectedMap,
    alg: alg as number | string,
    kid: kidValue instanceof Uint8Array ? kidValue : null,
    payload: payload,
    signature: signature,
  };
}

/** Verifies a COSE_Mac0 with HMAC 256/256; throws COSE_* coded errors, returns nothing on success. */
export function verifyMac0(msg: CoseMessage, key: Uint8Array, sha256: Sha256, externalAad: Uint8Array | null): void {
  if (msg.kind !== 'mac0') throw codedError('COSE_WRONG_KIND', 'not a COSE_Mac0');
  if (msg.alg !== COSE_ALG_HMAC_256_256) throw codedError('COSE_ALG_UNSUPPORTED', 'MAC algorithm ' + String(msg.alg) + ' is not HMAC 256/256 (5)');
  if (msg.signature.length !== HMAC_256_TAG_BYTES) throw codedError('COSE_BAD_MAC', 'tag is ' + msg.signature.length + ' bytes, expected 32');
  const expected = hmacSha256(sha256, key, toBeSigned(msg, externalAad));
  if (!bytesEqualConstantTime(expected, msg.signature)) throw codedError('COSE_BAD_MAC', 'MAC tag does not match');
}
