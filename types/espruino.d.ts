// Hand-written declarations for the Espruino 2v29 (ESP32) APIs this firmware uses, limited to what is used.
// Sources: Espruino's own wrapper docs (src/jswrap_*.c, libs/network/*, targets/esp32/*); behaviour that matters is
// noted at the declaration. @types/espruino (1v95, 2018) lacks Storage and ESP32.

type Pin = number | string;
type EspruinoData = string | number[] | Uint8Array | ArrayBuffer;

interface EspruinoEventEmitter {
  on(event: string, listener: (...args: any[]) => void): void;
  removeAllListeners(event?: string): void;
}

interface SerialSetupOptions {
  rx?: Pin;
  tx?: Pin;
  bytesize?: 7 | 8;
  parity?: null | 'none' | 'o' | 'odd' | 'e' | 'even';
  stopbits?: 1 | 2;
  flow?: null | 'none' | 'xon';
  /** Espruino's Linux build: the serial device to open instead of pins. */
  path?: string;
}

interface Serial extends EspruinoEventEmitter {
  setup(baudrate: number, options?: SerialSetupOptions): void;
  write(data: EspruinoData): void;
  print(text: string): void;
  println(text: string): void;
  setConsole(force?: boolean): void;
}

interface I2CSetupOptions {
  scl?: Pin;
  sda?: Pin;
  bitrate?: number;
}

interface I2C {
  setup(options: I2CSetupOptions): void;
  writeTo(address: number | { address: number; stop: boolean }, data: EspruinoData): void;
  readFrom(address: number | { address: number; stop: boolean }, quantity: number): Uint8Array;
}

interface EspruinoE extends EspruinoEventEmitter {
  toUint8Array(data: EspruinoData): Uint8Array;
  toString(data: EspruinoData): string;
  toArrayBuffer(str: string): ArrayBuffer;
  CRC32(data: EspruinoData): number;
  getSizeOf(v: any, depth?: number): number;
  enableWatchdog(timeoutSeconds: number, isAuto?: boolean): void;
  kickWatchdog(): void;
  getErrorFlags(): string[];
  /** Clears a module's variables and frees RAM where possible. */
  defrag(): void;
  setConsole(device: string | null, options?: { force?: boolean }): void;
  reboot(): void;
}

interface StorageStats {
  totalBytes: number;
  freeBytes: number;
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
}

interface StorageModule {
  write(name: string, data: EspruinoData, offset?: number, size?: number): boolean;
  read(name: string, offset?: number, length?: number): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  erase(name: string): void;
  list(regex?: RegExp): string[];
  getFree(): number;
  getStats(): StorageStats;
}

interface FlashModule {
  read(length: number, address: number): Uint8Array;
  write(data: EspruinoData, address: number): void;
  erasePage(address: number): void;
  getPage(address: number): { addr: number; length: number } | undefined;
  getFree(): { addr: number; length: number }[];
}

interface CryptoModule {
  SHA256(data: EspruinoData): ArrayBuffer;
}

interface EspruinoSocket extends EspruinoEventEmitter {
  write(data: EspruinoData): boolean;
  end(data?: EspruinoData): void;
}

interface NetModule {
  connect(options: { host: string; port: number }, callback?: () => void): EspruinoSocket;
}

interface TlsModule {
  connect(
    options: { host: string; port: number; ca?: string; key?: string; cert?: string },
    callback?: () => void,
  ): EspruinoSocket;
}

interface WifiModule extends EspruinoEventEmitter {
  connect(ssid: string, options: { password?: string }, callback: (err: string | null) => void): void;
  disconnect(callback?: () => void): void;
  getIP(): { ip: string; netmask: string; gw: string; mac: string };
}

interface TelnetServerModule {
  setOptions(options: { mode: 'on' | 'off' }): void;
}

interface ProcessMemory {
  free: number;
  usage: number;
  total: number;
  /** Bytes per variable block (14 on the ESP32). */
  blocksize: number;
}

declare const E: EspruinoE;
declare const Serial1: Serial;
declare const Serial2: Serial;
declare const Serial3: Serial;
/** Espruino's Linux build: the terminal (stdin/stdout). */
declare const USB: Serial;
declare const LoopbackA: Serial;
declare const LoopbackB: Serial;
declare const I2C1: I2C;
declare const I2C2: I2C;
declare const process: { env: { VERSION: string; BOARD: string }; memory(gc?: boolean): ProcessMemory };

declare function getTime(): number;
/** Sets the wall clock (seconds since the epoch, UTC). */
declare function setTime(time: number): void;
declare function print(...args: any[]): void;

/** Base64 text to a binary string (src/jswrap_functions.c, jswrap_atob). */
declare function atob(base64: string): string;
declare function setTimeout(callback: () => void, ms: number): number;
declare function setInterval(callback: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;
declare function digitalWrite(pin: Pin, value: number | boolean): void;
declare function digitalRead(pin: Pin): number;
declare function pinMode(pin: Pin, mode: string): void;
declare const console: { log(...args: any[]): void };

declare function require(name: 'Storage'): StorageModule;
declare function require(name: 'Flash'): FlashModule;
declare function require(name: 'crypto'): CryptoModule;
declare function require(name: 'net'): NetModule;
declare function require(name: 'tls'): TlsModule;
declare function require(name: 'Wifi'): WifiModule;
declare function require(name: 'TelnetServer'): TelnetServerModule;
/** A Storage file evaluated as a module (its `exports`), cached until Modules.removeCached. */
declare function require(name: string): unknown;

/** Ends the interpreter (Linux build only: targets/linux/main.c, nativeQuit). */
declare function quit(): void;

/** Espruino's module cache (src/jswrap_modules.c). */
declare const Modules: {
  removeCached(name: string): void;
  getCached(): string[];
  /** Evaluates `source` as a module now and caches its exports under `name` (as require does for a Storage file). */
  addCached(name: string, source: string): void;
};

/** Drives `pin` to `value` for `time` ms (an array: alternating pulse lengths), then back; RMT-timed on ESP32. */
declare function digitalPulse(pin: Pin, value: number | boolean, time: number | number[]): void;
