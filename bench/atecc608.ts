// ATECC608 sign path: emulated throughput in Node, bytes on the I2C bus per signature, and the expected
// device-side latency (I2C wire time at 100 kHz + wake delay + the chip's typical execution times).
import { createHash } from 'node:crypto';
import { Atecc608, atecc608Options } from '../protocol/atecc608/driver';
import { Atecc608Signer } from '../protocol/atecc608/signer';
import { OP_NONCE, OP_RANDOM, OP_SIGN, WAKE_DELAY_US } from '../protocol/atecc608/constants';
import { typicalExecMs } from '../protocol/atecc608/exec-times';
import type { Sha256 } from '../protocol/ports';
import { VirtualTime } from '../host-sim/atecc608/clock';
import { SimI2cBus } from '../host-sim/atecc608/i2c-bus';
import { Atecc608Emulator } from '../host-sim/atecc608/emulator';

const BITRATE = 100_000;
const sha256: Sha256 = (d) => new Uint8Array(createHash('sha256').update(d).digest());

export function runBench(): { name: string; value: number; unit: string; note?: string }[] {
  const time = new VirtualTime();
  const bus = new SimI2cBus(time, BITRATE);
  const chip = new Atecc608Emulator({ clock: time, seed: null });
  bus.attach(chip);
  const signer = new Atecc608Signer(new Atecc608(bus, time, atecc608Options(chip.address)), sha256, 0, new Uint8Array(8));
  const tbs = new Uint8Array(300).fill(0xa5); // about the Sig_structure of a 10-quantity hourly record

  let failures = 0;
  const signOnce = () => {
    signer.sign(tbs, (err) => {
      if (err) failures++;
    });
    time.run();
  };

  signOnce();
  bus.clearLog();
  signOnce();
  const bytes = bus.wireBytes();
  const wireMs = (bus.wireBits() / BITRATE) * 1000;

  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000 && n < 2000) {
    signOnce();
    n++;
  }
  const perSecond = (n / (performance.now() - t0)) * 1000;
  if (failures) throw new Error('atecc608 bench: ' + failures + ' signatures failed');

  const execMs = typicalExecMs(OP_RANDOM, 0) + typicalExecMs(OP_NONCE, 0) + typicalExecMs(OP_SIGN, 0);
  const wakeMs = WAKE_DELAY_US / 1000;
  return [
    { name: 'emulated signatures (driver + I2C sim + P-256)', value: perSecond, unit: 'sign/s', note: 'Node, virtual time' },
    { name: 'I2C bytes per signature', value: bytes, unit: 'B', note: 'wake, Random, Nonce, Sign, idle; address bytes included' },
    { name: 'I2C wire time per signature at 100 kHz', value: wireMs, unit: 'ms', note: '9 bits/byte + START/STOP' },
    { name: 'chip execution, typical (Random+Nonce+Sign)', value: execMs, unit: 'ms', note: '23 + 20 + 115 ms at clock divider M0' },
    {
      name: 'expected device-side sign latency',
      value: wireMs + wakeMs + execMs,
      unit: 'ms',
      note: 'wire + 1.5 ms wake + execution; Espruino JS time not included',
    },
  ];
}
