// Espruino implementations of the protocol ports that every firmware part needs.
import type { Clock, Scheduler, Sha256 } from '../protocol/ports';

export const clock: Clock = {
  // Date.now() is fractional on Espruino: records use whole milliseconds.
  nowMs: function (): number {
    return Math.floor(Date.now());
  },
};

export const scheduler: Scheduler = {
  after: function (ms: number, fn: () => void): void {
    setTimeout(fn, ms);
  },
};

const crypto = require('crypto');

/** Native SHA-256 (crypto.SHA256 returns an ArrayBuffer on Espruino). */
export const sha256: Sha256 = function (data: Uint8Array): Uint8Array {
  return new Uint8Array(crypto.SHA256(data));
};
