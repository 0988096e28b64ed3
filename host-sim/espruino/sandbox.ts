// The Espruino-profile sandbox: runs an Espruino bundle (dist/firmware.js) in a Node `vm` context whose globals are
// only what Espruino 2v29 provides on an ESP32, each backed by a Node implementation or a simulated peripheral, with
// the builtins Espruino lacks removed and its number text, Math.pow, Math.random, sort, String.fromCharCode and
// assignments to `.length` (length-assignment.ts) behaving as on the device. The machine (flash, Storage, attached
// peripherals) survives reboots; each boot gets a fresh interpreter context, as a reset does on the device.
import vm from 'node:vm';
import { crc32 } from 'crc';
import { createHash } from 'node:crypto';
import { MISSING_GLOBALS, MISSING_METHODS_BY_OWNER, MISSING_STATICS } from './subset';
import { espruinoNumberToString, espruinoParseFloat, espruinoToFixed } from './number-text';
import { RealTime, type TimeSource } from './time';
import { Listeners, type Realm, type Runtime } from './runtime';
import { seededRandom } from '../prng';
import { SimSerial } from './serial';
import { SimStorage } from './storage';
import { SimFlash } from './flash';
import { SimI2C } from './i2c';
import { SimPins } from './pins';
import { SimWifi } from './wifi';
import { netModule, tlsModule } from './net';
import { toBinaryString, toHostBytes } from './bytes';
import { unreproducedConstructs } from './unreproduced';
import { LENGTH_TARGET, reproduceLengthAssignments } from './length-assignment';

export interface MachineOptions {
  /** Real Node timers (default) or a VirtualTime the caller advances. */
  time?: TimeSource;
  /** Seed for serial chunk splitting (reproducible runs). */
  seed?: number;
  /** JsVar blocks the interpreter reports as total (ESP32.py: 16383 max). */
  jsVars?: number;
  /**
   * The board profile: 'ESP32' (default, the product) or 'LINUX', Espruino's Linux build used for conformance runs,
   * whose terminal is the `USB` device and whose UARTs need a `path`.
   */
  board?: 'ESP32' | 'LINUX';
  /** The wall clock starts at the epoch, as on an ESP32 powered up without network time (firmware sets it). */
  clockUnset?: boolean;
}

/** V8 heap bytes counted as one Espruino JsVar block in the memory proxy (see measureContextMemory). */
const BYTES_PER_BLOCK_ESTIMATE = 56;

const SERIAL_NAMES = ['Serial1', 'Serial2', 'Serial3', 'LoopbackA', 'LoopbackB', 'USB'] as const;
type SerialName = (typeof SERIAL_NAMES)[number];

