// Interop over a socat pseudo-terminal pair: (a) the device's Modbus runtime (in Node via `serialport`, on a plan
// compiled from a configuration) against an independent pymodbus slave whose register map is built by pymodbus's own
// payload builder, values compared bit for bit, and the codec's write requests stored by that slave; (b) our virtual
// analyzers served on a pty and read by pymodbus's serial client.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { SerialPort } from 'serialport';
import type { Sample } from '../../protocol/sample';
import type { ModbusConfig } from '../../protocol/modbus/config';
import { ModbusRequest, encodeRequest, readRequest } from '../../protocol/modbus/codec';
import type { RegisterDef } from '../../protocol/modbus/profile';
import { getBit, ValueType, WordOrder } from '../../protocol/modbus/registers';
import { C } from '../../protocol/modbus/rtu-master';
import { VirtualAnalyzer, defaultSchedule, modelFor } from '../../host-sim/modbus/analyzer';
import { compileRtuPlan } from '../../host-sim/modbus/rtu-host';
import { closePort, openPort, openSerialPoller, serveAnalyzers } from '../../host-sim/modbus/serial';
import {
  ModbusResponse,
  decodeResponse,
  expectedResponseLength,
  writeCoilRequest,
  writeCoilsRequest,
  writeRegisterRequest,
  writeRegistersRequest,
} from '../kit/modbus-codec';
import { PtyPair, openPtyPair, requirePeers, runPython, startPython, stop } from './modbus/pty';

const HERE = join(__dirname, 'modbus');
const LINE = { baud: 9600, dataBits: 8, parity: 'none' as const, stopBits: 1 };

interface Entry {
  table: 'hr' | 'ir';
  address: number;
  type: ValueType;
  order: WordOrder;
  bits?: string;
  int?: number;
}

const ENTRIES: Entry[] = [
  { table: 'hr', address: 0, type: 'float32', order: 'ABCD', bits: '42f6e979' },
  { table: 'hr', address: 2, type: 'float32', order: 'CDAB', bits: 'c2f6e979' },
  { table: 'hr', address: 4, type: 'float32', order: 'BADC', bits: '3f9e0419' },
  { table: 'hr', address: 6, type: 'float32', order: 'DCBA', bits: '7f7fffff' },
  { table: 'hr', address: 8, type: 'float32', order: 'CDAB', bits: '00000001' },
  { table: 'hr', address: 10, type: 'int32', order: 'ABCD', int: -123456789 },
  { table: 'hr', address: 12, type: 'int32', order: 'CDAB', int: 2147483647 },
  { table: 'hr', address: 14, type: 'int32', order: 'DCBA', int: -2 },
  { table: 'hr', address: 16, type: 'uint32', order: 'CDAB', int: 4000000000 },
  { table: 'hr', address: 18, type: 'int16', order: 'ABCD', int: -12345 },
  { table: 'hr', address: 19, type: 'uint16', order: 'BADC', int: 0xbeef },
  { table: 'hr', address: 20, type: 'float64', order: 'ABCD', bits: '400921fb54442d18' },
  { table: 'hr', address: 24, type: 'float64', order: 'CDAB', bits: '3fb999999999999a' },
  { table: 'hr', address: 28, type: 'float64', order: 'DCBA', bits: 'c0fe240c9fbe76c9' },
  { table: 'ir', address: 0, type: 'float32', order: 'CDAB', bits: '41ab3333' },
  { table: 'ir', address: 2, type: 'int32', order: 'BADC', int: 0x12345678 },
  { table: 'ir', address: 4, type: 'float32', order: 'ABCD', bits: 'bf800000' },
  { table: 'ir', address: 6, type: 'float64', order: 'BADC', bits: '7fefffffffffffff' },
];
const COILS = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0];
const DISCRETES = [0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1];

function bitsOf(value: number, type: ValueType): string {
  const b = Buffer.alloc(8);
  if (type === 'float32') {
    b.writeFloatBE(value);
    return b.subarray(0, 4).toString('hex');
  }
  b.writeDoubleBE(value);
  return b.toString('hex');
}

/**
 * One request at a time over a serial port: the response is complete at the length the request calls for (5 bytes
 * for an exception), then checked (CRC) and parsed against the request, which throws on anything else.
 */
