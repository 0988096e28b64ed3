// Interop plumbing: Python peers run with Debian's /usr/bin/python3, on socat pseudo-terminal pairs (from
// host-sim/espruino-linux/pty). Missing tools make the test fail with the package names to install; nothing is skipped.

import { ChildProcess, spawn, spawnSync } from 'node:child_process';

export { openPtyPair, stop } from '../../../host-sim/espruino-linux/pty';
export type { PtyPair } from '../../../host-sim/espruino-linux/pty';

export const PYTHON = '/usr/bin/python3';
export const INSTALL_HINT = 'apt-get install socat python3-pymodbus';

/** Throws, naming the Debian packages, when socat or pymodbus is not there. */
export function requirePeers(): string {
  const socat = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (socat.error || socat.status !== 0) throw new Error('socat not found: ' + INSTALL_HINT);
  const py = spawnSync(PYTHON, ['-c', 'import pymodbus, serial; print(pymodbus.__version__)'], { encoding: 'utf8' });
  if (py.error || py.status !== 0) throw new Error('pymodbus not importable by ' + PYTHON + ': ' + INSTALL_HINT + '\n' + py.stderr);
  return py.stdout.trim();
}

/** Runs a Python peer and resolves once it prints READY (or rejects with its output). */
export function startPython(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('python peer not ready: ' + out)), 15000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => void (out += d.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('python peer exited with ' + code + ': ' + out));
    });
  });
}

/** Runs a Python script to completion and returns its stdout. */
export function runPython(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error('python timed out: ' + err));
    }, timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error('python exited with ' + code + ': ' + err + out));
    });
  });
}
