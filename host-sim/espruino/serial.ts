// Simulated UART (Serial1..3, LoopbackA/B). Firmware-facing: setup/write/print/on('data'). Host-facing: `send`
// delivers bytes to the firmware in random 1..64-byte chunks as binary strings, the way Espruino's IO events arrive
// (at most IOEVENT_MAX_LEN = 64 bytes each, src/jsdevices.h; split in jshPushIOCharEvents, src/jsdevices.c);
// `onTransmit` sees what the firmware writes.
import { Listeners, type Runtime } from './runtime';
import { toBinaryString, toHostBytes } from './bytes';

export interface SerialSettings {
  baud: number;
  options: { [key: string]: unknown };
}

const MAX_CHUNK = 64;

export class SimSerial {
  settings: SerialSettings | null = null;
  private listeners = new Listeners();
  private readonly transmitWatchers: ((bytes: Uint8Array) => void)[] = [];
  private runtime: Runtime | null = null;
  /** Set for loopback pairs: what this side writes arrives at the peer. */
  peer: SimSerial | null = null;
  /** Called when firmware code makes this device the console (Serial.setConsole). */
  onSetConsole: ((device: SimSerial) => void) | null = null;

  /** Espruino's Linux build opens UARTs by device path: setup without `path` fails there. */
  requirePath = false;

  constructor(
    readonly name: string,
    private readonly random: () => number,
  ) {}

  /** A new boot: listeners and settings do not survive a reset. */
  attach(runtime: Runtime): void {
    this.runtime = runtime;
    this.listeners = new Listeners();
    this.settings = null;
  }

  // ---- firmware-facing API ----
  setup(baud: number, options?: { [key: string]: unknown }): void {
    if (typeof baud !== 'number' || baud < 101 || baud > 10000000) throw new Error(this.name + '.setup: invalid baud rate ' + baud);
    if (this.requirePath && !(options && typeof options.path === 'string')) throw new Error(this.name + ".setup: no 'path' given (Linux build)");
    this.settings = { baud, options: { ...(options ?? {}) } };
  }

  write(...data: unknown[]): void {
    this.transmit(toHostBytes(data.length === 1 ? data[0] : data));
  }

  print(text: unknown): void {
    this.transmit(toHostBytes(String(text)));
  }

  println(text: unknown): void {
    this.transmit(toHostBytes(String(text) + '\r\n'));
  }

  on(event: string, fn: (...args: any[]) => void): void {
    this.listeners.on(event, fn);
  }

  removeAllListeners(event?: string): void {
    this.listeners.removeAllListeners(event);
  }

  setConsole(): void {
    if (this.onSetConsole) this.onSetConsole(this);
  }

  // ---- host-facing API ----
  onTransmit(fn: (bytes: Uint8Array) => void): void {
    this.transmitWatchers.push(fn);
  }

  /** Bytes arriving on RX. Delivered asynchronously in chunks, like Espruino's IO event queue. */
  send(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? toHostBytes(data) : data;
    const runtime = this.runtime;
    if (!runtime) return;
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, 1 + Math.floor(this.random() * MAX_CHUNK));
      const chunk = toBinaryString(bytes.subarray(offset, offset + n));
      offset += n;
      runtime.time.setTimer(() => this.listeners.emit(runtime, 'data', [chunk]), 0, false);
    }
  }

  /** One `data` event with exactly these bytes (for peers that model chunking themselves, e.g. the RS-485 bus). */
  deliver(bytes: Uint8Array): void {
    const runtime = this.runtime;
    if (runtime) this.listeners.emit(runtime, 'data', [toBinaryString(bytes)]);
  }

  hasDataListener(): boolean {
    return this.listeners.count('data') > 0;
  }

  private transmit(bytes: Uint8Array): void {
    for (const w of this.transmitWatchers) w(bytes);
    if (this.peer) this.peer.send(bytes);
  }
}
