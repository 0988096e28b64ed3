// Runs a script on the real Espruino 2v29 interpreter (Linux build, resizable pool, the script as its argument) and
// returns what it printed. After the script the interpreter may stay in its REPL, and it ignores SIGTERM: it is killed
// with SIGKILL as soon as the script has printed its completion marker, or when the time is up. Each run gets its own
// temporary directory as working directory (Storage lives in ./espruino.flash there).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { espruinoBinary } from '../../host-sim/espruino-linux/binaries';

// Printed after the script's last statement. Built at run time, so that the source line Espruino echoes with a
// SyntaxError never contains it.
const DONE = '<<script done>>';
const PRINT_DONE = '\n;print("<<script" + " done>>");\n';

export interface ScriptRun {
  /** What the script printed, without the interpreter's banner, the marker and the prompt; lines end in \n. */
  output: string;
  /** The script ran to its last statement. */
  completed: boolean;
}

/** The console text after the banner, with CR LF as \n and the prompt's line-clearing escape removed. */
function printedText(raw: string): string {
  const banner = raw.indexOf('espruino.com/Donate');
  const text = banner < 0 ? raw : raw.slice(raw.indexOf('\n', banner) + 1);
  return text.replace(/\r\n/g, '\n').replace(/\r?\x1b\[J/g, '').replace(/^\n/, '');
}

/** Runs `code` as the interpreter's script argument; never leaves the process running. */
export function runScript(code: string, timeoutMs = 20000): Promise<ScriptRun> {
  const binary = espruinoBinary('resizable');
  const dir = mkdtempSync(join(tmpdir(), 'espruino-script-'));
  writeFileSync(join(dir, 'script.js'), code + PRINT_DONE);
  return new Promise((resolve, reject) => {
    // Standard input stays open: it is the interpreter's console.
    const child = spawn(binary, ['script.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let raw = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, timeoutMs);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      raw += chunk;
      if (raw.includes(DONE)) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('latin1')));
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', () => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      const text = printedText(raw);
      const end = text.indexOf(DONE);
      const output = end < 0 ? text.replace(/\n?>$/, '') : text.slice(0, end);
      resolve({ output, completed: end >= 0 });
    });
  });
}

/** What a script prints when Node runs it, `print` joining its arguments by spaces as Espruino's does. */
export function printedInNode(code: string): string {
  let output = '';
  const print = (...args: unknown[]): void => {
    output += args.map(String).join(' ') + '\n';
  };
  runInNewContext(code, { print });
  return output;
}
