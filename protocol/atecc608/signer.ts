// ES256 record signer backed by the ATECC608: SHA-256 of the to-be-signed bytes on the host (native crypto.SHA256 on
// Espruino), then the device's sign flow. The signature is the raw 64-byte r || s that COSE ES256 carries.
//
// kid: the first KID_LENGTH bytes of SHA-256 over the SEC1 uncompressed public key 04 || X || Y. That byte string
// is the value of the subjectPublicKey BIT STRING of the key's X.509 SubjectPublicKeyInfo, i.e. the input of
// RFC 7093 method 1, so a verifier derives the kid from the device certificate or the Trust&GO manifest without
// talking to the device. 8 bytes keep every record short; the kid only selects the key, the signature proves it.
import { copyBytes } from '../bytes';
import { codedError, type CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { COSE_ALG_ES256, type Signer } from '../record/signer';
import { PUBLIC_KEY_SIZE } from './constants';
import type { Atecc608 } from './driver';
import { readPublicKey, signDigest } from './operations';
import { ERR_BAD_ARG } from './status';

export const KID_LENGTH = 8;

/** kid = SHA-256(04 || X || Y) truncated to `length` bytes (1..32). */
export function kidFromPublicKey(sha256: Sha256, publicKey: Uint8Array, length: number): Uint8Array {
  if (publicKey.length !== PUBLIC_KEY_SIZE) {
    throw codedError(ERR_BAD_ARG, 'public key must be 64 bytes X || Y, got ' + publicKey.length);
  }
  if (!(length >= 1 && length <= 32)) throw codedError(ERR_BAD_ARG, 'kid length ' + length + ' is not 1..32');
  const point = new Uint8Array(1 + PUBLIC_KEY_SIZE);
  point[0] = 0x04;
  point.set(publicKey, 1);
  return copyBytes(sha256(point), 0, length);
}

export class Atecc608Signer implements Signer {
  readonly alg = COSE_ALG_ES256;

  constructor(
    private readonly device: Atecc608,
    private readonly sha256: Sha256,
    private readonly slot: number,
    readonly kid: Uint8Array,
  ) {}

  sign(buf: Uint8Array, start: number, end: number, done: (err: CodedError | null, signature: Uint8Array | null) => void): void {
    signDigest(this.device, this.slot, this.sha256(buf.subarray(start, end)), done);
  }
}

/** Reads the slot's public key and builds the signer with the kid derived from it (KID_LENGTH bytes). */
export function openAtecc608Signer(
  device: Atecc608,
  sha256: Sha256,
  slot: number,
  done: (err: CodedError | null, signer: Atecc608Signer | null, publicKey: Uint8Array | null) => void,
): void {
  readPublicKey(device, slot, function (err: CodedError | null, publicKey: Uint8Array | null) {
    if (err || !publicKey) {
      done(err, null, null);
      return;
    }
    done(null, new Atecc608Signer(device, sha256, slot, kidFromPublicKey(sha256, publicKey, KID_LENGTH)), publicKey);
  });
}