class PortClient {
  private rx: number[] = [];
  constructor(private readonly port: SerialPort) {
    port.on('data', (d: Buffer) => this.rx.push(...d));
  }
  async run(req: ModbusRequest): Promise<ModbusResponse> {
    this.rx = [];
    this.port.write(Buffer.from(encodeRequest(req)));
    const deadline = Date.now() + 2000;
    for (;;) {
      const want = this.rx.length >= 2 && this.rx[1] & 0x80 ? 5 : expectedResponseLength(req);
      if (this.rx.length >= want) return decodeResponse(new Uint8Array(this.rx.slice(0, want)), req);
      if (Date.now() > deadline) throw new Error('function ' + req.fc + ': ' + this.rx.length + ' of ' + want + ' response bytes');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

let version = '';
let pty: PtyPair | undefined;
let peer: ChildProcess | undefined;

describe('Modbus interop with pymodbus over a socat pty pair', () => {
  beforeAll(async () => {
    version = requirePeers();
    pty = await openPtyPair();
  });

  afterAll(async () => {
    await stop(peer);
    await stop(pty?.proc);
  });

  it('(a) reads float32/float64/int32/int16 values in all word orders from a pymodbus slave, bit-exactly', async () => {
    expect(version).toMatch(/^\d/);
    const dir = mkdtempSync(join(tmpdir(), 'modbus-interop-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ slave: 7, registers: ENTRIES, coils: COILS, discretes: DISCRETES }));
    peer = await startPython([join(HERE, 'slave.py'), pty!.a, spec]);

    const registers: RegisterDef[] = ENTRIES.map((e, i) => ({
      name: 'r' + i,
      table: e.table === 'hr' ? 'holding' : 'input',
      address: e.address,
      type: e.type,
      wordOrder: e.order,
    }));
    registers.push({ name: 'coil0', table: 'coil', address: 0, type: 'bit' });
    registers.push({ name: 'coil3', table: 'coil', address: 3, type: 'bit' });
    registers.push({ name: 'coil9', table: 'coil', address: 9, type: 'bit' });
    registers.push({ name: 'di4', table: 'discrete', address: 4, type: 'bit' });
    registers.push({ name: 'di12', table: 'discrete', address: 12, type: 'bit' });
    const config: ModbusConfig = {
      buses: [{ id: 'pty', path: pty!.b, baud: 9600, responseTimeoutMs: 1500, silenceTimeoutMs: 200, retries: 2 }],
      devices: [
        {
          id: 'pymodbus',
          bus: 'pty',
          address: 7,
          registers,
          channels: registers.map((r) => ({ id: r.name, register: r.name, periodMs: 60000 })),
        },
      ],
    };
    const plan = compileRtuPlan(config);
    expect(plan.channel.length).toBe(registers.length);
    const samples: Sample[] = [];
    const sp = await openSerialPoller(plan, 0, (s) => samples.push(s));
    const deadline = Date.now() + 15000;
    while (samples.length < registers.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const c = sp.rtu.c;
    await sp.close();

    expect(samples.length, 'bus counters ' + Array.from(c).join(',')).toBe(registers.length);
    const by: { [id: string]: Sample } = {};
    for (const s of samples) by[s.channel] = s;
    ENTRIES.forEach((e, i) => {
      const s = by['r' + i];
      expect(s.valid, 'r' + i + ' ' + JSON.stringify(s)).toBe(true);
      if (e.bits !== undefined) {
        expect(bitsOf(s.value, e.type), e.type + ' ' + e.order + ' @' + e.table + e.address).toBe(e.bits);
        if (e.type === 'float32') expect(Math.fround(s.value)).toBe(s.value);
      } else {
        expect(s.value, e.type + ' ' + e.order).toBe(e.int);
      }
    });
    expect([by.coil0.value, by.coil3.value, by.coil9.value, by.di4.value, by.di12.value]).toEqual([1, 1, 0, 1, 1]);
    expect(c[C.CRC_ERRORS] + c[C.TIMEOUTS]).toBe(0);
    // One read per table: holding 0..35, input 0..9, coils 0..9, discrete inputs 4..12.
    expect(c[C.SENT]).toBe(4);
  });

  it('(a) writes with FC05/06/15/16 are stored by pymodbus and read back; exceptions come back as such', async () => {
    const port = await openPort(pty!.b, LINE);
    try {
      const m = new PortClient(port);
      expect((await m.run(writeRegisterRequest(7, 100, 0xa5a5))).exception).toBe(0);
      expect((await m.run(writeRegistersRequest(7, 101, [1, 2, 0xffff]))).exception).toBe(0);
      const regs = await m.run(readRequest(7, 3, 100, 4));
      expect(regs.exception).toBe(0);
      expect(Buffer.from(regs.data!).toString('hex')).toBe('a5a500010002ffff');
      expect((await m.run(writeCoilRequest(7, 50, true))).exception).toBe(0);
      expect((await m.run(writeCoilsRequest(7, 60, [1, 1, 0, 1, 0, 0, 0, 1, 1]))).exception).toBe(0);
      const coils = await m.run(readRequest(7, 1, 50, 20));
      expect(coils.exception).toBe(0);
      const bits: number[] = [];
      for (let i = 0; i < 20; i++) bits.push(getBit(coils.data!, i));
      expect(bits.join('')).toBe('1000000000' + '1101000110');
      expect((await m.run(readRequest(7, 3, 250, 10))).exception).toBe(2);
    } finally {
      await closePort(port);
      await stop(peer);
      peer = undefined;
    }
  });

  it('(b) pymodbus reads the virtual GM32 and T100 analyzers: registers, status bits and exceptions as served', async () => {
    const t = Date.UTC(2026, 0, 15, 12);
    const schedule = { ...defaultSchedule(), calOffsetMs: 0, calPeriodMs: 0 };
    const gm32 = new VirtualAnalyzer({ address: 1, model: modelFor('SICK_GM32'), schedule, seed: 9, powerOnMs: t - 3600000 });
    const t100 = new VirtualAnalyzer({ address: 3, model: modelFor('TELEDYNE_T'), schedule, seed: 10, powerOnMs: t - 3600000 });
    gm32.update(t);
    t100.update(t);
    const server = await serveAnalyzers(pty!.a, [gm32, t100], { line: LINE, live: false, latencyMs: 5 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'modbus-interop-'));
      const ask = async (slave: number, reqs: object[]) => {
        const file = join(dir, 'req-' + slave + '.json');
        writeFileSync(file, JSON.stringify(reqs));
        return JSON.parse(await runPython([join(HERE, 'client.py'), pty!.b, String(slave), file], 30000));
      };
      const g = await ask(1, [
        { fn: 'ir', address: 5000, count: 37 },
        { fn: 'ir', address: 5017, count: 17 },
        { fn: 'ir', address: 6000, count: 2 },
      ]);
      const words = (a: VirtualAnalyzer, fc: number, addr: number, n: number) => {
        const b = a.registerBytes(fc, addr, n);
        return Array.from({ length: n }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
      };
      expect(g[0]).toEqual({ registers: words(gm32, 4, 5000, 37) });
      expect(g[1]).toEqual({ registers: words(gm32, 4, 5017, 17) });
      expect(g[2]).toEqual({ exception: 2 });
      // The float32 words pymodbus received decode to exactly what the analyzer holds.
      const so2 = Buffer.from(Uint16Array.from(g[0].registers.slice(0, 2)).reverse().buffer).readFloatLE(0);
      expect(so2).toBe(gm32.current.c1);
      expect(so2).toBeGreaterThan(0);

      const d = await ask(3, [
        { fn: 'di', address: 0, count: 25 },
        { fn: 'ir', address: 34, count: 14 },
        { fn: 'hr', address: 0, count: 1 },
      ]);
      const want: number[] = [];
      for (let i = 0; i < 25; i++) want.push((t100.nativeStatus.warnings >>> i) & 1);
      expect(d[0]).toEqual({ bits: want });
      expect(d[0].bits[19]).toBe(1);
      expect(d[1]).toEqual({ registers: words(t100, 4, 34, 14) });
      expect(d[2]).toEqual({ exception: 2 });
      expect(gm32.slave.counters.crcRejects + t100.slave.counters.crcRejects).toBe(0);
    } finally {
      await server.close();
    }
  });
});