/** Runs inside the context before any firmware code: removes and replaces builtins (see file comment). */
const PRELUDE = `(function (host) {
  var g = globalThis;
  host.missingGlobals.forEach(function (n) { delete g[n]; });
  Object.keys(host.missingStatics).forEach(function (owner) {
    var o = g[owner];
    if (o) host.missingStatics[owner].forEach(function (n) { delete o[n]; });
  });
  var TypedArray = Object.getPrototypeOf(Uint8Array.prototype).constructor;
  Object.keys(host.missingMethods).forEach(function (owner) {
    var proto = owner === 'TypedArray' ? TypedArray.prototype : g[owner].prototype;
    host.missingMethods[owner].forEach(function (n) { delete proto[n]; });
  });
  delete g.WebAssembly;
  // Typed-array statics live on %TypedArray%, not on Uint8Array etc.: remove them there.
  host.missingStatics.Uint8Array.forEach(function (n) { delete TypedArray[n]; });
  // Espruino does not clamp subarray's end (jswrap_arraybuffer.c): the view runs past the array. Fail loudly here.
  var subarray = TypedArray.prototype.subarray;
  TypedArray.prototype.subarray = function (begin, end) {
    if (end > this.length || begin < -this.length) {
      throw new Error('subarray(' + begin + ', ' + end + ') outside a ' + this.length + '-element array: Espruino does not clamp it');
    }
    return subarray.call(this, begin, end);
  };
  // Assignments to .length reach here rewritten (length-assignment.ts): for the values on which Espruino does not
  // simply set the property, a stand-in whose setter does what Espruino does (src/jsvar.c, jsvReplaceWith).
  var objectToString = Object.prototype.toString;
  Object.defineProperty(g, host.lengthTarget, { value: function (x) {
    var kind = Array.isArray(x) || objectToString.call(x) === '[object Arguments]' ? 'array'
      : x instanceof TypedArray || x instanceof NativeArrayBuffer ? 'bytes'
      : typeof x === 'string' || x instanceof String ? 'string'
      : typeof x === 'function' ? 'function' : '';
    if (!kind) return x;
    return {
      get length() { return x.length; },
      set length(v) {
        if (kind === 'array') throw new TypeError('Assignment to a constant');
        if (kind === 'bytes') {
          throw new Error('Field or method "length" does not already exist, and can\\'t create it on ' + objectToString.call(x).slice(8, -1));
        }
        if (kind === 'function') Object.defineProperty(x, 'length', { value: v, writable: true, configurable: true });
        // a string's length stays what it is, without an error
      },
    };
  } });
  var exp = Math.exp, log = Math.log;
  // Espruino: exact repeated multiplication only for integer exponents 0..9, otherwise exp(log(x)*y).
  Math.pow = function (x, y) {
    if (y === Math.floor(y) && y >= 0 && y <= 9) { var r = 1; for (var i = 0; i < y; i++) r *= x; return r; }
    return exp(log(x) * y);
  };
  Math.random = host.random;
  var NativeDate = Date;
  function EspruinoDate(a, b, c, d, e, f, ms) {
    var n = arguments.length;
    if (!(this instanceof EspruinoDate)) return new NativeDate(host.nowMs()).toString();
    if (n === 0) return new NativeDate(host.nowMs());
    if (n === 1) return new NativeDate(a);
    return new NativeDate(a, b, c === undefined ? 1 : c, d || 0, e || 0, f || 0, ms || 0);
  }
  EspruinoDate.prototype = NativeDate.prototype;
  EspruinoDate.now = host.nowMs;
  EspruinoDate.parse = NativeDate.parse;
  g.Date = EspruinoDate;
  var fromCharCode = String.fromCharCode;
  String.fromCharCode = function () {
    var s = '';
    for (var i = 0; i < arguments.length; i++) s += fromCharCode(arguments[i] & 255);
    return s;
  };
  // Espruino's whitespace is TAB, LF, VT, FF, CR and space only (Node also strips NBSP and Unicode spaces).
  String.prototype.trim = function () {
    var t = String(this), a = 0, b = t.length;
    var ws = function (c) { return c === 9 || c === 10 || c === 11 || c === 12 || c === 13 || c === 32; };
    while (a < b && ws(t.charCodeAt(a))) a++;
    while (b > a && ws(t.charCodeAt(b - 1))) b--;
    return t.substring(a, b);
  };
  // Espruino's Number toString is Object's (jswrap_object.c jswrap_object_toString): an integer radix 2..36 goes to
  // ftoa_bounded_extra (jsutils.c) with that radix, any other argument gives the decimal text; no RangeError.
  Number.prototype.toString = function (radix) {
    var r = typeof radix === 'number' && radix % 1 === 0 && radix >= 2 && radix <= 36 ? radix : 10;
    return host.numberToString(+this, r);
  };
  Number.prototype.toFixed = function (digits) { return host.toFixed(+this, digits); };
  g.parseFloat = host.parseFloat;
  var stringify = JSON.stringify;
  JSON.stringify = function (value, replacer, space) {
    var numbers = [];
    var text = stringify(value, function (k, v) {
      if (typeof replacer === 'function') v = replacer.call(this, k, v);
      if (typeof v === 'number' && isFinite(v)) { numbers.push(v); return '\\u0000N' + (numbers.length - 1) + '\\u0000'; }
      return v;
    }, space);
    if (text === undefined) return text;
    return text.replace(/"\\\\u0000N(\\d+)\\\\u0000"/g, function (m, i) { return host.numberToString(numbers[+i]); });
  };
  // Espruino's sort is not stable: a plain quicksort, same comparator contract.
  Array.prototype.sort = function (cmp) {
    var a = this;
    var compare = cmp || function (x, y) {
      if (x === undefined) return y === undefined ? 0 : 1;
      if (y === undefined) return -1;
      var sx = String(x), sy = String(y);
      return sx < sy ? -1 : sx > sy ? 1 : 0;
    };
    var stack = [0, a.length - 1];
    while (stack.length) {
      var hi = stack.pop(), lo = stack.pop();
      if (lo >= hi) continue;
      var pivot = a[(lo + hi) >> 1], i = lo, j = hi;
      while (i <= j) {
        while (compare(a[i], pivot) < 0) i++;
        while (compare(a[j], pivot) > 0) j--;
        if (i <= j) { var t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
      }
      stack.push(lo, j, i, hi);
    }
    return a;
  };
  // ArrayBuffers hold at most 65535 bytes on Espruino (JSV_ARRAYBUFFER_MAX_LENGTH): allocations beyond it fail there.
  function checkSize(bytes) {
    if (bytes > 65535) throw new Error('ArrayBuffer too big: ' + bytes + ' bytes (Espruino allows at most 65535)');
  }
  // A typed array is made from a length, an ArrayBuffer, an Array or another typed array, nothing else: no argument,
  // undefined, null, a string or an array-like object throws (jswrap_arraybuffer.c, jswrap_typedarray_constructor).
  function checkTypedArraySource(a) {
    if (typeof a === 'number' || typeof a === 'boolean' || Array.isArray(a) || a instanceof NativeArrayBuffer ||
        a instanceof TypedArray) return;
    var type = a === undefined || a === null ? String(a) : typeof a === 'string' ? 'String' : typeof a === 'function' ? 'Function' : 'Object';
    throw new Error('Unsupported first argument of type ' + type);
  }
  function limited(Native, bytesPerElement) {
    var Limited = function (a, b, c) {
      if (!(this instanceof Limited)) throw new TypeError('Constructor requires new');
      if (Native !== NativeArrayBuffer) checkTypedArraySource(a);
      if (typeof a === 'number') checkSize(a * bytesPerElement);
      else if (a && typeof a.length === 'number' && !(a instanceof ArrayBuffer)) checkSize(a.length * bytesPerElement);
      return arguments.length > 1 ? new Native(a, b, c) : new Native(a);
    };
    Limited.prototype = Native.prototype;
    Object.defineProperty(Limited, 'name', { value: Native.name });
    if (Native.BYTES_PER_ELEMENT) Limited.BYTES_PER_ELEMENT = Native.BYTES_PER_ELEMENT;
    return Limited;
  }
  var NativeArrayBuffer = ArrayBuffer;
  g.ArrayBuffer = limited(NativeArrayBuffer, 1);
  ['Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
    'Float32Array', 'Float64Array'].forEach(function (n) { g[n] = limited(g[n], g[n].BYTES_PER_ELEMENT); });
  g.global = g;
})`;

