// Espruino implementations of the protocol ports that every firmware part needs.
import type { Clock, ConsoleOut, Scheduler, Sha256 } from '../protocol/ports';

export const clock: Clock = {
  // Date.now() is fractional on Espruino: records use whole milliseconds.
  nowMs: () => Math.floor(Date.now()),
};

export const scheduler: Scheduler = {
  after: (ms, fn) => {
    setTimeout(fn, ms);
  },
};

const crypto = require('crypto');

/** Native SHA-256 (crypto.SHA256 returns an ArrayBuffer on Espruino). */
export const sha256: Sha256 = (data) => new Uint8Array(crypto.SHA256(data));

/** The technician console: Serial1 (USB-UART) at 115200, owned by the firmware once the REPL is moved away. */
export const serialConsole: ConsoleOut = {
  write: (text) => Serial1.write(text),
};
