// `npm start` (host-sim/cli.ts) as a user runs it, in its own process against the built Storage files
// (dist/storage/): the firmware boots on the embedded default plan, reads the virtual plant, seals records that the
// CLI fetches over the console and verifies; the capture it writes verifies again here. Also: the scripted run
// stopped by SIGINT, the interactive console on a terminal (a pty) ended with Ctrl-C, and command-line mistakes.
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnOwned, killNow } from '../../host-sim/espruino-linux/launch';
import { openConsolePty, type ConsolePty } from '../../host-sim/espruino-linux/pty';
import { firmwareHashOf, firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { readCapture } from '../../host-sim/verifier/capture';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { toHex } from '../../protocol/bytes';
import { waitForText } from '../kit/wait-for-text';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'host-sim/cli.ts');
const START = '2026-09-01T09:50:00Z';
const HOUR = (h: number): number => Date.UTC(2026, 8, 1, h);
const dir = mkdtempSync(join(tmpdir(), 'cems-cli-'));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) await killNow(c);
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], stdio: ('pipe' | 'ignore' | number)[] = ['ignore', 'pipe', 'pipe']): Run {
  const proc = spawnOwned(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => void (out += d.toString('latin1')));
  proc.stderr!.on('data', (d: Buffer) => void (err += d.toString('latin1')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stdout: () => out, stderr: () => err, exit };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(what + ' after ' + ms + ' ms')), ms))]);
}

/** Readings rows: channel, printed value, status and the float32 bits the value came from. */
function readingRows(text: string): { channel: string; value: number; status: string; bits: string }[] {
  const rows: { channel: string; value: number; status: string; bits: string }[] = [];
  for (const m of text.matchAll(/^(\S+)\s+(-?\d+\.\d{3})\s+(\S+)\s+\S+\s+\d+\.\d\s+f32:([0-9a-f]{8})\r?$/gm)) {
    rows.push({ channel: m[1], value: Number(m[2]), status: m[3], bits: m[4] });
  }
  return rows;
}

describe('npm start without a terminal: the scripted run to one sealed hour', () => {
  const capture = join(dir, 'capture.json');
  const run = start(['--start', START, '--speed', '1200', '--capture', capture]);
  const done = withTimeout(run.exit, 90000, 'the CLI did not end');

  it('ends by itself with exit status 0', async () => {
    expect(await done).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('[virtual plant on Serial2: gm32@1 SICK_GM32, xstream@2 EMERSON_XSTREAM, stack@3 FLOAT32_BLOCK; ATECC608 on I2C1; time x1200 from 2026-09-01T09:50:00.000Z]');
    expect(run.stderr()).toContain('[running 71 simulated minutes to seal 1 hourly period(s)]');
    expect(run.stderr()).not.toContain('uncaught');
  }, 100000);

  it('shows the boot banner with the bundle hash and the embedded default plan, and `version` names the same hash', async () => {
    await done;
    const hash = firmwareHashOf(firmwareStorageFiles());
    const out = run.stdout();
    expect(out.startsWith('CEMS data-output module 0.1.0 bundle ' + hash.slice(0, 16) + '\r\nplan: embedded default\r\ncems> ')).toBe(true);
    expect(out).toContain('bundle-sha256 ' + hash + '\r\n');
    expect(out).toContain('interpreter Espruino 2v29 on ESP32 (target ESP32)');
  });

  it('reads every channel of the virtual plant as a valid value, printed as the float32 it was read as', async () => {
    await done;
    const out = run.stdout();
    expect(out).toContain('11 of 11 channels valid');
    const rows = readingRows(out);
    expect(rows.map((r) => r.channel)).toEqual(['so2', 'no', 'no2', 'co2', 'o2', 'co', 'velocity', 'temperature', 'static_pressure', 'moisture', 'dust']);
    for (const r of rows) {
      expect(r.status).toBe('VALID');
      // Espruino's toFixed truncates every digit but rounds the last, without carry (src/jsutils.c,
      // ftoa_bounded_extra): the text is within one unit of its last digit.
      const f = Buffer.from(r.bits, 'hex').readFloatBE(0);
      expect(Math.abs(f - r.value)).toBeLessThan(0.001);
    }
    const o2 = rows.find((r) => r.channel === 'o2')!.value;
    expect(o2).toBeGreaterThan(0);
    expect(o2).toBeLessThan(21);
    for (const d of ['gm32 slave 1 SICK_GM32', 'xstream slave 2 EMERSON_XSTREAM', 'stack slave 3 FLOAT32_BLOCK']) {
      expect(out).toMatch(new RegExp('device ' + d + ' state OK ok [1-9]\\d* timeouts 0 crc-errors 0 exceptions 0 invalid 0'));
    }
  });

  it('seals the 09:00 and 10:00 hours; the report and the capture verify, signed by the key the firmware names', async () => {
    await done;
    const out = run.stdout();
    expect(out).toMatch(/samples [1-9]\d* before-clock 0 periods 2 /);
    expect(out).toMatch(/dropped 0 failed 0 retries 0 sink-errors 0/);
    expect(out).toContain('[verifier] PASS: signatures, hash chain, sequence and schema verified');
    const kid = /signer ready kid ([0-9a-f]+)/.exec(out)![1];
    const reported = [...out.matchAll(/^ {2}seq +(\d+) +(\S+) +\d+ B {2}ES256 kid ([0-9a-f]+) {2}(.*)$/gm)];
    expect(reported.length).toBeGreaterThanOrEqual(4);
    for (const r of reported) expect([r[3], r[4]]).toEqual([kid, 'OK']);

    expect(existsSync(capture)).toBe(true);
    const c = readCapture(capture);
    expect(c.records).toHaveLength(reported.length);
    const report = verifyRecords(c.records, { keys: c.keys });
    expect(report.results.flatMap((r) => r.findings.filter((f) => f.severity === 'error'))).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.kid)).toEqual(c.records.map(() => kid));
    const payloads = c.records.map((b) => decodeRecordPayload(decodeCose(b, { requireTag: true }).payload));
    expect(payloads.map((p) => p.seq)).toEqual(payloads.map((_, i) => i));
    expect(payloads[0].event?.kind).toBe('reboot');
    const starts = [...new Set(payloads.filter((p) => p.period).map((p) => p.period!.startMs))];
    expect(starts).toEqual([HOUR(9), HOUR(10)]);
    const hash = firmwareHashOf(firmwareStorageFiles());
    for (const p of payloads) expect(toHex(p.device.firmwareHash)).toBe(hash);
  });
});

