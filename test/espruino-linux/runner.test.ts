// The runner for the real Espruino Linux interpreter (host-sim/espruino-linux), proved on small hand-written Storage
// sets: binary-exact Storage install and read-back, device-like boot with a console, power cut and reboot, the memory
// probe, accelerated time, and serial ports opened by pty path. Without the interpreter every test fails with the
// build instructions.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReadStream } from 'node:tty';
import { EspruinoBuild, HOW_TO_GET_ESPRUINO, POOL_VARIABLES } from '../../host-sim/espruino-linux/binaries';
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import { PtyPair, openPtyPair } from '../../host-sim/espruino-linux/pty';
import { runScript } from '../../host-sim/espruino-linux/script';
import { installStorage, installStorageDir, readStorage } from '../../host-sim/espruino-linux/storage';

const BUILDS: EspruinoBuild[] = ['resizable', 'pool16k', 'pool8k'];

const devices: LinuxDevice[] = [];
const pairs: PtyPair[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const device of devices.splice(0)) await device.close();
  for (const pair of pairs.splice(0)) await pair.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'espruino-runner-test-'));
  dirs.push(dir);
  return dir;
}

async function boot(options: Parameters<typeof LinuxDevice.start>[0]): Promise<LinuxDevice> {
  const device = await LinuxDevice.start(options);
  devices.push(device);
  return device;
}