/** Espruino's rand(): a multiply-with-carry PRNG with fixed seeds, so the sequence repeats at every boot. */
function espruinoRand(): () => number {
  let mw = 0xdeadbeef;
  let mz = 0xcafebabe;
  return () => {
    mz = (36969 * (mz & 65535) + (mz >>> 16)) >>> 0;
    mw = (18000 * (mw & 65535) + (mw >>> 16)) >>> 0;
    return (((mz << 16) >>> 0) + mw) >>> 0;
  };
}

export class EspruinoMachine {
  readonly time: TimeSource;
  readonly serial: { [K in SerialName]: SimSerial };
  readonly i2c: { I2C1: SimI2C; I2C2: SimI2C };
  readonly storage = new SimStorage();
  readonly flash = new SimFlash();
  readonly pins = new SimPins();
  readonly wifi = new SimWifi();
  readonly telnet = { mode: 'on' as 'on' | 'off' };
  /** Everything print()/console.log() produced, wherever the console was. */
  readonly printed: string[] = [];
  /** Uncaught exceptions, as Espruino would report them ("Uncaught ..."). */
  readonly uncaught: string[] = [];
  boots = 0;
  watchdogResets = 0;
  onReboot: ((reason: 'software' | 'watchdog') => void) | null = null;

  private context: vm.Context | null = null;
  private code = '';
  private fileName = '';
  private bootFile: string | null = null;
  private consoleDevice: SimSerial;
  private readonly jsVars: number;
  readonly board: 'ESP32' | 'LINUX';
  /** Firmware wall clock minus the time source: changed by setTime(), kept across soft resets like the ESP32 RTC. */
  clockOffsetMs = 0;
  /** V8's own estimate of this interpreter context's heap, refreshed asynchronously (vm.measureMemory). */
  contextBytes = 0;
  private measuring = false;
  private watchdogTimer = 0;
  private readonly bootTimers: number[] = [];

