// COSE_Mac0 / HMAC 256/256 verification on the host with node:crypto's HMAC, independent of the device's HMAC code.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { codedError } from '../../protocol/errors';
import { toBeSigned, type CoseMessage } from '../../protocol/record/cose';
import { ALG_HMAC_256_256 } from './keys';

const TAG_BYTES = 32;

/** Throws COSE_* coded errors; returns nothing when the tag verifies over the rebuilt MAC_structure. */
export function verifyMac0(msg: CoseMessage, key: Uint8Array, externalAad: Uint8Array | null): void {
  if (msg.kind !== 'mac0') throw codedError('COSE_WRONG_KIND', 'not a COSE_Mac0');
  if (msg.alg !== ALG_HMAC_256_256) throw codedError('COSE_ALG_UNSUPPORTED', 'MAC algorithm ' + String(msg.alg) + ' is not HMAC 256/256 (5)');
  if (msg.signature.length !== TAG_BYTES) throw codedError('COSE_BAD_MAC', 'tag is ' + msg.signature.length + ' bytes, expected 32');
  const expected = createHmac('sha256', key).update(toBeSigned(msg, externalAad)).digest();
  if (!timingSafeEqual(expected, msg.signature)) throw codedError('COSE_BAD_MAC', 'MAC tag does not match');
}
