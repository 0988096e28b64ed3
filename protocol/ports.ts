// The narrow ports through which protocol/ talks to the world. firmware/ implements them on Espruino,
// host-sim/ implements them in Node (with simulated peripherals). protocol/ never touches I/O, timers or globals:
// time and bytes come in through these interfaces or as arguments.

/** SHA-256 of a byte string (Espruino: native crypto.SHA256; Node: node:crypto). */
export type Sha256 = (data: Uint8Array) => Uint8Array;

/** Wall clock: integer milliseconds since the Unix epoch, UTC. */
export interface Clock {
  nowMs(): number;
}

/** Write side of a UART; received bytes are pushed into the protocol by the shell, in whatever chunks arrive. */
export interface UartTx {
  write(bytes: Uint8Array): void;
}

/**
 * One I2C bus. Addresses are 7-bit. A NACK (e.g. a busy or sleeping device) throws, as Espruino's I2C does;
 * callers that expect NACKs catch them.
 */
export interface I2cBus {
  write(address: number, data: Uint8Array): void;
  read(address: number, length: number): Uint8Array;
  /** Busy-wait or sleep for at least `us` microseconds (wake pulses, execution delays). */
  delayUs(us: number): void;
}

/** Raw NOR flash region: erased bytes read 0xFF, writes only turn bits 1 -> 0, erase works per page. */
export interface Flash {
  readonly size: number;
  readonly pageSize: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, data: Uint8Array): void;
  erasePage(offset: number): void;
}

/** A connected byte stream (TCP or TLS). Received bytes and close events are pushed by the shell. */
export interface Socket {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** Line-oriented technician console output. */
export interface ConsoleOut {
  write(text: string): void;
}

/** One-shot deferred call (Espruino setTimeout / Node setTimeout). Protocol state machines that must wait use it. */
export interface Scheduler {
  after(ms: number, fn: () => void): void;
}
