// The driver against a hostile bus: a device at the address that ACKs or NACKs at random and answers reads with
// random bytes (sometimes a well-formed status packet or a stale wake token). Every operation must end with exactly
// one callback — a value or a coded error — within its time bound; nothing may throw out of the driver.
import { describe, expect, it } from 'vitest';
import { readPublicKey, readRandom, readRevision, signDigest } from '../../protocol/atecc608/operations';
import { errorCode } from '../../protocol/errors';
import { Prng } from '../../host-sim/prng';
import { settle } from './rig';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { VirtualTime } from '../../host-sim/atecc608/clock';
import { SimI2cBus, type SimI2cDevice } from '../../host-sim/atecc608/i2c-bus';

class NoisyDevice implements SimI2cDevice {
  readonly address = 0x60;
  constructor(private readonly rng: Prng) {}
  write(): boolean {
    return this.rng.next() < 0.8;
  }
  read(length: number): Uint8Array | null {
    const r = this.rng.next();
    if (r < 0.2) return null;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.rng.between(0, 255);
    if (r < 0.35) out.set([0x04, 0x11, 0x33, 0x43].slice(0, length)); // a wake token where a response is due
    else if (r < 0.5 && length > 0) out[0] = this.rng.between(4, 75); // a plausible count byte
    return out;
  }
  wakePulse(): void {}
}

const OPERATIONS = [
  (dev: Atecc608, cb: (e: unknown, v: unknown) => void) => readRevision(dev, cb),
  (dev: Atecc608, cb: (e: unknown, v: unknown) => void) => readRandom(dev, cb),
  (dev: Atecc608, cb: (e: unknown, v: unknown) => void) => readPublicKey(dev, 0, cb),
  (dev: Atecc608, cb: (e: unknown, v: unknown) => void) => signDigest(dev, 0, new Uint8Array(32).fill(7), cb),
];

describe('ATECC608 driver fuzz', () => {
  it('ends every operation on a noisy bus with one callback: a value or a coded error', () => {
    const rng = new Prng(0xa7ecc);
    const codes: { [code: string]: number } = {};
    let values = 0;
    for (let i = 0; i < 3000; i++) {
      const time = new VirtualTime();
      const bus = new SimI2cBus(time, 100_000);
      bus.attach(new NoisyDevice(rng));
      const dev = new Atecc608(bus, time, atecc608Options(0x60));
      const op = OPERATIONS[i % OPERATIONS.length];
      const out = settle(time, (cb) => op(dev, cb as (e: unknown, v: unknown) => void));
      if (out.err) {
        expect(typeof out.err.code).toBe('string');
        codes[errorCode(out.err)] = (codes[errorCode(out.err)] ?? 0) + 1;
      } else values++;
      // Bounded: no operation waits longer than the slowest command's limit plus wake retries.
      expect(out.atUs).toBeLessThan(10_000_000);
    }
    expect(Object.keys(codes).length).toBeGreaterThan(2);
    expect(values).toBeLessThan(3000);
  });
});
