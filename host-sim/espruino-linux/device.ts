// A device-like boot of the real interpreter: the build starts with no script argument in a directory whose
// espruino.flash holds the Storage files, so `.boot0`… and `.bootcde` run from flash as on the ESP32. Its console
// (the `USB` device on this build) is a socat pty whose other side is this object: raw bytes both ways, output
// unbuffered. The interpreter is this process's own child (setpriv execs it), so the PID killed is the
// interpreter's, and it cannot outlive this process (launch.ts).
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspruinoBuild, espruinoBinary } from './binaries';
import { killNow, spawnInterpreter } from './launch';
import { PROBE_FILE, PROBE_FUNCTION, ProbeOptions, ProbeSample, parseProbes, probeBoot0 } from './probe';
import { ConsolePty, openConsolePty, stop } from './pty';
import { FLASH_FILE, StorageFiles, installStorage } from './storage';

export interface DeviceOptions {
  build: EspruinoBuild;
  /** Directory of the device's espruino.flash. Default: a new directory under the OS temp dir, removed by close(). */
  workDir?: string;
  /** Installed into a fresh espruino.flash before the first boot; without them the existing espruino.flash boots. */
  files?: StorageFiles;
  /** Interpreter time runs this many times faster than real time (libfaketime). */
  faketime?: number;
  /** With faketime: the interpreter's clock starts this many seconds ahead of real time. */
  faketimeOffsetS?: number;
  /** Adds the memory probe (probe.ts) to `files` as `.boot0`. */
  probe?: boolean | ProbeOptions;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Waiter {
  check(): boolean;
  fail(reason: string): void;
}

/** How long a dead interpreter's last output may take to come through the console pty. */
const DRAIN_MS = 2000;

/** Opening a tty must not make it this process's controlling terminal. */
const PTY_OPEN_FLAGS = constants.O_RDWR | constants.O_NOCTTY;

export class LinuxDevice {
  private text = '';
  private bootStart = 0;
  private interpreter?: ChildProcess;
  private consolePty?: ConsolePty;
  private status?: ExitStatus;
  private stderr = '';
  /** True from power-on until the interpreter has exited and all its output has been read. */
  private live = false;
  /** Resolves once the running interpreter has exited and its output has been read. */
  private off: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<Waiter>();
  private requests = 0;

  private constructor(
    readonly build: EspruinoBuild,
    readonly workDir: string,
    private readonly ownsWorkDir: boolean,
    private readonly faketime: number | undefined,
    private readonly probing: boolean,
    private readonly faketimeOffsetS = 0,
  ) {}