  constructor(options: MachineOptions = {}) {
    this.time = options.time ?? new RealTime();
    this.jsVars = options.jsVars ?? 16383;
    this.board = options.board ?? 'ESP32';
    if (options.clockUnset) this.clockOffsetMs = -Math.floor(this.time.nowMs());
    const random = seededRandom(options.seed ?? 1);
    const serial = {} as { [K in SerialName]: SimSerial };
    for (const n of SERIAL_NAMES) serial[n] = new SimSerial(n, random);
    for (const n of ['Serial1', 'Serial2', 'Serial3'] as const) serial[n].requirePath = this.board === 'LINUX';
    serial.LoopbackA.peer = serial.LoopbackB;
    serial.LoopbackB.peer = serial.LoopbackA;
    for (const n of SERIAL_NAMES) serial[n].onSetConsole = (d) => (this.consoleDevice = d);
    this.serial = serial;
    this.i2c = { I2C1: new SimI2C('I2C1'), I2C2: new SimI2C('I2C2') };
    this.consoleDevice = this.board === 'LINUX' ? serial.USB : serial.Serial1;
    this.pins.now = () => this.time.nowMs();
  }

  /** The wall clock as firmware code reads it (getTime, Date.now, new Date()). */
  firmwareClockMs(): number {
    return this.time.firmwareNowMs() + this.clockOffsetMs;
  }

  /** The UART the firmware's technician console uses on this board: Serial1 on the ESP32, the terminal on Linux. */
  consolePort(): SimSerial {
    return this.board === 'LINUX' ? this.serial.USB : this.serial.Serial1;
  }

  /** Loads and runs an Espruino bundle on a freshly reset interpreter; refuses code the device cannot run as V8 would. */
  boot(code: string, fileName = 'firmware.js'): void {
    const refused = unreproducedConstructs(code);
    if (refused.length) throw new SyntaxError(fileName + ' does not run on Espruino as it would in Node: ' + refused.join('; '));
    this.code = code;
    this.fileName = fileName;
    this.reset();
    vm.runInContext(reproduceLengthAssignments(code), this.context!, { filename: fileName });
  }

  /** Power-on as on the device: runs the boot file from Storage (the espruino CLI writes the firmware there). */
  powerOn(bootFile = '.bootcde'): void {
    const stored = this.storage.hostRead(bootFile);
    if (!stored) throw new Error('no ' + bootFile + ' in Storage: nothing to boot');
    this.bootFile = bootFile;
    this.boot(Buffer.from(stored).toString('latin1'), bootFile);
  }

  /** A reset: new interpreter state, same flash and peripherals, the stored code runs again. */
  reboot(reason: 'software' | 'watchdog' = 'software'): void {
    if (reason === 'watchdog') this.watchdogResets++;
    if (this.onReboot) this.onReboot(reason);
    if (this.bootFile) this.powerOn(this.bootFile);
    else this.boot(this.code, this.fileName);
  }

