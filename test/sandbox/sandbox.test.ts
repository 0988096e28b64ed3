// The Espruino-profile sandbox must expose only what Espruino has and behave like it where Node differs.
import { describe, expect, it } from 'vitest';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { FLASH_BASE } from '../../host-sim/espruino/flash';
import { runScript } from '../gate/interpreter';

function machine(): { m: EspruinoMachine; time: VirtualTime } {
  const time = new VirtualTime(Date.UTC(2026, 8, 1));
  const m = new EspruinoMachine({ time, seed: 7 });
  m.boot('var booted = true;');
  return { m, time };
}

describe('globals and builtins', () => {
  it('removes what Espruino lacks', () => {
    const { m } = machine();
    expect(
      m.evaluate(
        '[typeof Map, typeof Set, typeof Symbol, typeof Proxy, typeof Reflect, typeof BigInt, typeof TextEncoder,' +
          ' typeof queueMicrotask, typeof setImmediate, typeof Array.from, typeof Object.freeze, typeof Number.isInteger,' +
          ' typeof Math.trunc, typeof Date.UTC, typeof "".trimStart, typeof [].flat, typeof [].at, typeof Promise.race,' +
          ' typeof (1).toPrecision, typeof new Date().setUTCHours, typeof Promise.resolve().finally, typeof process.nextTick]',
      ),
    ).toEqual(Array(22).fill('undefined'));
  });

  it('removes the further members Espruino lacks', () => {
    const { m } = machine();
    const removed = [
      'new Uint8Array(2).slice', 'Uint8Array.from', 'Float64Array.of', 'new Uint8Array(2).toSorted', 'new Float32Array(2).with', '[].toSorted', '[].toReversed',
      '[].toSpliced', '[].with', '" ".trimLeft', '" ".isWellFormed', '"a".toLocaleUpperCase', '(1).toLocaleString',
      '({}).toLocaleString', 'new Date(0).toLocaleDateString', 'new DataView(new ArrayBuffer(8)).getBigUint64',
      'new DataView(new ArrayBuffer(8)).setBigInt64', 'Object.hasOwn', 'decodeURI', 'URIError', 'EvalError',
      'AggregateError',
    ];
    expect(m.evaluate('[' + removed.map((e) => 'typeof ' + e).join(', ') + ']')).toEqual(removed.map(() => 'undefined'));
    expect(m.evaluate('[typeof new Uint8Array(2).subarray, typeof new Uint8Array(2).set, typeof decodeURIComponent]')).toEqual(
      Array(3).fill('function'),
    );
  });

  it('rejects a subarray past the end, which Espruino does not clamp', () => {
    const { m } = machine();
    expect(m.evaluate('new Uint8Array(4).subarray(1, 4).length')).toBe(3);
    expect(() => m.evaluate('new Uint8Array(4).subarray(2, 10)')).toThrow(/does not clamp/);
  });

  it('keeps what Espruino has', () => {
    const { m } = machine();
    expect(
      m.evaluate(
        '[typeof E.toUint8Array, typeof getTime, typeof require("Storage").write, typeof Serial2.setup, typeof I2C1.writeTo,' +
          ' typeof [].find, typeof "".padStart, typeof Object.entries, typeof Promise.all, typeof DataView, typeof LoopbackB.on]',
      ),
    ).toEqual(Array(11).fill('function'));
  });

  it('prints numbers as Espruino does, through toString, toFixed and JSON', () => {
    const { m } = machine();
    expect(m.evaluate('[(1/3).toString(), (2.5).toFixed(0), JSON.stringify({a: 1/3, b: [6087.16]})]')).toEqual([
      '0.33333333333',
      '2',
      '{"a":0.33333333333,"b":[6087.16]}',
    ]);
  });

  it('makes Math.pow inexact beyond small integer exponents, like Espruino', () => {
    const { m } = machine();
    expect(m.evaluate('Math.pow(2, 8)')).toBe(256);
    expect(m.evaluate('Math.pow(2, 32) === 4294967296')).toBe(false);
  });

  it('has fractional Date.now() and the same Math.random() sequence at every boot', () => {
    const { m } = machine();
    expect((m.evaluate('Date.now()') as number) % 1).not.toBe(0);
    const first = m.evaluate('[Math.random(), Math.random()]');
    m.reboot();
    expect(m.evaluate('[Math.random(), Math.random()]')).toEqual(first);
  });

  it('limits ArrayBuffers to 65535 bytes, as Espruino does, and keeps instanceof working', () => {
    const { m } = machine();
    expect(m.evaluate('new Uint8Array(65535).length')).toBe(65535);
    expect(() => m.evaluate('new Uint8Array(65536)')).toThrow(/ArrayBuffer too big/);
    expect(() => m.evaluate('new Float64Array(8192)')).toThrow(/ArrayBuffer too big/);
    expect(() => m.evaluate('new ArrayBuffer(70000)')).toThrow(/ArrayBuffer too big/);
    expect(m.evaluate('[new Uint8Array(4) instanceof Uint8Array, new Uint8Array(4).buffer instanceof ArrayBuffer,' +
      ' new DataView(new ArrayBuffer(8)).byteLength, new Uint8Array(new ArrayBuffer(8), 2, 4).length, Uint8Array.BYTES_PER_ELEMENT]'))
      .toEqual([true, true, 8, 4, 1]);
  });

  it('makes typed arrays only from a length, an ArrayBuffer, an Array or a typed array, as the real interpreter does', async () => {
    const sources = ['', 'undefined', 'null', '{ length: 2 }', '"3"', 'new DataView(new ArrayBuffer(4))', 'true', '2.7', '[1, 2]',
      'new Uint16Array(3)', 'new ArrayBuffer(4)'];
    const probe = 'var out = [];\n' +
      sources.map((a) => 'try { out.push(new Uint8Array(' + a + ').length); } catch (e) { out.push(e.message); }\n').join('');
    const unsupported = (type: string): string => 'Unsupported first argument of type ' + type;
    const expected = [unsupported('undefined'), unsupported('undefined'), unsupported('null'), unsupported('Object'),
      unsupported('String'), unsupported('Object'), '1', '2', '2', '3', '4'].join('|');
    const { m } = machine();
    expect(m.evaluate(probe + 'out.join("|")')).toBe(expected);
    expect(await runScript(probe + 'print(out.join("|"));')).toEqual({ output: expected + '\n', completed: true });
  });

  it("refuses to boot code Espruino does not run as V8 does: keyword names, class self-references, instance fields", () => {
    const m = new EspruinoMachine({ time: new VirtualTime(0) });
    expect(() => m.boot('function of(v) { return v; }')).toThrow(/espruino-reserved-word at 1:10/);
    expect(() => m.boot('class A { delete() {} }')).toThrow(/member-name/);
    expect(() => m.boot('var A = class B { m() { return new B(); } };')).toThrow(/class-self-reference/);
    expect(() => m.boot('class A { list = []; }')).toThrow(/class-instance-field/);
    m.boot('class A { m() { return new A(); } } var ok = new A().m() instanceof A;');
    expect(m.evaluate('ok')).toBe(true);
  });

  it("trims only Espruino's whitespace", () => {
    const { m } = machine();
    expect(m.evaluate('" \\t\\r\\nab \\n".trim()')).toBe('ab');
    expect(m.evaluate('"\\xa0ab\\xa0".trim().length')).toBe(4);
  });

  it('truncates String.fromCharCode to 8 bits', () => {
    const { m } = machine();
    expect(m.evaluate('String.fromCharCode(0x20ac).charCodeAt(0)')).toBe(0xac);
  });

  it('reports uncaught errors in callbacks and keeps running', () => {
    const { m, time } = machine();
    m.evaluate('setTimeout(function(){ throw new Error("boom"); }, 10); setTimeout(function(){ globalThis.after = 1; }, 20);');
    time.advance(50);
    expect(m.uncaught).toEqual(['boom']);
    expect(m.printed).toContain('Uncaught boom');
    expect(m.evaluate('after')).toBe(1);
  });
});

