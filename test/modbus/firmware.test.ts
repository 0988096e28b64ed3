import { describe, expect, it } from 'vitest';
import crc16modbus from 'crc/crc16modbus';
import type { Sample } from '../../protocol/sample';
import { ModbusConfig, resolveModbusConfig } from '../../protocol/modbus/config';
import { encodeReadResponse } from '../../protocol/modbus/codec';
import { encodeRegisters } from '../../protocol/modbus/registers';
import { EspruinoRtuBus, RtuHardware, RtuSerial, deHoldMs, serialOptions } from '../../firmware/modbus/rtu-bus';

function crcHex(hex: string): string {
  const c = crc16modbus(Buffer.from(hex, 'hex'));
  return Buffer.from([c & 0xff, c >> 8]).toString('hex');
}

function config(over: object): ModbusConfig {
  return {
    buses: [{ id: 'b', port: 'Serial3', rx: 16, tx: 17, baud: 9600, parity: 'even', ...over }],
    devices: [{ id: 'd', bus: 'b', address: 5, profile: 'FLOAT32_BLOCK', channels: [{ id: 'v1', register: 'v1', periodMs: 1000 }] }],
  };
}

/** A fake Espruino: records calls in order, runs timers on demand. */
function fakeEspruino() {
  const log: string[] = [];
  let now = 1700000000000;
  let listener: ((d: string) => void) | null = null;
  const timers: { id: number; at: number; fn: () => void }[] = [];
  let nextId = 1;
  const serial: RtuSerial = {
    setup: (baud, o) => void log.push('setup ' + baud + ' ' + JSON.stringify(o)),
    write: (d) => void log.push('write ' + Buffer.from(d).toString('hex')),
    on: (ev, fn) => {
      log.push('on ' + ev);
      listener = fn;
    },
    removeAllListeners: () => {
      listener = null;
    },
  };
  const hw: RtuHardware = {
    digitalPulse: (pin, v, ms) => void log.push('pulse ' + pin + ' ' + v + ' ' + ms.toFixed(4)),
    digitalWrite: (pin, v) => void log.push('digitalWrite ' + pin + ' ' + v),
    toBytes: (s) => Uint8Array.from(s, (c) => c.charCodeAt(0)),
    setTimeout: (fn, ms) => {
      timers.push({ id: nextId, at: now + ms, fn });
      return nextId++;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  return {
    log,
    serial,
    hw,
    clock: { nowMs: () => now },
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = Math.max(now, t.at);
        t.fn();
      }
      now = end;
    },
    receive(bytes: Uint8Array) {
      listener!(String.fromCharCode(...bytes));
    },
    pendingTimers: () => timers.length,
  };
}

describe('Espruino RTU binding', () => {
  it('maps the bus to Serial.setup options: pins on ESP32, path on the Linux build', () => {
    const [b] = resolveModbusConfig(config({}));
    expect(serialOptions(b)).toEqual({ bytesize: 8, parity: 'even', stopbits: 1, rx: 16, tx: 17 });
    const [l] = resolveModbusConfig(config({ path: '/dev/ttyUSB0', stopBits: 2, dataBits: 7 }));
    expect(serialOptions(l)).toEqual({ bytesize: 7, parity: 'even', stopbits: 2, path: '/dev/ttyUSB0' });
  });

  it('computes the DE hold time from bytes, framing and baud', () => {
    const [b] = resolveModbusConfig(config({ direction: 'pin', dePin: 4, deMarginUs: 500 }));
    // 8 bytes x 11 bits (8E1) / 9600 baud = 9.1667 ms, + 0.5 ms margin
    expect(deHoldMs(8, b)).toBeCloseTo(9.6667, 4);
    const [fast] = resolveModbusConfig(config({ direction: 'pin', dePin: 4, baud: 115200, parity: 'none' }));
    expect(deHoldMs(8, fast)).toBeCloseTo((8 * 10 * 1e6) / 115200 / 1000 + 1, 9);
  });

  it('pulses DE for the request, writes it, feeds binary-string chunks to the poller and keeps a timer armed', () => {
    const fake = fakeEspruino();
    const [b] = resolveModbusConfig(config({ direction: 'pin', dePin: 'D4' }));
    const samples: Sample[] = [];
    const bus = new EspruinoRtuBus(b, fake.serial, fake.hw, fake.clock, (s) => samples.push(s));
    bus.start();
    expect(fake.log.slice(0, 5)).toEqual([
      'digitalWrite D4 0',
      'setup 9600 {"bytesize":8,"parity":"even","stopbits":1,"rx":16,"tx":17}',
      'on data',
      'pulse D4 1 10.1667',
      'write 050400000002' + crcHex('050400000002'),
    ]);
    expect(fake.pendingTimers()).toBe(1);
    const regs = new Uint8Array(4);
    encodeRegisters(21.5, 'float32', 'ABCD', regs, 0);
    const res = encodeReadResponse(5, 4, regs);
    fake.advance(20);
    fake.receive(res.subarray(0, 3));
    fake.advance(3);
    fake.receive(res.subarray(3));
    expect(samples).toEqual([{ channel: 'v1', tMs: 1700000000023, value: 21.5, valid: true, status: 'VALID', native: -1, source: 'rtu:b:5:FLOAT32_BLOCK' }]);
    expect(fake.pendingTimers()).toBe(1);
    // Next poll one period after the first; nobody answers: timeouts, retries, then an invalid sample.
    fake.advance(977);
    expect(fake.log.filter((l) => l.startsWith('write')).length).toBe(2);
    fake.advance(5000);
    expect(samples[1]).toMatchObject({ channel: 'v1', valid: false, status: 'COMMS_LOSS' });
    expect(samples[1].value).toBeNaN();
    expect(bus.health().devices[0].timeouts).toBeGreaterThanOrEqual(3);
    bus.stop();
    expect(fake.pendingTimers()).toBe(0);
  });

  it('leaves direction to the transceiver in auto mode', () => {
    const fake = fakeEspruino();
    const [b] = resolveModbusConfig(config({}));
    new EspruinoRtuBus(b, fake.serial, fake.hw, fake.clock, () => {}).start();
    expect(fake.log.some((l) => l.startsWith('pulse') || l.startsWith('digitalWrite'))).toBe(false);
  });
});
