// The emulator on its own, driven with raw bus transfers (no driver): the chip behaviour the driver relies on.
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../protocol/atecc608/packet';
import { VirtualTime } from '../../host-sim/atecc608/clock';
import { SimI2cBus } from '../../host-sim/atecc608/i2c-bus';
import { Atecc608Emulator, type Atecc608EmulatorOptions } from '../../host-sim/atecc608/emulator';
import { isOnCurve } from '../../host-sim/atecc608/p256';
import { hex, SEED } from './rig';

function setup(options: Partial<Atecc608EmulatorOptions> = {}) {
  const time = new VirtualTime();
  const bus = new SimI2cBus(time);
  const chip = new Atecc608Emulator({ seed: SEED, ...options, clock: time });
  bus.attach(chip);
  const wake = () => {
    expect(() => bus.write(0, Uint8Array.of(0))).toThrow("slave doesn't ACK");
    time.delayUs(1500);
    expect(hex(bus.read(0x60, 4))).toBe('04113343');
  };
  const send = (opcode: number, p1: number, p2: number, data: Uint8Array | null = null) => {
    const out = new Uint8Array(80);
    bus.write(0x60, out.subarray(0, encodeCommand(out, opcode, p1, p2, data)));
  };
  /** Waits `ms`, then reads the whole response frame. */
  const response = (ms: number) => {
    time.delayUs(ms * 1000);
    const count = bus.read(0x60, 1)[0];
    return hex(Uint8Array.of(count, ...bus.read(0x60, count - 1)));
  };
  const nacks = (f: () => unknown) => {
    expect(f).toThrow("slave doesn't ACK");
  };
  return { time, bus, chip, wake, send, response, nacks };
}

describe('ATECC608 emulator: power states and timing', () => {
  it('NACKs while asleep, ignores a pulse shorter than 60 us, answers the wake token only after 1500 us', () => {
    const e = setup();
    e.nacks(() => e.bus.read(0x60, 4));
    e.chip.wakePulse(59);
    e.nacks(() => e.bus.read(0x60, 4));
    e.chip.wakePulse(80);
    e.time.delayUs(1499);
    e.nacks(() => e.bus.read(0x60, 4));
    e.time.delayUs(1);
    expect(hex(e.bus.read(0x60, 4))).toBe('04113343');
    expect(e.chip.state).toBe('awake');
  });

  it('NACKs while executing and answers after the execution time', () => {
    const e = setup();
    e.wake();
    e.send(0x1b, 0, 0);
    e.time.delayUs(22_999);
    e.nacks(() => e.bus.read(0x60, 1));
    const frame = e.response(0.001);
    expect(frame.slice(0, 2)).toBe('23');
    expect(frame).toHaveLength(2 * 35);
  });

  it('answers a bad CRC or a count that disagrees with the write with status 0xFF, a short packet with 0x03', () => {
    const e = setup();
    e.wake();
    e.bus.write(0x60, Uint8Array.from([0x03, 0x07, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5e]));
    expect(e.response(0)).toBe('04ff' + crcHex('04ff'));
    e.bus.write(0x60, Uint8Array.from([0x03, 0x08, 0x30, 0x00, 0x00, 0x00, 0x03, 0x5d]));
    expect(e.response(0)).toBe('04ff' + crcHex('04ff'));
    const short = Uint8Array.from([0x03, 0x06, 0x30, 0x00, 0x00, 0, 0]);
    short.set(crcBytes([0x06, 0x30, 0x00, 0x00]), 5);
    e.bus.write(0x60, short);
    expect(e.response(0)).toBe('0403' + crcHex('0403'));
  });

  it('word address 0x00 rewinds the output buffer; an unknown word address is NACKed', () => {
    const e = setup();
    e.wake();
    e.send(0x30, 0, 0);
    const first = e.response(5);
    e.bus.write(0x60, Uint8Array.of(0x00));
    expect(e.response(0)).toBe(first);
    e.nacks(() => e.bus.write(0x60, Uint8Array.of(0x07)));
  });

  it('idle keeps the message digest buffer, sleep clears it', () => {
    const e = setup();
    e.wake();
    e.send(0x16, 0x43, 0, new Uint8Array(32).fill(7));
    expect(e.response(20)).toBe('0400' + '0340');
    e.bus.write(0x60, Uint8Array.of(0x02));
    expect(e.chip.state).toBe('idle');
    e.nacks(() => e.bus.read(0x60, 1));
    e.wake();
    e.send(0x41, 0xa0, 0);
    expect(e.response(115).slice(0, 2)).toBe('43');
    // The digest is consumed by Sign; load again, then sleep.
    e.send(0x16, 0x43, 0, new Uint8Array(32).fill(7));
    e.response(20);
    e.bus.write(0x60, Uint8Array.of(0x01));
    expect(e.chip.state).toBe('sleep');
    e.wake();
    e.send(0x41, 0xa0, 0);
    expect(e.response(115)).toBe('040f' + crcHex('040f'));
  });

  it('goes to sleep 1.3 s after the wake (watchdog); idle stops the watchdog', () => {
    const e = setup();
    e.wake();
    e.time.delayUs(1_298_499);
    expect(e.chip.state).toBe('awake');
    e.time.delayUs(1);
    expect(e.chip.state).toBe('sleep');
    e.nacks(() => e.bus.read(0x60, 1));
    e.wake();
    e.bus.write(0x60, Uint8Array.of(0x02));
    e.time.delayUs(5_000_000);
    expect(e.chip.state).toBe('idle');
    expect(e.chip.stats.watchdogSleeps).toBe(1);
  });
});

