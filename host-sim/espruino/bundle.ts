// Locating and identifying the built Espruino code: the device's Storage files (dist/storage/) and the conformance
// bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { espruinoConfig } from '../../scripts/espruino-config';

export interface Bundle {
  file: string;
  code: string;
  /** SHA-256 of everything after the identity line. */
  bodySha256: string;
}

export function loadBundle(file: string): Bundle {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(file + ' not found: run `npm run build` first');
  const code = readFileSync(path, 'utf8');
  const body = code.slice(code.indexOf('\n') + 1);
  return { file, code, bodySha256: createHash('sha256').update(body).digest('hex') };
}

export const firmwareBundle = (): Bundle => loadBundle(espruinoConfig.bundle.output);
export const conformanceBundle = (): Bundle => loadBundle(espruinoConfig.bundle.conformanceOutput);

/** Every Storage file the device needs (file name = Storage name), as `npm run build` wrote them. */
export function firmwareStorageFiles(dir = espruinoConfig.bundle.storageDir): { [name: string]: Uint8Array } {
  const path = resolve(dir);
  if (!existsSync(join(path, espruinoConfig.upload.bootFile))) throw new Error(dir + ' has no firmware: run `npm run build` first');
  const files: { [name: string]: Uint8Array } = {};
  for (const name of readdirSync(path)) files[name] = new Uint8Array(readFileSync(join(path, name)));
  return files;
}

/**
 * FIRMWARE_HASH as the build computes it: SHA-256 of the resident bundle after its identity line and of every module,
 * in name order (scripts/build.ts).
 */
export function firmwareHashOf(files: { [name: string]: Uint8Array }): string {
  const boot = Buffer.from(files[espruinoConfig.upload.bootFile]);
  const h = createHash('sha256').update(boot.subarray(boot.indexOf(10) + 1));
  for (const name of Object.keys(espruinoConfig.bundle.moduleEntries).sort()) h.update(files[name]);
  return h.digest('hex');
}

/** Writes the firmware's Storage files into a simulated device, as `npm run flash` does on a real one. */
export function installFirmware(storage: { write(name: string, data: unknown): boolean }, files = firmwareStorageFiles()): void {
  for (const name of Object.keys(files)) if (!storage.write(name, files[name])) throw new Error('Storage full writing ' + name);
}