describe('peripherals', () => {
  it('delivers serial input in 1..64-byte chunks as binary strings', () => {
    const { m, time } = machine();
    m.evaluate('var chunks = []; Serial2.setup(9600, {rx: 16, tx: 17}); Serial2.on("data", function (d) { chunks.push(d); });');
    const bytes = new Uint8Array(150).map((_, i) => (i * 7) & 255);
    m.serial.Serial2.send(bytes);
    time.advance(1);
    const chunks = m.evaluate('chunks') as string[];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.length >= 1 && c.length <= 64)).toBe(true);
    expect(Array.from(chunks.join(''), (c) => c.charCodeAt(0))).toEqual(Array.from(bytes));
  });

  it('Storage: 28-byte names, writes only into erased bytes, replace leaves trash', () => {
    const { m } = machine();
    m.evaluate('var S = require("Storage"); S.write("a".repeat(29), "x"); S.write("f", "\\xff\\xff\\xff\\xff", 0, 4); S.write("f", "ab", 1);');
    expect(m.storage.list()).toContain('a'.repeat(28));
    expect(m.evaluate('S.read("f")')).toBe('\xffab\xff');
    expect(() => m.evaluate('S.write("f", "zz", 1)')).toThrow('File already written with different data');
    m.evaluate('S.write("f", "new")');
    expect(m.evaluate('S.getStats().trashCount')).toBe(1);
  });

  it('Flash: writes only clear bits, erase restores 0xFF per page', () => {
    const { m } = machine();
    m.evaluate('var F = require("Flash"); F.write(new Uint8Array([0xf0, 0x0f]), ' + FLASH_BASE + '); F.write(new Uint8Array([0x3c, 0xff]), ' + FLASH_BASE + ');');
    expect(Array.from(m.evaluate('F.read(3, ' + FLASH_BASE + ')') as Uint8Array)).toEqual([0x30, 0x0f, 0xff]);
    m.evaluate('F.erasePage(' + (FLASH_BASE + 10) + ')');
    expect(Array.from(m.evaluate('F.read(2, ' + FLASH_BASE + ')') as Uint8Array)).toEqual([0xff, 0xff]);
    expect(() => m.evaluate('F.read(4, 0x300000)')).toThrow(/outside the free partition/);
  });

  it('crypto.SHA256 returns an ArrayBuffer of the sandbox realm; E.CRC32 matches zlib CRC-32', () => {
    const { m } = machine();
    expect(m.evaluate('require("crypto").SHA256("abc") instanceof ArrayBuffer')).toBe(true);
    expect(m.evaluate('E.toUint8Array(require("crypto").SHA256("abc"))[0]')).toBe(0xba);
    expect(m.evaluate('E.CRC32("123456789")')).toBe(0xcbf43926);
  });

  it('I2C: a NACK throws as on the ESP32', () => {
    const { m } = machine();
    m.evaluate('I2C1.setup({scl: 22, sda: 21, bitrate: 100000})');
    expect(() => m.evaluate('I2C1.writeTo(0x60, [1])')).toThrow("I2C1.writeTo: slave doesn't ACK the transfer");
  });

  it('digitalPulse drives a pin for the given time (RS-485 DE timing)', () => {
    const { m, time } = machine();
    const t0 = time.nowMs();
    m.evaluate('digitalPulse("D4", 1, 2.5)');
    time.advance(5);
    const writes = m.pins.writes.filter((w) => w.pin === 'D4');
    expect(writes.map((w) => w.value)).toEqual([1, 0]);
    expect(writes[1].tMs - writes[0].tMs).toBeCloseTo(2.5, 6);
    expect(writes[0].tMs).toBeGreaterThanOrEqual(t0);
  });

  it('a watchdog that is not kicked resets the machine', () => {
    const { m, time } = machine();
    m.evaluate('E.enableWatchdog(2, false)');
    time.advance(1500);
    expect(m.watchdogResets).toBe(0);
    time.advance(1500);
    expect(m.watchdogResets).toBe(1);
    expect(m.boots).toBe(2);
  });
});
