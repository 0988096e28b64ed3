// The Espruino binding of a bus (firmware/uart-bus.ts), bundled for Espruino and run in the Espruino-profile sandbox
// on a plan compiled from a test configuration: Serial.setup options, DE pulses, requests, received chunks, the timer.
import { build } from 'esbuild';
import crc16modbus from 'crc/crc16modbus';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { S } from '../../protocol/cems/codes';
import { encodeReadResponse } from '../../protocol/modbus/codec';
import type { ModbusConfig } from '../../protocol/modbus/config';
import { encodeRegisters } from '../../protocol/modbus/registers';
import { H } from '../../protocol/modbus/rtu-master';
import { espruinoBuildOptions } from '../../scripts/build';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { compileRtuPlan } from '../../host-sim/modbus/rtu-host';

// An ESP32 whose clock was never set (1970) keeps sub-microsecond resolution in the pin event times.
const T0 = 1000000;
let bundle = '';

beforeAll(async () => {
  const out = await build({ ...espruinoBuildOptions, entryPoints: ['test/modbus/fixtures/uart-bus-entry.js'], outfile: 'uart-bus-test.js', sourcemap: false });
  bundle = '(function(){\n' + out.outputFiles![0].text + '\n})();\n';
});

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

/** A device running the binding on bus 0 of the configuration; `written` collects what goes out on Serial3. */
function device(cfg: ModbusConfig, board: 'ESP32' | 'LINUX' = 'ESP32') {
  const time = new VirtualTime(T0);
  const m = new EspruinoMachine({ time, board });
  const written: string[] = [];
  m.serial.Serial3.onTransmit((b) => written.push(toHex(b)));
  m.boot(bundle, 'uart-bus-test.js');
  m.evaluate('uartBusTest.start("' + toHex(compileRtuPlan(cfg).file.bytes) + '", 0)');
  const samples = (): [number, number, number | null, number, number][] => JSON.parse(m.evaluate('JSON.stringify(uartBusTest.samples)') as string);
  return { m, time, written, samples };
}

describe('Espruino binding of an RTU bus', () => {
  it('sets the UART up from the plan: pins on the ESP32, the device path on the Linux build', () => {
    const esp = device(config({}));
    expect(esp.m.serial.Serial3.settings).toEqual({ baud: 9600, options: { bytesize: 8, parity: 'even', stopbits: 1, rx: 16, tx: 17 } });
    const linux = device(config({ path: '/dev/ttyUSB0', stopBits: 2, dataBits: 7 }), 'LINUX');
    expect(linux.m.serial.Serial3.settings).toEqual({ baud: 9600, options: { bytesize: 7, parity: 'even', stopbits: 2, path: '/dev/ttyUSB0' } });
    esp.m.shutdown();
    linux.m.shutdown();
  });

  it('pulses DE for the request wire time plus the margin, writes the request, decodes chunks and keeps a timer armed', () => {
    const { m, time, written, samples } = device(config({ direction: 'pin', dePin: 'D4', deMarginUs: 500 }));
    expect(written).toEqual(['050400000002' + crcHex('050400000002')]);
    time.advance(20);
    const de = m.pins.writes.filter((w) => w.pin === 'D4');
    expect(de.map((w) => w.value)).toEqual([0, 1, 0]);
    // Low at start; raised with the request for its wire time, 8 bytes x 11 bits (8E1) / 9600 baud = 9.1667 ms, + 0.5 ms.
    expect(de[2].tMs - de[1].tMs).toBeCloseTo(9.6667, 4);
    expect(time.pendingTimers()).toBe(1);
    const regs = new Uint8Array(4);
    encodeRegisters(21.5, 'float32', 'ABCD', regs, 0);
    const res = encodeReadResponse(5, 4, regs);
    m.serial.Serial3.deliver(res.subarray(0, 3));
    time.advance(3);
    m.serial.Serial3.deliver(res.subarray(3));
    expect(samples()).toEqual([[0, T0 + 23, 21.5, S.VALID, -1]]);
    expect(time.pendingTimers()).toBe(1);
    // Next poll one period after the first; nobody answers: timeouts, retries, then a sample without a value.
    time.advance(977);
    expect(written.length).toBe(2);
    time.advance(5000);
    expect(samples()[1]).toEqual([0, expect.any(Number), null, S.COMMS_LOSS, -1]);
    expect(m.evaluate('uartBusTest.bus.rtu.h[' + H.TIMEOUTS + ']')).toBeGreaterThanOrEqual(3);
    expect(m.pins.writes.filter((w) => w.pin === 'D4' && w.value === 1).length).toBe(written.length);
    m.shutdown();
  });

  it('computes the DE hold time from the bus framing and baud', () => {
    const { m, time } = device(config({ direction: 'pin', dePin: 4, baud: 115200, parity: 'none' }));
    time.advance(5);
    const de = m.pins.writes.filter((w) => w.pin === 'D4');
    // 8 bytes x 10 bits / 115200 baud + the default 1000 us margin.
    expect(de[2].tMs - de[1].tMs).toBeCloseTo((8 * 10 * 1e6) / 115200 / 1000 + 1, 9);
    m.shutdown();
  });

  it('leaves direction to the transceiver in auto mode', () => {
    const { m, time, written } = device(config({}));
    time.advance(3000);
    expect(written.length).toBeGreaterThan(1);
    expect(m.pins.writes).toEqual([]);
    m.shutdown();
  });
});
