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

/** Espruino's Linux build (conformance runs against real peers) has no Serial1 console: its terminal is `USB`. */
export const IS_LINUX = process.env.BOARD === 'LINUX';

/**
 * The device the technician console runs on: Serial1 (the ESP32's USB-UART, 115200) or, on the Linux build, the
 * terminal. The firmware owns it once the REPL has been moved away.
 */
export const consoleDevice: Serial = IS_LINUX ? USB : Serial1;

export const serialConsole: ConsoleOut = {
  write: (text) => consoleDevice.write(text),
};
