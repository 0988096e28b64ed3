// Locating and identifying the built Espruino bundles.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { espruinoConfig } from '../../scripts/espruino-config';

export interface Bundle {
  file: string;
  code: string;
  /** SHA-256 of everything after the identity line, as the bundle declares in FIRMWARE_HASH. */
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
