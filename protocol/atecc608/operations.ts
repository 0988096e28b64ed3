// Complete device operations, each one session (wake -> commands -> idle). The sign flow is cryptoauthlib's
// calib_sign for the 608: Random (RNG seed update) -> Nonce pass-through into the message digest buffer ->
// Sign external from the message digest buffer -> 64-byte r || s, which is exactly a COSE ES256 signature.
import { codedError, type CodedError } from '../errors';
import { BLOCK_SIZE, CONFIG_ZONE_SIZE, DIGEST_SIZE } from './constants';
import { genKeyCreate, genKeyPublic, infoRevision, nonceLoadMsgDigest, random, readConfigBlock, signMsgDigest } from './commands';
import type { Atecc608, SessionFinish } from './driver';
import { ERR_BAD_ARG } from './status';

export type BytesCallback = SessionFinish<Uint8Array>;

/** Info revision (4 bytes). */
export function readRevision(dev: Atecc608, done: BytesCallback): void {
  dev.session(function (finish: BytesCallback) {
    infoRevision(dev, finish);
  }, done);
}

/** 32 bytes from the device RNG. */
export function readRandom(dev: Atecc608, done: BytesCallback): void {
  dev.session(function (finish: BytesCallback) {
    random(dev, finish);
  }, done);
}

/** The whole 128-byte configuration zone, read as four 32-byte blocks in one session. */
export function readConfigZone(dev: Atecc608, done: BytesCallback): void {
  dev.session(function (finish: BytesCallback) {
    const config = new Uint8Array(CONFIG_ZONE_SIZE);
    function readBlock(block: number): void {
      readConfigBlock(dev, block, function (err: CodedError | null, data: Uint8Array | null) {
        if (err || !data) {
          finish(err, null);
          return;
        }
        config.set(data, block * BLOCK_SIZE);
        if (block === 3) finish(null, config);
        else readBlock(block + 1);
      });
    }
    readBlock(0);
  }, done);
}

/** Public key X || Y (64 bytes) of the private key in `slot` (GenKey mode 0x00). */
export function readPublicKey(dev: Atecc608, slot: number, done: BytesCallback): void {
  dev.session(function (finish: BytesCallback) {
    genKeyPublic(dev, slot, finish);
  }, done);
}

/** Provisioning: generate a new private key in `slot` (GenKey mode 0x04); delivers the new public key X || Y. */
export function createPrivateKey(dev: Atecc608, slot: number, done: BytesCallback): void {
  dev.session(function (finish: BytesCallback) {
    genKeyCreate(dev, slot, finish);
  }, done);
}

/** ECDSA P-256 signature r || s over a 32-byte SHA-256 digest with the private key in `slot`. */
export function signDigest(dev: Atecc608, slot: number, digest: Uint8Array, done: BytesCallback): void {
  if (digest.length !== DIGEST_SIZE) {
    done(codedError(ERR_BAD_ARG, 'sign: digest must be 32 bytes, got ' + digest.length), null);
    return;
  }
  dev.session(function (finish: BytesCallback) {
    random(dev, function (err: CodedError | null) {
      if (err) {
        finish(err, null);
        return;
      }
      nonceLoadMsgDigest(dev, digest, function (err2: CodedError | null) {
        if (err2) {
          finish(err2, null);
          return;
        }
        signMsgDigest(dev, slot, finish);
      });
    });
  }, done);
}
