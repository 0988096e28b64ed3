// `npm run sim -- plant --serial PATH` as a user runs it: the CLI in its own process on one end of a socat pty pair,
// an independent master on the other. pymodbus reads the GM32, X-STREAM and stack-gateway registers of the default
// configuration, decoded here with Node's own float reader; a raw master (frames built with the `crc` package) checks
// the plant clock at --speed 600 and how the analyzers frame requests that arrive split, stale or corrupted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import crc16modbus from 'crc/crc16modbus';
import { closePort, openPort } from '../../host-sim/modbus/serial';
import { PtyPair, openPtyPair, requirePeers, runPython, stop } from './modbus/pty';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'host-sim/sim-cli.ts');
const CLIENT = join(__dirname, 'modbus/client.py');
const LINE = { baud: 9600, dataBits: 8, parity: 'none' as const, stopBits: 1 };
/** Load factor 1 at 09:00 UTC: every value sits at its plant mean (give or take drift and noise). */
const START = '2026-09-01T09:00:00Z';

function cli(args: string[]): string[] {
  return ['--import', 'tsx', CLI, ...args];
}

interface Plant {
  proc: ChildProcess;
  ready: string;
  readyAt: number;
  output(): string;
}

const running: ChildProcess[] = [];

/** Starts the CLI and resolves on its ready line. */
function startPlant(args: string[]): Promise<Plant> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, cli(['plant', ...args]), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(proc);
    let out = '';
    const timer = setTimeout(() => reject(new Error('no ready line in 20 s: ' + out)), 20000);
    proc.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /^plant: serving .*$/m.exec(out);
      if (ready) {
        clearTimeout(timer);
        resolve({ proc, ready: ready[0], readyAt: Date.now(), output: () => out });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('plant exited with ' + code + ' before serving: ' + out));
    });
  });
}

/** SIGTERM, as Ctrl-C would; returns the exit code and everything printed. */
async function stopPlant(p: Plant): Promise<{ code: number | null; output: string }> {
  const exited = new Promise<number | null>((resolve) => p.proc.once('exit', (code) => resolve(code)));
  p.proc.kill('SIGTERM');
  return { code: await exited, output: p.output() };
}

function float32(words: number[], at: number): number {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(words[at], 0);
  b.writeUInt16BE(words[at + 1], 2);
  return b.readFloatBE(0);
}

/** A request frame built without the product's codec. */
function frame(bytes: number[]): Buffer {
  const b = Buffer.alloc(bytes.length + 2);
  Buffer.from(bytes).copy(b);
  b.writeUInt16LE(crc16modbus(b.subarray(0, bytes.length)), bytes.length);
  return b;
}

function readInput(slave: number, address: number, count: number): Buffer {
  return frame([slave, 4, address >> 8, address & 255, count >> 8, count & 255]);
}

