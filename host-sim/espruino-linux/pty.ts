// Pseudo-terminals from socat: a connected pair (a serial line between the interpreter and a peer), and a single
// pty whose other side is socat's stdin/stdout (the interpreter's console, so its output arrives unbuffered).
import { ChildProcess, StdioOptions } from 'node:child_process';
import { requireSocat, spawnOwned } from './launch';

export interface PtyPair {
  a: string;
  b: string;
  proc: ChildProcess;
  close(): Promise<void>;
}

/** A pty whose bytes are `proc.stdin` (to the pty) and `proc.stdout` (from it). */
export interface ConsolePty {
  path: string;
  proc: ChildProcess;
  close(): Promise<void>;
}

/** Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and returns the two device paths. */
export async function openPtyPair(): Promise<PtyPair> {
  const { paths, proc } = await startSocat(['pty,raw,echo=0', 'pty,raw,echo=0'], 2, ['ignore', 'ignore', 'pipe']);
  return { a: paths[0], b: paths[1], proc, close: () => stop(proc) };
}

/** Starts `socat -d -d STDIO pty,rawer`: whatever opens `path` talks to this process through `proc`. */
export async function openConsolePty(): Promise<ConsolePty> {
  const { paths, proc } = await startSocat(['STDIO', 'pty,rawer'], 1, ['pipe', 'pipe', 'pipe']);
  return { path: paths[0], proc, close: () => stop(proc) };
}

/** Ends a child process: SIGTERM, then SIGKILL after 2 s. */
export function stop(proc: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }, 2000);
  });
}

function startSocat(
  addresses: string[],
  ptyCount: number,
  stdio: StdioOptions,
): Promise<{ paths: string[]; proc: ChildProcess }> {
  requireSocat();
  return new Promise((resolve, reject) => {
    const proc = spawnOwned('socat', ['-d', '-d', ...addresses], { stdio });
    let log = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error('socat did not report ' + ptyCount + ' pty(s) in 5 s: ' + log));
    }, 5000);
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error('cannot start socat: ' + e.message));
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error('socat ended (' + (signal ?? code) + ') before reporting its ptys: ' + log));
    });
    proc.stderr!.on('data', (d: Buffer) => {
      // The log keeps flowing (one line per closed connection); only the start-up part is of interest.
      if (log.includes('starting data transfer loop')) return;
      log += d.toString();
      const paths = [...log.matchAll(/PTY is (\S+)/g)].map((m) => m[1]);
      if (paths.length >= ptyCount && log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve({ paths, proc });
      }
    });
  });
}
