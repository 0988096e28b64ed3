// Test rig: driver -> simulated I2C bus -> ATECC608 emulator, all on virtual time.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { CodedError } from '../../protocol/errors';
import { Atecc608, atecc608Options, type Atecc608Options } from '../../protocol/atecc608/driver';
import { VirtualTime } from '../../host-sim/atecc608/clock';
import { SimI2cBus } from '../../host-sim/atecc608/i2c-bus';
import { Atecc608Emulator, type Atecc608EmulatorOptions } from '../../host-sim/atecc608/emulator';

export const SEED = Uint8Array.from(Buffer.from('atecc608 test seed'));

export interface RigOptions extends Partial<Atecc608EmulatorOptions> {
  driver?: Partial<Atecc608Options>;
  bitrateHz?: number;
}

export function rig(options: RigOptions = {}) {
  const time = new VirtualTime();
  const bus = new SimI2cBus(time, options.bitrateHz ?? 100_000);
  const chip = new Atecc608Emulator({ seed: SEED, ...options, clock: time });
  bus.attach(chip);
  const dev = new Atecc608(bus, time, { ...atecc608Options(chip.address), ...options.driver });
  return { time, bus, chip, dev };
}

export interface Outcome<T> {
  err: CodedError | null;
  value: T | null;
  /** Virtual time when the callback ran. */
  atUs: number;
}

/** Starts a callback-style operation, runs virtual time to completion and returns what the callback got. */
export function settle<T>(time: VirtualTime, start: (cb: (err: CodedError | null, value: T | null) => void) => void): Outcome<T> {
  let out: Outcome<T> | null = null;
  let calls = 0;
  start((err, value) => {
    calls++;
    out = { err, value, atUs: time.nowUs() };
  });
  time.run();
  if (calls !== 1) throw new Error('callback ran ' + calls + ' times');
  return out!;
}

export const hex = (b: Uint8Array | null): string => (b ? Buffer.from(b).toString('hex') : 'null');

/** A node:crypto public key from the 64-byte X || Y the device returns. */
export function publicKeyObject(xy: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: Buffer.from(xy.subarray(0, 32)).toString('base64url'), y: Buffer.from(xy.subarray(32)).toString('base64url') },
    format: 'jwk',
  });
}
