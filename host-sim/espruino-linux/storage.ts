// Storage files in an espruino.flash, written and read by the interpreter itself (so the flash layout is exactly the
// one the build uses). Contents travel as host files read with E.openFile (in) and as base64 lines (out), so any
// byte value survives; every install is checked by SHA-256 computed inside the interpreter.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspruinoBuild } from './binaries';
import { runScript } from './script';

/** Storage name → contents; a string is stored as its UTF-8 bytes. */
export type StorageFiles = { [name: string]: Uint8Array | string };

export const FLASH_FILE = 'espruino.flash';

/** Storage names are at most 28 bytes (Espruino silently truncates longer ones); ASCII keeps them byte-exact. */
const STORAGE_NAME = /^[\x01-\x7f]{1,28}$/;

const CHUNK = 1024;
const STEP_TIMEOUT_MS = 60000;

/**
 * Writes `files` into a fresh espruino.flash in `workDir` (created if needed; an existing flash is replaced) and
 * checks that every file reads back byte for byte. Use the build that will boot the flash: their sizes differ.
 */
export async function installStorage(build: EspruinoBuild, workDir: string, files: StorageFiles): Promise<void> {
  const entries = Object.keys(files).map((name) => {
    checkName(name);
    const bytes = toBytes(files[name]);
    if (bytes.length === 0) throw new Error('Storage cannot hold an empty file: ' + JSON.stringify(name));
    return { name, bytes };
  });
  mkdirSync(workDir, { recursive: true });
  rmSync(join(workDir, FLASH_FILE), { force: true });
  const staging = mkdtempSync(join(tmpdir(), 'espruino-storage-'));
  try {
    const lines = [
      'var St=require("Storage");',
      'function b64(s){return btoa(E.toString(require("crypto").SHA256(s)));}',
      'function put(name,path,size){var f=E.openFile(path,"r"),o=0,s;' +
        'while(o<size&&(s=f.read(' + CHUNK + '))!==undefined&&s.length){' +
        'if(!St.write(name,s,o,size))throw new Error("Storage.write failed: "+name+" at "+o);o+=s.length;}' +
        'f.close();if(o!==size)throw new Error("read "+o+" of "+size+" bytes for "+name);}',
    ];
    entries.forEach((e, i) => {
      const path = join(staging, String(i));
      writeFileSync(path, e.bytes);
      lines.push('put(' + JSON.stringify(e.name) + ',' + JSON.stringify(path) + ',' + e.bytes.length + ');');
    });
    // Hashes after all writes: a later write must not have disturbed an earlier file either.
    entries.forEach((e, i) => lines.push('print("SHA ' + i + ' "+b64(St.read(' + JSON.stringify(e.name) + ')));'));
    lines.push('quit();');
    const total = entries.reduce((sum, e) => sum + e.bytes.length, 0);
    const out = await runScript(build, lines.join('\n'), { cwd: workDir, timeoutMs: STEP_TIMEOUT_MS }).catch((e) => {
      throw new Error('Storage install of ' + total + ' bytes on ' + build + ' failed: ' + (e as Error).message);
    });
    const got = new Map([...out.matchAll(/^SHA (\d+) (\S+)$/gm)].map((m) => [Number(m[1]), m[2]]));
    const bad = entries.filter((e, i) => got.get(i) !== sha256(e.bytes)).map((e) => e.name);
    if (bad.length > 0) {
      throw new Error('Storage install did not read back byte for byte: ' + bad.join(', ') + '\noutput:\n' + out);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Installs every regular file of `dir` (such as dist/storage/), file name = Storage name, into a fresh flash. */
export function installStorageDir(build: EspruinoBuild, workDir: string, dir: string): Promise<void> {
  const files: StorageFiles = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files[name] = readFileSync(path);
  }
  return installStorage(build, workDir, files);
}

/**
 * Reads Storage files out of the espruino.flash in `workDir` (for example after a power cut). A missing file maps to
 * undefined. Like a boot, this run first checks the flash and wipes it if Espruino finds it corrupt.
 */
export async function readStorage(
  build: EspruinoBuild,
  workDir: string,
  names: string[],
): Promise<{ [name: string]: Uint8Array | undefined }> {
  names.forEach(checkName);
  // 768 bytes = 1024 base64 characters a line; read(name, offset, length) maps flash without copying the file.
  const out = await runScript(
    build,
    [
      'var St=require("Storage");',
      'function get(i,name){var s=St.read(name);if(s===undefined){print("FILE "+i+" -");return;}' +
        'var n=s.length;s=undefined;print("FILE "+i+" "+n);' +
        'for(var o=0;o<n;o+=768)print("PART "+i+" "+btoa(St.read(name,o,Math.min(768,n-o))));' +
        'print("SHA "+i+" "+btoa(E.toString(require("crypto").SHA256(St.read(name)))));}',
      ...names.map((name, i) => 'get(' + i + ',' + JSON.stringify(name) + ');'),
      'quit();',
    ].join('\n'),
    { cwd: workDir, timeoutMs: STEP_TIMEOUT_MS },
  );
  const result: { [name: string]: Uint8Array | undefined } = {};
  names.forEach((name, i) => {
    const head = new RegExp('^FILE ' + i + ' (-|\\d+)$', 'm').exec(out);
    if (!head) throw new Error('Storage read of ' + JSON.stringify(name) + ' gave no answer; output:\n' + out);
    if (head[1] === '-') return void (result[name] = undefined);
    const parts = [...out.matchAll(new RegExp('^PART ' + i + ' (\\S+)$', 'gm'))];
    const bytes = new Uint8Array(Buffer.concat(parts.map((m) => Buffer.from(m[1], 'base64'))));
    const sha = new RegExp('^SHA ' + i + ' (\\S+)$', 'm').exec(out);
    if (bytes.length !== Number(head[1]) || !sha || sha[1] !== sha256(bytes)) {
      throw new Error('Storage read of ' + JSON.stringify(name) + ' is incomplete or garbled; output:\n' + out);
    }
    result[name] = bytes;
  });
  return result;
}

function checkName(name: string): void {
  if (!STORAGE_NAME.test(name)) {
    throw new Error('Storage name must be 1 to 28 ASCII characters other than NUL: ' + JSON.stringify(name));
  }
}

function toBytes(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}