/** A master without the product's code: writes bytes, collects one whole, CRC-checked answer (null: none in time). */
class RawMaster {
  private rx = Buffer.alloc(0);
  constructor(private readonly port: SerialPort) {
    port.on('data', (d: Buffer) => void (this.rx = Buffer.concat([this.rx, d])));
  }
  write(bytes: Buffer): void {
    this.port.write(bytes);
  }
  async answer(timeoutMs: number): Promise<Buffer | null> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const r = this.rx;
      const len = r.length >= 3 ? (r[1] & 0x80 ? 5 : 5 + r[2]) : Infinity;
      if (r.length >= len) {
        this.rx = Buffer.alloc(0);
        expect(r.length, 'nothing after the answer').toBe(len);
        expect(r.readUInt16LE(len - 2), 'answer CRC').toBe(crc16modbus(r.subarray(0, len - 2)));
        return r;
      }
      await sleep(2);
    }
    this.rx = Buffer.alloc(0);
    return null;
  }
  /** Register words of a read answer. */
  static words(r: Buffer): number[] {
    return Array.from({ length: r[2] / 2 }, (_, i) => r.readUInt16BE(3 + 2 * i));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pty: PtyPair | undefined;

describe('npm run sim -- plant: the default plant on a serial device', () => {
  beforeAll(async () => {
    requirePeers();
    pty = await openPtyPair();
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => stop(p)));
    await stop(pty?.proc);
  });

  it('--help prints the usage; a bad option, a missing or unopenable port print one line saying what to do, exit 2', () => {
    const run = (args: string[]) => spawnSync(process.execPath, cli(args), { cwd: ROOT, encoding: 'utf8', timeout: 30000 });
    const help = run(['plant', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run sim -- plant --serial PATH/);
    for (const option of ['--serial', '--baud', '--line', '--seed', '--start', '--speed', '--faults', '--quiet']) {
      expect(help.stdout).toContain(option);
    }
    const cases: [string[], RegExp][] = [
      [['plant', '--serial', pty!.a, '--bogus'], /^sim plant: unknown option '--bogus' \(npm run sim -- plant --help lists the options\)\n$/],
      [['plant'], /^sim plant: --serial PATH is required: one end of `socat -d -d pty,raw,echo=0 pty,raw,echo=0`, or an adapter such as \/dev\/ttyUSB0\n$/],
      [['plant', '--serial', '/dev/pts/no-such-pty'], /^sim plant: cannot open \/dev\/pts\/no-such-pty \(No such file or directory\): pass a serial device: a PTY that `socat -d -d pty,raw,echo=0 pty,raw,echo=0` reports, or an adapter such as \/dev\/ttyUSB0\n$/],
      [['plant', '--serial', pty!.a, '--speed', 'fast'], /^sim plant: --speed fast: must be a positive number/],
      [['plant', '--serial', pty!.a, '--start', 'noon'], /^sim plant: --start noon: must be an ISO 8601 time/],
      [['bogus'], /^sim: unknown command bogus/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.split('\n').length, 'one line').toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('pymodbus reads the GM32, X-STREAM and stack gateway at their slave addresses: plausible values, status words, exceptions', async () => {
    const plant = await startPlant(['--serial', pty!.a, '--start', START, '--quiet']);
    expect(plant.ready).toBe('plant: serving slaves 1,2,3 (gm32, xstream, stack) on ' + pty!.a + ' 9600 8N1; clock ' + START + ' x1, seed 1, faults none');
    const dir = mkdtempSync(join(tmpdir(), 'plant-serial-'));
    const ask = async (slave: number, reqs: object[]) => {
      const file = join(dir, 'req-' + slave + '.json');
      writeFileSync(file, JSON.stringify(reqs));
      return JSON.parse(await runPython([CLIENT, pty!.b, String(slave), file], 30000));
    };
    // GM32: components 1..3 (SO2, NO, NO2 in ppm), 17 input registers each from 5000, status word at +2.
    const gm32 = await ask(1, [
      { fn: 'ir', address: 5000, count: 37 },
      { fn: 'ir', address: 6000, count: 2 },
    ]);
    const g: number[] = gm32[0].registers;
    expect(g).toHaveLength(37);
    expect(float32(g, 0)).toBeGreaterThan(80);
    expect(float32(g, 0)).toBeLessThan(120);
    expect(float32(g, 17)).toBeGreaterThan(120);
    expect(float32(g, 17)).toBeLessThan(180);
    expect(float32(g, 34)).toBeGreaterThan(8);
    expect(float32(g, 34)).toBeLessThan(12);
    expect([g[2], g[19], g[36]], 'GM32 status words: measuring').toEqual([0, 0, 0]);
    expect(gm32[1]).toEqual({ exception: 2 });
    // X-STREAM: Modicon holding 6045.. (PDU 6044): CO2 %, O2 %, CO ppm.
    const xs = await ask(2, [{ fn: 'hr', address: 6044, count: 6 }]);
    const x: number[] = xs[0].registers;
    expect(float32(x, 0)).toBeGreaterThan(8.5);
    expect(float32(x, 0)).toBeLessThan(11.5);
    expect(float32(x, 2)).toBeGreaterThan(6.8);
    expect(float32(x, 2)).toBeLessThan(9.2);
    expect(float32(x, 4)).toBeGreaterThan(14);
    expect(float32(x, 4)).toBeLessThan(26);
    // Stack gateway: input 0..9 velocity, temperature, static pressure, moisture, dust; status word at 32.
    const st = await ask(3, [
      { fn: 'ir', address: 0, count: 33 },
      { fn: 'hr', address: 0, count: 1 },
    ]);
    const s: number[] = st[0].registers;
    const stack = [0, 2, 4, 6, 8].map((i) => float32(s, i));
    expect(stack[0]).toBeGreaterThan(12.5);
    expect(stack[0]).toBeLessThan(17.5);
    expect(stack[1]).toBeGreaterThan(120);
    expect(stack[1]).toBeLessThan(160);
    expect(stack[2]).toBeGreaterThan(-600);
    expect(stack[2]).toBeLessThan(-400);
    expect(stack[3]).toBeGreaterThan(10);
    expect(stack[3]).toBeLessThan(14);
    expect(stack[4]).toBeGreaterThan(6);
    expect(stack[4]).toBeLessThan(10);
    expect(s[32], 'stack status word: measuring').toBe(0);
    expect(st[1]).toEqual({ exception: 2 });

    const { code, output } = await stopPlant(plant);
    expect(code).toBe(0);
    expect(output).toContain('plant: slave 1 gm32: 2 requests, 1 exceptions, 0 CRC errors\n');
    expect(output).toContain('plant: slave 2 xstream: 1 requests, 0 exceptions, 0 CRC errors\n');
    expect(output).toContain('plant: slave 3 stack: 2 requests, 1 exceptions, 0 CRC errors\n');
    expect(output).toContain('injected faults: none\n');
  });

  it('--speed 600: the plant clock runs 600x (GM32 check cycle one plant hour after start); split, stale and corrupted requests framed as a slave does', async () => {
    const plant = await startPlant(['--serial', pty!.a, '--start', START, '--speed', '600', '--quiet']);
    const port = await openPort(pty!.b, LINE);
    try {
      const m = new RawMaster(port);
      m.write(readInput(1, 5000, 3));
      const measuring = RawMaster.words((await m.answer(1000))!);
      expect(measuring[2], 'status word while measuring').toBe(0);
      expect(float32(measuring, 0)).toBeGreaterThan(80);

      // At 600x, 3 ms of real time between two pieces of one request is 1.8 s of plant time: still one request.
      const req = readInput(3, 32, 1);
      m.write(req.subarray(0, 3));
      await sleep(3);
      m.write(req.subarray(3));
      expect(RawMaster.words((await m.answer(1000))!)).toEqual([0]);

      // The start of a long write request, then a pause on the line: the analyzer forgets it, the next request is served.
      m.write(Buffer.from([1, 0x10, 0x13, 0x88, 0x00, 0x7b, 0xf6]));
      await sleep(100);
      m.write(readInput(1, 5002, 1));
      expect(RawMaster.words((await m.answer(1000))!)).toEqual([0]);

      // A request with a bad CRC gets no answer and is counted.
      const bad = readInput(1, 5000, 2);
      bad[bad.length - 1] ^= 0x55;
      m.write(bad);
      expect(await m.answer(300)).toBeNull();

      // Power-on was one plant hour before start; the GM32's first check cycle (zero, then span, 5 min each) begins two
      // hours after power-on: 6 s to 7 s of real time at 600x.
      await sleep(plant.readyAt + 6500 - Date.now());
      m.write(readInput(1, 5000, 3));
      const checking = RawMaster.words((await m.answer(1000))!);
      expect(checking[2], 'status word: check cycle').toBe(1 << 8);
      const so2 = float32(checking, 0);
      expect(Math.abs(so2 - 0.2) < 1 || Math.abs(so2 - 400) < 5, 'zero or span gas: ' + so2).toBe(true);
    } finally {
      await closePort(port);
    }
    const { code, output } = await stopPlant(plant);
    expect(code).toBe(0);
    const t = /stopped after ([\d.]+) s, plant time (\S+) to (\S+)/.exec(output)!;
    expect(t[2]).toBe(START);
    expect((Date.parse(t[3]) - Date.parse(t[2])) / 1000 / Number(t[1])).toBeCloseTo(600, -1.5);
    expect(output).toContain('plant: slave 1 gm32: 3 requests, 0 exceptions, 1 CRC errors\n');
    expect(output).toContain('plant: slave 2 xstream: 0 requests, 0 exceptions, 0 CRC errors\n');
    expect(output).toContain('plant: slave 3 stack: 1 requests, 0 exceptions, 0 CRC errors\n');
  });
});
