// Runs a script file on the real interpreter (`espruino file.js`). Not device-like: the whole file is loaded into RAM
// and Storage boot files do not run. Meant for vector runs and for working on an espruino.flash (install, read back).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspruinoBuild } from './binaries';
import { isRunning, killNow, spawnInterpreter } from './launch';

export interface ScriptOptions {
  /** Working directory: the espruino.flash there is the script's Storage. */
  cwd: string;
  /** The interpreter is SIGKILLed and the run rejected when it has not exited by then. */
  timeoutMs: number;
  /** Interpreter time runs this many times faster than real time (libfaketime). */
  faketime?: number;
}

/**
 * Runs `code` and resolves with its console output (banner and prompts removed, lines ending in \n) once the
 * interpreter exits: when the script calls `quit()`, or when no timer or watch is left (its standard input is
 * /dev/null; with input still open it would wait for console commands). An uncaught exception at the top level ends
 * the run with exit code 1, which rejects, as does the timeout; the message carries the output.
 */
export async function runScript(build: EspruinoBuild, code: string, options: ScriptOptions): Promise<string> {
  const scriptDir = mkdtempSync(join(tmpdir(), 'espruino-script-'));
  try {
    const file = join(scriptDir, 'script.js');
    writeFileSync(file, code);
    const { output, code: exitCode, timedOut } = await runToExit(build, file, options);
    const text = cleanConsoleOutput(output);
    if (timedOut) throw new Error('script did not quit() within ' + options.timeoutMs + ' ms; output:\n' + tail(text));
    if (exitCode !== 0) throw new Error('script ended with exit code ' + exitCode + '; output:\n' + tail(text));
    return text;
  } finally {
    rmSync(scriptDir, { recursive: true, force: true });
  }
}

function runToExit(
  build: EspruinoBuild,
  file: string,
  options: ScriptOptions,
): Promise<{ output: string; code: number | null; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawnInterpreter(build, [file], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      faketime: options.faketime,
    });
    let output = '';
    let timedOut = false;
    child.stdout!.on('data', (d: Buffer) => void (output += d.toString('latin1')));
    const timer = setTimeout(() => {
      timedOut = isRunning(child);
      void killNow(child);
    }, options.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'close' (not 'exit'): all of stdout has been read by then.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code, timedOut });
    });
  });
}

const BANNER_END = 'http://espruino.com/Donate\r\n\r\n';

/** Console text without the start-up banner, prompts and their erase sequences; \r\n becomes \n. */
export function cleanConsoleOutput(raw: string): string {
  const banner = raw.indexOf(BANNER_END);
  const body = banner >= 0 && banner < 1000 ? raw.slice(banner + BANNER_END.length) : raw;
  return body
    .replace(/>?\r\x1b\[J/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\n?>$/, '\n')
    .replace(/^\n/, '');
}

function tail(text: string): string {
  return text.length > 3000 ? '…' + text.slice(-3000) : text;
}

/**
 * Script text defining `bits(x)`: a number's float64 bits as 16 hex digits, so that results leave the interpreter
 * without number text (Espruino's is not round-trip, src/jsutils.c ftoa_bounded_extra). float64Bits is the Node side.
 */
export const FLOAT64_BITS_JS = `function bits(x) {
  var d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, x);
  var h = '';
  for (var i = 0; i < 8; i++) h += (d.getUint8(i) < 16 ? '0' : '') + d.getUint8(i).toString(16);
  return h;
}
`;

/** A number's float64 bits as 16 hex digits (big-endian), as FLOAT64_BITS_JS prints them. */
export function float64Bits(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x, 0);
  return b.toString('hex');
}