  /** Evaluates an expression in the running interpreter (conformance runners, tests). */
  evaluate(expression: string): unknown {
    if (!this.context) throw new Error('no firmware booted');
    return vm.runInContext(reproduceLengthAssignments(expression), this.context);
  }

  shutdown(): void {
    for (const id of this.bootTimers.splice(0)) this.time.clearTimer(id);
    this.time.dispose();
    this.context = null;
  }

  private reset(): void {
    for (const id of this.bootTimers.splice(0)) this.time.clearTimer(id);
    this.boots++;
    this.telnet.mode = 'on'; // Espruino switches Telnet on at every boot
    this.consoleDevice = this.board === 'LINUX' ? this.serial.USB : this.serial.Serial1;
    this.contextBytes = 0;
    const globals: { [k: string]: unknown } = {};
    this.context = vm.createContext(globals, { name: 'espruino', codeGeneration: { strings: true, wasm: false } });
    const realm: Realm = vm.runInContext('({ Uint8Array: Uint8Array, ArrayBuffer: ArrayBuffer, Error: Error })', this.context);
    const processListeners = new Listeners();
    const runtime: Runtime = {
      time: this.time,
      realm,
      invoke: (fn, args) => {
        try {
          fn.apply(undefined, args);
        } catch (e) {
          const message = e && typeof (e as Error).message === 'string' ? (e as Error).message : String(e);
          this.uncaught.push(message);
          if (processListeners.count('uncaughtException')) processListeners.emit(runtime, 'uncaughtException', [e]);
          else this.print('Uncaught ' + message);
        }
      },
    };
    for (const n of SERIAL_NAMES) this.serial[n].attach(runtime);
    this.i2c.I2C1.attach(runtime);
    this.i2c.I2C2.attach(runtime);
    this.storage.attach(runtime);
    this.flash.attach(runtime);
    this.wifi.attach(runtime);
    const rand = espruinoRand();
    vm.runInContext(PRELUDE, this.context)({
      missingGlobals: MISSING_GLOBALS,
      missingStatics: MISSING_STATICS,
      missingMethods: MISSING_METHODS_BY_OWNER,
      random: () => rand() / 4294967296,
      nowMs: () => this.firmwareClockMs(),
      numberToString: espruinoNumberToString,
      toFixed: espruinoToFixed,
      parseFloat: espruinoParseFloat,
      lengthTarget: LENGTH_TARGET,
    });
    Object.assign(globals, this.espruinoGlobals(runtime, rand, processListeners));
  }

  /**
   * Starts a measurement of the context's heap; process.memory() reports the latest one. It is a proxy only: V8
   * objects and Espruino's 14-byte JsVars differ, and V8 also counts compiled code that Espruino keeps in flash.
   */
  measureContextMemory(): void {
    if (this.measuring || !this.context) return;
    this.measuring = true;
    const context = this.context;
    // vm.measureMemory is marked experimental; keep its one-time warning off the technician console.
    const emitWarning = process.emitWarning;
    process.emitWarning = () => undefined;
    const measurement = vm.measureMemory({ mode: 'detailed', execution: 'eager' });
    process.emitWarning = emitWarning;
    measurement
      .then((r) => {
        const detailed = r as unknown as { other?: { jsMemoryEstimate: number }[] };
        const own = (detailed.other ?? []).map((o) => o.jsMemoryEstimate);
        if (this.context === context && own.length) this.contextBytes = Math.max(...own);
      })
      .catch(() => undefined)
      .finally(() => (this.measuring = false));
  }

  private print(text: string): void {
    this.printed.push(text);
    this.consoleDevice.write(text + '\r\n');
  }

  private timer(runtime: Runtime, fn: unknown, ms: unknown, repeat: boolean, args: unknown[]): number {
    if (typeof fn !== 'function') throw new Error('setTimeout/setInterval: expected a function');
    const id = this.time.setTimer(() => runtime.invoke(fn as () => void, args), Number(ms) || 0, repeat);
    this.bootTimers.push(id);
    return id;
  }

