// COSE_Sign1 / ES256 verification on the host: ECDSA needs node:crypto (the device only signs, in its ATECC608).
import { verify, type KeyObject } from 'node:crypto';
import { codedError } from '../../protocol/errors';
import { toBeSigned, type CoseMessage } from '../../protocol/record/cose';
import { ALG_ES256 } from './keys';

/** Raw r || s (IEEE P1363). */
const SIGNATURE_BYTES = 64;

/** Throws COSE_* coded errors; returns nothing when the signature verifies over the rebuilt Sig_structure. */
export function verifySign1(msg: CoseMessage, publicKey: KeyObject, externalAad: Uint8Array | null): void {
  if (msg.kind !== 'sign1') throw codedError('COSE_WRONG_KIND', 'not a COSE_Sign1');
  if (msg.alg !== ALG_ES256) throw codedError('COSE_ALG_UNSUPPORTED', 'signature algorithm ' + String(msg.alg) + ' is not ES256 (-7)');
  if (msg.signature.length !== SIGNATURE_BYTES) {
    throw codedError('COSE_BAD_SIGNATURE', 'signature is ' + msg.signature.length + ' bytes, expected 64 (r||s)');
  }
  const ok = verify('sha256', toBeSigned(msg, externalAad), { key: publicKey, dsaEncoding: 'ieee-p1363' }, msg.signature);
  if (!ok) throw codedError('COSE_BAD_SIGNATURE', 'ES256 signature does not verify');
}
