// Starting helper processes (the interpreter, socat) so that none outlives this Node process. The Linux interpreter
// hooks SIGTERM, SIGINT and SIGHUP and, booted without a script, keeps running after its console closes: only SIGKILL
// ends it. Every process is started through `setpriv --pdeathsig KILL` (util-linux, on every Debian), which execs the
// program in the same process: the PID is the program's own, and the kernel SIGKILLs it when this Node process dies,
// however it dies. An exit hook also SIGKILLs whatever is still running at a normal exit.
import { ChildProcess, SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EspruinoBuild, espruinoCommand } from './binaries';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns `command args` owned by this process (see the file comment). */
export function spawnOwned(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', command, ...args], options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** True until the child has exited (exit code or signal known). */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** SIGKILLs a child (if still running) and resolves once it has exited. */
export function killNow(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const LIBFAKETIME = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
  '/usr/local/lib/faketime/libfaketime.so.1',
];

/**
 * Environment that makes the interpreter's clock run `speed` times faster (libfaketime '+0 xN': getTime, Date and
 * timers all follow it). The library is preloaded directly rather than through the `faketime` wrapper, which would
 * fork and leave the interpreter as a grandchild.
 */
export function faketimeEnv(speed: number, base: NodeJS.ProcessEnv = process.env, offsetS = 0): NodeJS.ProcessEnv {
  if (!(speed > 0)) throw new Error('faketime speed must be > 0, got ' + speed);
  const lib = LIBFAKETIME.find((p) => existsSync(p));
  if (!lib) throw new Error('libfaketime not found (' + LIBFAKETIME[0] + '): apt-get install faketime');
  const preload = base.LD_PRELOAD ? lib + ':' + base.LD_PRELOAD : lib;
  // '+S xN': the clock starts S seconds ahead of real time and runs N times faster
  return { ...base, LD_PRELOAD: preload, FAKETIME: (offsetS >= 0 ? '+' : '') + Math.round(offsetS) + ' x' + speed };
}

/** Starts one interpreter build with `args`, owned by this process, optionally on accelerated time. */
export function spawnInterpreter(
  build: EspruinoBuild,
  args: string[],
  options: SpawnOptions & { faketime?: number; faketimeOffsetS?: number },
): ChildProcess {
  const { faketime, faketimeOffsetS, ...spawnOptions } = options;
  const env = faketime === undefined ? spawnOptions.env : faketimeEnv(faketime, spawnOptions.env, faketimeOffsetS ?? 0);
  const c = espruinoCommand(build, args);
  return spawnOwned(c.command, c.args, { ...spawnOptions, env });
}

/** Throws naming the Debian package when socat is not installed. */
export function requireSocat(): void {
  const socat = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (socat.error || socat.status !== 0) throw new Error('socat not found: apt-get install socat');
}