describe('ATECC608 emulator: commands', () => {
  it('Random gives the FF FF 00 00 pattern while the config zone is unlocked', () => {
    const e = setup({ configLocked: false });
    e.wake();
    e.send(0x1b, 0, 0);
    expect(e.response(23).slice(2, 66)).toBe('ffff0000'.repeat(8));
  });

  it('reads config words, OTP, and data slots (secrets never; nothing before the data lock)', () => {
    const e = setup({ serialNumber: Uint8Array.from([0x01, 0x23, 1, 2, 3, 4, 5, 6, 0xee]) });
    e.wake();
    e.send(0x02, 0x00, (2 << 3) | 5); // config block 2, word 5: bytes 84..87 (UserExtra, UserExtraAdd, LockValue, LockConfig)
    expect(e.response(5).slice(2, 10)).toBe('00000000');
    e.send(0x02, 0x80, 0);
    // SN[0:3], RevNum, SN[4:8], AES_Enable, I2C_Enable, reserved
    expect(e.response(5).slice(2, 34)).toBe('01230102' + '00006003' + '03040506ee' + '010100');
    e.send(0x02, 0x81, 0);
    expect(e.response(5).slice(2, 66)).toBe('00'.repeat(32));
    e.send(0x02, 0x82, 0 << 3);
    expect(e.response(5)).toBe('040f' + crcHex('040f'));
    e.send(0x02, 0x82, 9 << 3);
    expect(e.response(5).slice(2, 66)).toBe('00'.repeat(32));
    e.send(0x02, 0x80, 4 << 3);
    expect(e.response(5)).toBe('0403' + crcHex('0403'));
    const unlocked = setup({ dataLocked: false });
    unlocked.wake();
    unlocked.send(0x02, 0x82, 9 << 3);
    expect(unlocked.response(5)).toBe('040f' + crcHex('040f'));
  });

  it('answers 0x03 to what it does not emulate: Nonce random modes, internal Sign, GenKey digest modes', () => {
    const e = setup();
    e.wake();
    e.send(0x16, 0x00, 0, new Uint8Array(20));
    expect(e.response(20)).toBe('0403' + crcHex('0403'));
    e.send(0x41, 0x00, 0);
    expect(e.response(115)).toBe('0403' + crcHex('0403'));
    e.send(0x40, 0x10, 0);
    expect(e.response(115)).toBe('0403' + crcHex('0403'));
  });

  it('deterministic mode is reproducible per seed; without a seed keys and random bytes differ per instance', () => {
    const a = setup({ seed: Uint8Array.of(1) });
    const b = setup({ seed: Uint8Array.of(1) });
    const c = setup({ seed: Uint8Array.of(2) });
    expect(hex(a.chip.publicKey(0))).toBe(hex(b.chip.publicKey(0)));
    expect(hex(a.chip.config)).toBe(hex(b.chip.config));
    expect(hex(a.chip.publicKey(0))).not.toBe(hex(c.chip.publicKey(0)));
    expect(isOnCurve(a.chip.publicKey(0)!)).toBe(true);
    const r1 = setup({ seed: null });
    const r2 = setup({ seed: null });
    expect(hex(r1.chip.publicKey(0))).not.toBe(hex(r2.chip.publicKey(0)));
    for (const e of [r1, r2]) e.wake();
    r1.send(0x1b, 0, 0);
    r2.send(0x1b, 0, 0);
    expect(r1.response(23)).not.toBe(r2.response(23));
  });
});

describe('simulated bus accounting', () => {
  it('counts address + data bytes and 9 bits per byte plus START/STOP; a NACKed transfer clocks only its address', () => {
    const e = setup();
    e.wake(); // W00 (NACK: 1 byte), R60 x4 (5 bytes)
    expect(e.bus.wireBytes()).toBe(1 + 5);
    expect(e.bus.wireBits()).toBe(2 + 9 + (2 + 9 * 5));
  });
});

function crcBytes(bytes: number[]): number[] {
  let reg = 0;
  for (const b of bytes) {
    for (let m = 1; m < 0x100; m <<= 1) {
      const bit = reg >> 15;
      reg = (reg << 1) & 0xffff;
      if ((b & m ? 1 : 0) !== bit) reg ^= 0x8005;
    }
  }
  return [reg & 0xff, reg >> 8];
}

function crcHex(frameHex: string): string {
  return hex(Uint8Array.from(crcBytes([...Buffer.from(frameHex, 'hex')])));
}