  /** Installs `files` (if given) and boots. Resolves as soon as the interpreter runs; use waitFor for its output. */
  static async start(options: DeviceOptions): Promise<LinuxDevice> {
    espruinoBinary(options.build);
    const files = options.probe ? withProbe(options) : options.files;
    const owned = options.workDir === undefined;
    const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'espruino-device-'));
    const device = new LinuxDevice(options.build, workDir, owned, options.faketime, !!options.probe, options.faketimeOffsetS ?? 0);
    try {
      if (files) await installStorage(options.build, workDir, files);
      else if (!existsSync(join(workDir, FLASH_FILE))) throw new Error('no ' + FLASH_FILE + ' in ' + workDir);
      await device.powerOn();
      return device;
    } catch (e) {
      await device.close();
      throw e;
    }
  }

  /** All console output so far, across reboots, one character per byte (latin1). */
  transcript(): string {
    return this.text;
  }

  /** Index in transcript() where the current boot's output starts. */
  get bootIndex(): number {
    return this.bootStart;
  }

  /** The interpreter's PID while it runs. */
  get pid(): number | undefined {
    return this.status ? undefined : this.interpreter?.pid;
  }

  /** How the interpreter ended; undefined while it runs. */
  get exited(): ExitStatus | undefined {
    return this.status;
  }

  /** Types on the console: a string is sent one byte per character (latin1). */
  write(data: string | Uint8Array): void {
    if (this.status || !this.consolePty) throw new Error('the device is off');
    this.consolePty.proc.stdin!.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /**
   * Resolves with the first match in the transcript from `fromIndex` (default: this boot's start); `index` is an
   * index into transcript(). Rejects with the transcript's tail on timeout, or once the interpreter has exited and its
   * output has been read without a match.
   */
  waitFor(pattern: RegExp | string, timeoutMs: number, fromIndex = this.bootStart): Promise<RegExpExecArray> {
    const regex = toRegExp(pattern);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          const match = regex.exec(this.text.slice(fromIndex));
          if (!match) return false;
          match.index += fromIndex;
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(match);
          return true;
        },
        fail: (reason) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          reject(new Error(reason + ' waiting for ' + regex + '\n' + this.describeEnd()));
        },
      };
      if (waiter.check()) return;
      if (!this.live) return waiter.fail('the interpreter had exited');
      this.waiters.add(waiter);
      timer = setTimeout(() => waiter.fail('timed out after ' + timeoutMs + ' ms'), timeoutMs);
    });
  }

  /** Types `line` + CR and waits for `until` in the output after it (the REPL's echo of the line included). */
  command(line: string, until: RegExp | string, timeoutMs: number): Promise<RegExpExecArray> {
    const from = this.text.length;
    this.write(line + '\r');
    return this.waitFor(until, timeoutMs, from);
  }

  /** PROBE lines of the current boot (needs `probe`). */
  probes(): ProbeSample[] {
    return parseProbes(this.text.slice(this.bootStart));
  }

  /**
   * Asks the probe for memory now, through the REPL (the line starts with DLE, so it is not echoed). Needs `probe`
   * and the REPL on the console: firmware that takes the console over leaves only the timed PROBE lines.
   */
  async memory(timeoutMs = 3000): Promise<ProbeSample> {
    if (!this.probing) throw new Error('memory() needs the probe: start the device with probe: true');
    const id = ++this.requests;
    const from = this.text.length;
    this.write('\x10' + PROBE_FUNCTION + '(' + id + ')\r');
    try {
      const line = await this.waitFor(new RegExp('PROBE req=' + id + ' t=[^\\n]*\\n'), timeoutMs, from);
      return parseProbes(line[0])[0];
    } catch (e) {
      throw new Error('no answer from the probe (is the REPL still on the console?): ' + (e as Error).message);
    }
  }

  /** Power cut: SIGKILL to the interpreter. Whatever reached espruino.flash stays. Resolves once its output is in. */
  async powerCut(): Promise<void> {
    if (this.interpreter) await killNow(this.interpreter);
    await this.off;
  }

  /** Power cut (if running), then boots again on the same espruino.flash; the transcript continues. */
  async reboot(): Promise<void> {
    await this.powerCut();
    await this.powerOn();
  }

  /** Power cut; removes the work directory if this device created it. */
  async close(): Promise<void> {
    await this.powerCut();
    if (this.ownsWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  private async powerOn(): Promise<void> {
    const consolePty = await openConsolePty();
    this.consolePty = consolePty;
    this.bootStart = this.text.length;
    this.status = undefined;
    this.stderr = '';
    this.live = true;
    consolePty.proc.stdout!.on('data', (d: Buffer) => this.receive(d.toString('latin1')));
    // Typing into a device that just died is not an error of the caller's (EPIPE once socat has gone).
    consolePty.proc.stdin!.on('error', () => undefined);
    const fd = openSync(consolePty.path, PTY_OPEN_FLAGS);
    let interpreter: ChildProcess;
    try {
      interpreter = spawnInterpreter(this.build, [], {
        cwd: this.workDir,
        stdio: [fd, fd, 'pipe'],
        faketime: this.faketime,
        faketimeOffsetS: this.faketimeOffsetS,
      });
    } catch (e) {
      this.live = false;
      await consolePty.close();
      throw e;
    } finally {
      closeSync(fd);
    }
    this.interpreter = interpreter;
    interpreter.stderr!.on('data', (d: Buffer) => void (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    const exited = new Promise<void>((resolve) => {
      interpreter.once('exit', (code, signal) => {
        this.status = { code, signal };
        resolve();
      });
      interpreter.once('error', (e) => {
        this.stderr += e.message;
        this.status = { code: null, signal: null };
        resolve();
      });
    });
    this.off = exited.then(async () => {
      await this.drain(consolePty);
      await stop(consolePty.proc);
      this.live = false;
      for (const waiter of [...this.waiters]) if (!waiter.check()) waiter.fail('the interpreter exited');
    });
  }

  /**
   * Waits until everything the dead interpreter wrote has come through socat (which holds the pty open, so it never
   * sees the pty close): a marker written into the pty after the death arrives after all of that output.
   */
  private async drain(consolePty: ConsolePty): Promise<void> {
    const marker = '\x00drained ' + randomUUID() + '\x00';
    const from = this.text.length;
    try {
      const fd = openSync(consolePty.path, PTY_OPEN_FLAGS);
      try {
        writeSync(fd, marker, null, 'latin1');
      } finally {
        closeSync(fd);
      }
      const found = await this.waitFor(marker, DRAIN_MS, from);
      this.text = this.text.slice(0, found.index) + this.text.slice(found.index + marker.length);
    } catch {
      // socat has gone (the pty with it) or is stuck: what arrived is all there is.
    }
  }

  private receive(chunk: string): void {
    this.text += chunk;
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private describeEnd(): string {
    const status = this.status
      ? 'interpreter exited (' + (this.status.signal ?? 'code ' + this.status.code) + '); stderr: ' + this.stderr.trim()
      : 'interpreter running (pid ' + this.interpreter?.pid + ')';
    const tail = this.text.slice(Math.max(this.bootStart, this.text.length - 3000)).replace(/\x1b\[J|\r/g, '');
    return status + '\ntranscript tail:\n' + tail;
  }
}

function withProbe(options: DeviceOptions): StorageFiles {
  if (!options.files) throw new Error('the probe is installed with the files: pass files together with probe');
  if (PROBE_FILE in options.files) throw new Error('the probe needs ' + PROBE_FILE + ', which files already has');
  const probeOptions = options.probe === true ? {} : options.probe || {};
  return { ...options.files, [PROBE_FILE]: probeBoot0(probeOptions) };
}

function toRegExp(pattern: RegExp | string): RegExp {
  if (typeof pattern === 'string') return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}