  private espruinoGlobals(runtime: Runtime, rand: () => number, processListeners: Listeners): { [k: string]: unknown } {
    const machine = this;
    const { realm } = runtime;
    const crypto = {
      SHA1: (d: unknown) => hash('sha1', d),
      SHA224: (d: unknown) => hash('sha224', d),
      SHA256: (d: unknown) => hash('sha256', d),
      SHA384: (d: unknown) => hash('sha384', d),
      SHA512: (d: unknown) => hash('sha512', d),
    };
    function hash(alg: string, d: unknown): ArrayBuffer {
      const digest = createHash(alg).update(toHostBytes(d)).digest();
      const ab = new realm.ArrayBuffer(digest.length);
      new realm.Uint8Array(ab).set(digest);
      return ab;
    }
    const modules: { [name: string]: unknown } = {
      Storage: bindAll(this.storage, ['write', 'read', 'readArrayBuffer', 'erase', 'list', 'getFree', 'getStats', 'compact']),
      Flash: bindAll(this.flash, ['read', 'write', 'erasePage', 'getPage', 'getFree']),
      crypto,
      net: netModule(runtime),
      tls: tlsModule(runtime),
      Wifi: bindAll(this.wifi, ['on', 'removeAllListeners', 'connect', 'disconnect', 'getIP', 'getStatus']),
      TelnetServer: {
        setOptions: (o: { mode: 'on' | 'off' }) => {
          machine.telnet.mode = o.mode;
        },
      },
    };
    const storageModules: { [name: string]: unknown } = {};
    const eListeners = new Listeners();
    let watchdog: { timeoutMs: number; lastKick: number } | null = null;
    const E = {
      on: (ev: string, fn: () => void) => eListeners.on(ev, fn),
      removeAllListeners: (ev?: string) => eListeners.removeAllListeners(ev),
      toUint8Array: (...args: unknown[]) => {
        const bytes = toHostBytes(args.length === 1 ? args[0] : args);
        const out = new realm.Uint8Array(bytes.length);
        out.set(bytes);
        return out;
      },
      toString: (...args: unknown[]) => toBinaryString(toHostBytes(args.length === 1 ? args[0] : args)),
      toArrayBuffer: (s: string) => {
        const bytes = toHostBytes(s);
        const ab = new realm.ArrayBuffer(bytes.length);
        new realm.Uint8Array(ab).set(bytes);
        return ab;
      },
      CRC32: (d: unknown) => crc32(Buffer.from(toHostBytes(d))) >>> 0,
      hwRand: () => rand() | 0,
      getSizeOf: (v: unknown) => Math.ceil(JSON.stringify(v ?? null).length / 10) + 1,
      getErrorFlags: () => [],
      enableWatchdog: (timeoutSeconds: number, isAuto?: boolean) => {
        if (isAuto !== false) return; // auto-kicked from the idle loop, which the simulator never starves
        watchdog = { timeoutMs: Math.round(timeoutSeconds) * 1000, lastKick: machine.time.nowMs() };
        if (machine.watchdogTimer) machine.time.clearTimer(machine.watchdogTimer);
        machine.watchdogTimer = machine.time.setTimer(() => {
          if (watchdog && machine.time.nowMs() - watchdog.lastKick > watchdog.timeoutMs) {
            machine.time.clearTimer(machine.watchdogTimer);
            machine.watchdogTimer = 0;
            machine.reboot('watchdog');
          }
        }, 100, true);
        machine.bootTimers.push(machine.watchdogTimer);
      },
      kickWatchdog: () => {
        if (watchdog) watchdog.lastKick = machine.time.nowMs();
      },
      setConsole: (device: string | null) => {
        machine.consoleDevice = device && device in machine.serial ? machine.serial[device as SerialName] : machine.serial.Serial1;
      },
      reboot: () => machine.time.setTimer(() => machine.reboot('software'), 0, false),
    };
    const g: { [k: string]: unknown } = {
      E,
      getTime: () => machine.firmwareClockMs() / 1000,
      setTime: (seconds: number) => {
        machine.clockOffsetMs = Number(seconds) * 1000 - machine.time.nowMs();
      },
      setTimeout: (fn: unknown, ms: unknown, ...args: unknown[]) => machine.timer(runtime, fn, ms, false, args),
      setInterval: (fn: unknown, ms: unknown, ...args: unknown[]) => machine.timer(runtime, fn, ms, true, args),
      clearTimeout: (id: number) => machine.time.clearTimer(id),
      clearInterval: (id: number) => machine.time.clearTimer(id),
      print: (...args: unknown[]) => machine.print(args.map((a) => String(a)).join(' ')),
      console: { log: (...args: unknown[]) => machine.print(args.map((a) => String(a)).join(' ')) },
      btoa: (s: string) => Buffer.from(toHostBytes(String(s))).toString('base64'),
      atob: (s: string) => toBinaryString(Buffer.from(String(s), 'base64')),
      digitalWrite: (p: unknown, v: unknown) => machine.pins.digitalWrite(p, v),
      digitalRead: (p: unknown) => machine.pins.digitalRead(p),
      // Drives the pin to `value`, then toggles it after each duration (ms), as the ESP32's RMT-timed pulse does.
      digitalPulse: (p: unknown, value: unknown, time: unknown) => {
        const durations = (Array.isArray(time) ? time : [time]).map((t) => Number(t));
        let level = value ? 1 : 0;
        machine.pins.digitalWrite(p, level);
        let at = 0;
        for (const d of durations) {
          at += d;
          level ^= 1;
          const l = level;
          machine.time.setTimer(() => machine.pins.digitalWrite(p, l), at, false);
        }
      },
      pinMode: (p: unknown, m: unknown) => machine.pins.pinMode(p, m),
      load: (file?: string) => machine.time.setTimer(() => machine.powerOn(file ?? '.bootcde'), 0, false),
      require: (name: string) => {
        if (name in modules) return modules[name];
        if (name in storageModules) return storageModules[name];
        // A Storage file is evaluated as a module with its own scope and `exports` (src/jswrap_modules.c).
        const text = machine.storage.hostRead(name);
        if (!text) throw new Error('Module ' + name + ' not found');
        const code = Buffer.from(text).toString('latin1');
        const refused = unreproducedConstructs(code);
        if (refused.length) throw new SyntaxError(name + ' does not run on Espruino as it would in Node: ' + refused.join('; '));
        const exports = {};
        const load = vm.runInContext('(function (exports, module) {' + reproduceLengthAssignments(code) + '\n})', machine.context!, { filename: name });
        load(exports, { exports: exports });
        storageModules[name] = exports;
        return exports;
      },
      Modules: {
        removeCached: (name: string) => {
          if (!(name in storageModules)) throw new Error('Module ' + name + ' not found');
          delete storageModules[name];
        },
        getCached: () => Object.keys(modules).concat(Object.keys(storageModules)),
      },
      process: {
        env: { VERSION: '2v29', BOARD: machine.board },
        memory: () => {
          machine.measureContextMemory();
          const usage = Math.min(machine.jsVars, Math.ceil(machine.contextBytes / BYTES_PER_BLOCK_ESTIMATE));
          return { free: machine.jsVars - usage, usage, total: machine.jsVars, history: 0, gc: 0, gctime: 0, blocksize: 14 };
        },
        on: (ev: string, fn: () => void) => processListeners.on(ev, fn),
      },
    };
    for (const n of SERIAL_NAMES) {
      if (n === 'USB' && this.board !== 'LINUX') continue;
      g[n] = bindAll(this.serial[n], ['setup', 'write', 'print', 'println', 'on', 'removeAllListeners', 'setConsole']);
    }
    for (const n of ['I2C1', 'I2C2'] as const) g[n] = bindAll(this.i2c[n], ['setup', 'writeTo', 'readFrom']);
    return g;
  }
}

/** The firmware sees plain objects with bound methods, not the simulator's classes and their host-only members. */
function bindAll<T extends object>(target: T, methods: string[]): { [k: string]: unknown } {
  const out: { [k: string]: unknown } = {};
  for (const m of methods) out[m] = (target as { [k: string]: any })[m].bind(target);
  return out;
}