/** A process that is gone or a zombie (killed, not yet reaped by whoever inherited it) is not alive. */
function isAlive(pid: number): boolean {
  try {
    return readFileSync('/proc/' + pid + '/stat', 'latin1').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}

/** 3 KB in which every byte value occurs 12 times, in an order that is not a plain ramp. */
function everyByteValue(): Uint8Array {
  const bytes = new Uint8Array(3072);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

describe('Storage install and read-back', () => {
  it.each(BUILDS)('%s: a 3 KB file with all 256 byte values comes back byte for byte', async (build) => {
    const dir = tempDir();
    const bytes = everyByteValue();
    await installStorage(build, dir, { 'all-bytes.bin': bytes, '.bootcde': 'print("x")' });
    const back = await readStorage(build, dir, ['all-bytes.bin', '.bootcde', 'absent']);
    expect(Buffer.from(back['all-bytes.bin']!).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(back['.bootcde']!).toString()).toBe('print("x")');
    expect(back.absent).toBeUndefined();
  });

  it('installs a directory, one Storage file per file, and a reinstall starts from a fresh flash', async () => {
    const src = tempDir();
    writeFileSync(join(src, '.bootcde'), 'print(1)');
    writeFileSync(join(src, 'config.json'), '{"a":1}');
    const dir = tempDir();
    await installStorage('pool16k', dir, { stale: 'from an earlier install' });
    await installStorageDir('pool16k', dir, src);
    const back = await readStorage('pool16k', dir, ['.bootcde', 'config.json', 'stale']);
    expect(Buffer.from(back['config.json']!).toString()).toBe('{"a":1}');
    expect(back.stale).toBeUndefined();
  });

  it('refuses names Espruino would truncate and empty files', async () => {
    const dir = tempDir();
    await expect(installStorage('resizable', dir, { ['n'.repeat(29)]: 'x' })).rejects.toThrow(/1 to 28/);
    await expect(installStorage('resizable', dir, { empty: '' })).rejects.toThrow(/empty file/);
  });
});

describe('runScript', () => {
  it('returns the output without banner and prompts, and rejects an uncaught exception', async () => {
    const cwd = tempDir();
    const code = 'print("a");setTimeout(function(){print("b");},10);';
    expect(await runScript('pool8k', code, { cwd, timeoutMs: 5000 })).toBe('a\nb\n');
    await expect(runScript('pool8k', 'throw new Error("boom")', { cwd, timeoutMs: 5000 })).rejects.toThrow(/boom/);
    await expect(runScript('pool8k', 'setInterval(print,1000)', { cwd, timeoutMs: 300 })).rejects.toThrow(/300 ms/);
  });
});

describe('LinuxDevice', () => {
  it.each(BUILDS)('%s: runs .bootcde from Storage and answers a console line', async (build) => {
    const device = await boot({
      build,
      files: { '.bootcde': 'print("BOOTED from flash");global.ask=function(x){print("ANSWER "+(x*2));};' },
    });
    await device.waitFor('BOOTED from flash', 5000);
    const answer = await device.command('ask(21)', /ANSWER (\d+)\r\n/, 5000);
    expect(answer[1]).toBe('42');
    expect(answer.index).toBeGreaterThan(device.transcript().indexOf('BOOTED'));
  });

  it('a power cut keeps what reached Storage, and the reboot sees it; no interpreter is left behind', async () => {
    const device = await boot({
      build: 'pool16k',
      files: {
        '.bootcde':
          'var St=require("Storage"),n=(St.readJSON("boots",1)||0)+1;St.writeJSON("boots",n);' +
          'print("BOOT "+n+" saw "+St.read("before"));' +
          'if(n===1){St.write("before","written before the cut");print("WROTE");' +
          'setInterval(function(){print("alive");},50);}',
      },
    });
    await device.waitFor('BOOT 1 saw undefined', 5000);
    await device.waitFor(/WROTE[\s\S]*alive/, 5000);
    const pid = device.pid!;
    await device.powerCut();
    expect(device.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(pid)).toBe(false);
    await expect(device.waitFor('never printed', 5000)).rejects.toThrow(/exited/);

    const stored = await readStorage('pool16k', device.workDir, ['before', 'boots']);
    expect(Buffer.from(stored.before!).toString()).toBe('written before the cut');
    expect(Buffer.from(stored.boots!).toString()).toBe('1');

    await device.reboot();
    await device.waitFor('BOOT 2 saw written before the cut', 5000);
    expect(device.transcript().slice(device.bootIndex)).not.toContain('WROTE');
    expect(device.transcript()).not.toContain('\x00');
    const second = device.pid!;
    await device.close();
    expect(isAlive(second)).toBe(false);
  });

  it.each(BUILDS)('%s: the memory probe reports usage at fixed times, periodically and on request', async (build) => {
    const device = await boot({
      build,
      files: { '.bootcde': 'var kept=[];for(var i=0;i<50;i++)kept.push("item "+i);print("APP UP");' },
      probe: { everyMs: 2000 },
      faketime: 20,
    });
    await device.waitFor(/PROBE t=12\d{3} [^\n]*\n/, 10000);
    const samples = device.probes();
    expect(samples[0]).toMatchObject({ boot: true, t: 0 });
    const timed = samples.slice(1);
    const due = [200, 1000, 3000, 8000, 10000, 12000];
    expect(timed.length).toBe(due.length);
    // Timers fire on time or a little late (boot work, and the 50 ms console poll under faketime).
    timed.forEach((s, i) => expect(s.t - due[i]).toBeGreaterThanOrEqual(0));
    timed.forEach((s, i) => expect(s.t - due[i]).toBeLessThan(500));
    for (const s of samples) {
      expect(s.used).toBeGreaterThan(0);
      expect(s.used + s.free).toBe(s.total);
      if (build !== 'resizable') expect(s.total).toBe(POOL_VARIABLES[build]);
      expect(s.flags).toEqual([]);
    }
    // The app's 50 strings are held: usage after boot exceeds the probe's own footprint at .boot0.
    expect(timed[0].used).toBeGreaterThan(samples[0].used + 50);
    const now = await device.memory();
    expect(now).toMatchObject({ boot: false, request: 1, total: samples[0].total });
  });

  it('the probe reports the error flags of memory exhaustion (pool8k)', async () => {
    const device = await boot({
      build: 'pool8k',
      files: { '.bootcde': 'setTimeout(function(){var a=[];for(;;)a.push("x"+a.length);},100);' },
      probe: true,
    });
    await device.waitFor(/PROBE t=1\d{3} .*flags \S*MEMORY/, 10000);
    const last = device.probes().pop()!;
    expect(last.flags).toContain('MEMORY');
    expect(last.used).toBeLessThan(last.total / 2);
  });

  it('faketime: a 2 s interval runs 30 times in well under 2 s of real time', async () => {
    const started = Date.now();
    const device = await boot({
      build: 'resizable',
      files: {
        '.bootcde':
          'var t0=getTime(),d0=Date.now(),n=0,iv=setInterval(function(){if(++n===30){clearInterval(iv);' +
          'print("DONE "+(getTime()-t0).toFixed(1)+" "+((Date.now()-d0)/1000).toFixed(1));}},2000);',
      },
      faketime: 100,
    });
    const done = await device.waitFor(/DONE (\S+) (\S+)\r\n/, 10000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(Number(done[1])).toBeCloseTo(60, 0);
    expect(Number(done[2])).toBeCloseTo(60, 0);
  });

  it('serial ports opened by pty path carry every byte value both ways', async () => {
    const line1 = await openPtyPair();
    pairs.push(line1);
    const line2 = await openPtyPair();
    pairs.push(line2);
    const device = await boot({
      build: 'pool8k',
      files: {
        '.bootcde':
          'Serial1.setup(9600,{path:' + JSON.stringify(line1.b) + '});' +
          'Serial2.setup(115200,{path:' + JSON.stringify(line2.b) + '});' +
          'Serial1.on("data",function(d){Serial1.write(d);});' +
          'Serial2.on("data",function(d){Serial2.write(d);});print("SERIAL UP");',
      },
    });
    await device.waitFor('SERIAL UP', 5000);
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    for (const line of [line1, line2]) expect((await echo(line.a, bytes)).equals(bytes)).toBe(true);
  });

  it('the interpreter and socat die with the Node process that started them, even by SIGKILL', async () => {
    const dir = tempDir();
    const script = join(dir, 'orphan.mts');
    writeFileSync(
      script,
      'import { LinuxDevice } from ' + JSON.stringify(resolve('host-sim/espruino-linux/device.ts')) + ';\n' +
        'const d = await LinuxDevice.start({ build: "pool8k", workDir: ' + JSON.stringify(join(dir, 'flash')) +
        ', files: { ".bootcde": "print(\\"UP\\")" } });\n' +
        'await d.waitFor("UP", 5000);\n' +
        'console.log("PIDS " + d.pid + " " + process.pid);\n' +
        'setInterval(() => {}, 1000);\n',
    );
    const node = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    node.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    const deadline = Date.now() + 20000;
    while (!/PIDS \d+/.test(out) && node.exitCode === null && Date.now() < deadline) await sleep(20);
    const interpreter = Number(/PIDS (\d+)/.exec(out)?.[1]);
    expect(isAlive(interpreter)).toBe(true);
    const socats = childrenOf(node.pid!, 'socat');
    expect(socats.length).toBe(1);
    node.kill('SIGKILL');
    await new Promise((done) => node.once('exit', done));
    await sleep(300);
    expect(isAlive(interpreter)).toBe(false);
    for (const pid of socats) expect(isAlive(pid)).toBe(false);
  });

  it('fails with the build instructions when the interpreter is missing', async () => {
    const saved = process.env.ESPRUINO_BIN;
    process.env.ESPRUINO_BIN = tempDir();
    try {
      await expect(LinuxDevice.start({ build: 'pool16k', files: { '.bootcde': '1' } })).rejects.toThrow(
        HOW_TO_GET_ESPRUINO,
      );
    } finally {
      if (saved === undefined) delete process.env.ESPRUINO_BIN;
      else process.env.ESPRUINO_BIN = saved;
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** PIDs of the processes named `command` whose parent is `pid` (from /proc). */
function childrenOf(pid: number, command: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync('/proc/' + name + '/stat', 'latin1');
        return stat.startsWith(name + ' (' + command + ') ') && Number(stat.split(') ')[1].split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Writes `bytes` into a pty and collects as many bytes coming back (or what came within 5 s). */
async function echo(path: string, bytes: Buffer): Promise<Buffer> {
  const input = new ReadStream(openSync(path, 'r+'));
  const output = openSync(path, 'r+');
  const chunks: Buffer[] = [];
  try {
    const all = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      input.on('data', (d: Buffer) => {
        chunks.push(d);
        if (Buffer.concat(chunks).length >= bytes.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    writeSync(output, bytes);
    await all;
    return Buffer.concat(chunks);
  } finally {
    input.destroy();
    closeSync(output);
  }
}