describe('npm start stopped by SIGINT', () => {
  it('stops at once, verifies the records fetched so far and exits with 130', async () => {
    const capture = join(dir, 'interrupted.json');
    // `version` runs at 10 simulated minutes, after the first fetch of records (5 minutes); the run would last 71.
    const run = start(['--start', START, '--speed', '300', '--at', '600', '--script', 'version', '--capture', capture]);
    await waitForText(run.stdout, /bundle-sha256 [0-9a-f]{64}/, 30000);
    const sentAt = Date.now();
    run.proc.kill('SIGINT');
    expect(await withTimeout(run.exit, 10000, 'no exit after SIGINT')).toEqual({ code: 130, signal: null });
    expect(Date.now() - sentAt).toBeLessThan(5000);
    const out = run.stdout();
    expect(out).toMatch(/\[stopped by SIGINT at 2026-09-01T10:[0-5]\d:/);
    expect(out).toMatch(/\[verifier\] \d+ records fetched over the console, seq 0\.\./);
    expect(out).toMatch(/^ {2}seq +0 +reboot .* OK$/m);
    expect(out).toContain('[verifier] PASS');
    expect(out).not.toContain('pipeline');
    expect(verifyRecords(readCapture(capture).records, { keys: readCapture(capture).keys }).ok).toBe(true);
  }, 60000);
});

describe('npm start on a terminal', () => {
  let pty: ConsolePty | null = null;
  afterAll(async () => {
    if (pty) await pty.close();
  });

  it('is the technician console at 10x: commands answer, Ctrl-C ends it with exit status 0', async () => {
    pty = await openConsolePty();
    const fd = openSync(pty.path, 'r+');
    const run = start([], [fd, fd, 'pipe']);
    closeSync(fd);
    let screen = '';
    pty.proc.stdout!.on('data', (d: Buffer) => void (screen += d.toString('latin1')));
    const type = (text: string): void => void pty!.proc.stdin!.write(text);
    await waitForText(() => screen, /plan: embedded default\r\ncems> /, 30000);
    expect(run.stderr()).toMatch(/time x10 from \d{4}-/);
    // The first poll cycle of all three analyzers takes a few simulated seconds.
    const t0 = Date.now();
    while (!/11 of 11 channels valid/.test(screen) && Date.now() - t0 < 20000) {
      type('readings\r');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(screen).toContain('11 of 11 channels valid');
    const mark = screen.length;
    type('time\r');
    await waitForText(() => screen.slice(mark), /time \d{4}-\d\d-\d\dT[\d:.]+Z\r\ncems> /, 10000);
    type('\x03');
    expect(await withTimeout(run.exit, 10000, 'no exit after Ctrl-C')).toEqual({ code: 0, signal: null });
    expect(screen).not.toMatch(/Uncaught|ERROR/);
  }, 60000);
});

describe('npm start with a mistake on the command line', () => {
  for (const [args, message] of [
    [['--speed', 'fast'], '--speed must be a positive number'],
    [['--hours', '1.5'], '--hours must be a whole number of hourly periods'],
    [['--start', '2026-09-01 09:50'], '--start must be a UTC time'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ] as [string[], string][]) {
    it(args.join(' ') + ': one line on stderr, exit status 2', async () => {
      const run = start(args);
      expect(await withTimeout(run.exit, 20000, 'no exit')).toEqual({ code: 2, signal: null });
      expect(run.stderr()).toMatch(/^npm start: /);
      expect(run.stderr()).toContain(message);
      expect(run.stderr().trim().split('\n')).toHaveLength(1);
      expect(run.stdout()).toBe('');
    });
  }
});
