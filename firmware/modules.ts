// Code for rare work lives in Storage modules (built into dist/storage/ by scripts/build.ts): required when needed,
// released afterwards so their functions and tables stop costing RAM (src/jswrap_modules.c: a required module stays
// cached until Modules.removeCached). Names are Storage file names (espruino.config.js, storage.modules).
import config from '../espruino.config.js';

export const MODULE_CLOSE = config.storage.modules.close;
export const MODULE_SEAL = config.storage.modules.seal;
export const MODULE_COMMANDS = config.storage.modules.commands;
export const MODULE_SECURE_ELEMENT = config.storage.modules.secureElement;

/** Modules currently required (so that release() only removes what is cached). */
const loaded: string[] = [];

export function load<T>(name: string): T {
  const m = require(name) as T;
  if (loaded.indexOf(name) < 0) loaded.push(name);
  return m;
}

export function release(name: string): void {
  const i = loaded.indexOf(name);
  if (i < 0) return;
  loaded.splice(i, 1);
  Modules.removeCached(name);
}
