// The commands the module uses, one device command each. They run inside a session (the device is awake);
// operations.ts wraps them into complete wake ... idle sequences.
import { codedError } from '../errors';
import {
  BLOCK_SIZE,
  DIGEST_SIZE,
  GENKEY_MODE_PRIVATE,
  GENKEY_MODE_PUBLIC,
  INFO_MODE_REVISION,
  INFO_SIZE,
  NONCE_MODE_PASSTHROUGH,
  NONCE_MODE_TARGET_MSGDIGBUF,
  OP_GENKEY,
  OP_INFO,
  OP_NONCE,
  OP_RANDOM,
  OP_READ,
  OP_SIGN,
  PUBLIC_KEY_SIZE,
  RANDOM_MODE_SEED_UPDATE,
  RANDOM_SIZE,
  READ_32_BYTES,
  READ_ZONE_CONFIG,
  SIGNATURE_SIZE,
  SIGN_MODE_EXTERNAL,
  SIGN_MODE_SOURCE_MSGDIGBUF,
  SLOT_COUNT,
} from './constants';
import type { Atecc608, ResponseCallback } from './driver';
import { ERR_BAD_ARG } from './status';

function badSlot(slot: number): boolean {
  return !(slot >= 0 && slot < SLOT_COUNT && Math.floor(slot) === slot);
}

/** Info mode 0x00: the 4-byte revision (00 00 60 02 = 608A, 00 00 60 03 = 608B). */
export function infoRevision(dev: Atecc608, done: ResponseCallback): void {
  dev.command(OP_INFO, INFO_MODE_REVISION, 0, null, INFO_SIZE, done);
}

/** Random mode 0x00 (seed update): 32 random bytes. */
export function random(dev: Atecc608, done: ResponseCallback): void {
  dev.command(OP_RANDOM, RANDOM_MODE_SEED_UPDATE, 0, null, RANDOM_SIZE, done);
}

/** Nonce pass-through (mode 0x43): load a 32-byte digest into the message digest buffer. */
export function nonceLoadMsgDigest(dev: Atecc608, digest: Uint8Array, done: ResponseCallback): void {
  if (digest.length !== DIGEST_SIZE) {
    done(codedError(ERR_BAD_ARG, 'Nonce: digest must be 32 bytes, got ' + digest.length), null);
    return;
  }
  dev.command(OP_NONCE, NONCE_MODE_PASSTHROUGH | NONCE_MODE_TARGET_MSGDIGBUF, 0, digest, 0, done);
}

/** Sign mode 0xA0 (external message, source = message digest buffer) with the private key in `slot`: r || s. */
export function signMsgDigest(dev: Atecc608, slot: number, done: ResponseCallback): void {
  if (badSlot(slot)) {
    done(codedError(ERR_BAD_ARG, 'Sign: key slot ' + slot + ' is not 0..15'), null);
    return;
  }
  dev.command(OP_SIGN, SIGN_MODE_EXTERNAL | SIGN_MODE_SOURCE_MSGDIGBUF, slot, null, SIGNATURE_SIZE, done);
}

/** GenKey mode 0x00: the public key X || Y of the private key in `slot`. */
export function genKeyPublic(dev: Atecc608, slot: number, done: ResponseCallback): void {
  genKey(dev, GENKEY_MODE_PUBLIC, slot, done);
}

/** GenKey mode 0x04: create a new private key in `slot` (provisioning) and return its public key X || Y. */
export function genKeyCreate(dev: Atecc608, slot: number, done: ResponseCallback): void {
  genKey(dev, GENKEY_MODE_PRIVATE, slot, done);
}

function genKey(dev: Atecc608, mode: number, slot: number, done: ResponseCallback): void {
  if (badSlot(slot)) {
    done(codedError(ERR_BAD_ARG, 'GenKey: key slot ' + slot + ' is not 0..15'), null);
    return;
  }
  dev.command(OP_GENKEY, mode, slot, null, PUBLIC_KEY_SIZE, done);
}

/** Read 32 bytes of config block 0..3 (config address = block << 3). */
export function readConfigBlock(dev: Atecc608, block: number, done: ResponseCallback): void {
  if (!(block >= 0 && block < 4 && Math.floor(block) === block)) {
    done(codedError(ERR_BAD_ARG, 'Read: config block ' + block + ' is not 0..3'), null);
    return;
  }
  dev.command(OP_READ, READ_ZONE_CONFIG | READ_32_BYTES, block << 3, null, BLOCK_SIZE, done);
}
