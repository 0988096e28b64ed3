// Storage module cems.se: the ATECC608 on I2C, loaded to read the device key's public key once (the kid) and for every
// signature, released in between. Each use wakes the chip, runs one session and lets it sleep.
import type { CodedError } from '../../protocol/errors';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { readPublicKey, signDigest } from '../../protocol/atecc608/operations';
import { kidFromPublicKey, KID_LENGTH } from '../../protocol/atecc608/signer';
import { i2cOf } from '../board';
import { scheduler, sha256 } from '../platform';
import type { SecureElementPlan } from '../signer';
import { EspruinoI2cBus } from '../i2c-bus';

function device(se: SecureElementPlan): Atecc608 {
  const bus = new EspruinoI2cBus(i2cOf(se.bus), se.scl, se.sda, se.gpioWake);
  return new Atecc608(bus, scheduler, atecc608Options(se.address));
}

export function open(se: SecureElementPlan, done: (err: CodedError | null, kid: Uint8Array | null) => void): void {
  let dev: Atecc608;
  try {
    dev = device(se);
  } catch (e) {
    done(e as CodedError, null);
    return;
  }
  readPublicKey(dev, se.slot, function (err, publicKey) {
    if (err || !publicKey) done(err, null);
    else done(null, kidFromPublicKey(sha256, publicKey, KID_LENGTH));
  });
}

export function sign(se: SecureElementPlan, digest: Uint8Array, done: (err: CodedError | null, signature: Uint8Array | null) => void): void {
  let dev: Atecc608;
  try {
    dev = device(se);
  } catch (e) {
    done(e as CodedError, null);
    return;
  }
  signDigest(dev, se.slot, digest, done);
}
