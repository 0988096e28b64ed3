// The module configuration: the embedded default and its jurisdiction variants are valid, every error class names
// its exact JSON path, decimals must be strings, the text reader is strict JSON, and nothing throws on any input
// (seeded fuzz). The same checks run bundled in the Espruino-profile sandbox with identical results.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleSource } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { Prng } from '../../host-sim/prng';
import { compileConfig, validateConfig } from '../../protocol/cems/config';
import { PROFILES } from '../../protocol/cems/profiles';
import { resolveModbusConfig, validateModbusConfig } from '../../protocol/modbus/config';
import { MAX_CONFIG_TEXT, parseModuleConfigText, validateModuleConfig } from '../../protocol/module/config';
import { readConfigJson } from '../../protocol/module/config-json';
import { DEFAULT_CONFIG, DEFAULT_JURISDICTIONS, defaultConfigFor } from '../../protocol/module/default-config';
import { DEFAULT_MODBUS } from '../../protocol/module/default-modbus';

const DECIMALS = 'write decimals as strings, e.g. "12.5"';
/** Names an Object.prototype lookup would find. */
const PROTO_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
const DEFAULT_TEXT = JSON.stringify(DEFAULT_CONFIG, null, 2);

type Any = any;

function copy(): Any {
  return JSON.parse(DEFAULT_TEXT);
}

/** Errors of the default configuration after `edit`. */
function errorsAfter(edit: (c: Any) => void): string[] {
  const c = copy();
  edit(c);
  const r = validateModuleConfig(c);
  expect(r.config === null).toBe(r.errors.length > 0);
  return r.errors;
}

function channelIndex(c: Any, id: string): number {
  return (c.emissions.channels as { id: string }[]).findIndex((ch) => ch.id === id);
}

describe('embedded default configuration', () => {
  it('is valid, and its JSON text reads back to the same configuration', () => {
    expect(validateModuleConfig(DEFAULT_CONFIG)).toEqual({ config: DEFAULT_CONFIG, errors: [] });
    const r = parseModuleConfigText(DEFAULT_TEXT);
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.modbus).toBe(DEFAULT_MODBUS);
  });

  it('is the example in docs/configuration.md', () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(doc);
    expect(block).not.toBeNull();
    const r = parseModuleConfigText(block![1]);
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual(DEFAULT_CONFIG);
  });

  it('describes the delivered plant: IED LCP hourly at 6 % O2, NOx as NO2, CO2 mass, flow from a 3 m duct', () => {
    const e = compileConfig(DEFAULT_CONFIG.emissions);
    expect(e.profile.id).toBe('EU_IED_LCP');
    expect(e.profile.periodMinutes).toBe(60);
    expect(e.o2RefPct).toBe(6);
    expect(e.flow!.areaM2).toBeCloseTo(Math.PI * 1.5 * 1.5, 12);
    const out = (id: string) => e.outputs[e.outIndex[id]];
    expect(out('nox.ref').elvDaily).toBe(200);
    expect(out('so2.ref').elvDaily).toBe(200);
    expect(out('co.ref').elvDaily).toBe(200);
    expect(out('dust.ref').elvDaily).toBe(20);
    expect(out('co2.mass').unit).toBe('t/h');
    expect(out('nox.mass').unit).toBe('kg/h');
    expect(e.outIndex['no.mass']).toBeUndefined();
    expect(e.channels[e.chanIndex.so2].calB).toBe(1031 / 1000);
    // Every measured channel is a Modbus channel, and the other way round.
    const modbusIds = DEFAULT_MODBUS.devices.flatMap((d) => d.channels.map((c) => c.id)).sort();
    const measured = e.channels.filter((c) => c.sumOf.length === 0).map((c) => c.id).sort();
    expect(measured).toEqual(modbusIds);
    expect(DEFAULT_CONFIG.records).toEqual({
      signer: 'atecc608',
      atecc608: { bus: 'I2C1', scl: 22, sda: 21, address: 0x60, slot: 0, gpioWake: false },
      timeSource: 'ntp',
    });
    expect(DEFAULT_CONFIG.analyzers.map((a) => a.device)).toEqual(DEFAULT_MODBUS.devices.map((d) => d.id));
  });

  it.each(DEFAULT_JURISDICTIONS)('the %s variant is valid and runs that profile', (j) => {
    const c = defaultConfigFor(j);
    expect(validateModuleConfig(c).errors).toEqual([]);
    expect(parseModuleConfigText(JSON.stringify(c)).errors).toEqual([]);
    expect(compileConfig(c.emissions).profile.id).toBe(j);
  });

  it('variants differ only in the emissions section', () => {
    const a = defaultConfigFor('US_P75') as Any;
    const b = defaultConfigFor('EU_IED_LCP') as Any;
    expect({ ...a, emissions: null }).toEqual({ ...b, emissions: null });
    const p75 = compileConfig(a.emissions);
    expect(p75.outputs[p75.outIndex['so2.dry']].mpc).toBe(5330);
  });
});

describe('module-level fields', () => {
  it('version', () => {
    expect(errorsAfter((c) => delete c.version)).toEqual(['version: required']);
    expect(errorsAfter((c) => (c.version = 2))).toEqual(['version: unsupported version 2 (this firmware reads version 1)']);
    expect(errorsAfter((c) => (c.version = '1'))).toEqual(['version: must be an integer']);
  });

  it('missing and mistyped sections', () => {
    expect(errorsAfter((c) => delete c.site)).toEqual(['site: required']);
    expect(errorsAfter((c) => (c.records = []))).toEqual(['records: must be an object']);
    expect(errorsAfter((c) => (c.analyzers = {}))).toEqual(['analyzers: must be an array']);
    expect(validateModuleConfig([1])).toEqual({ config: null, errors: ['config: must be an object'] });
    expect(validateModuleConfig(null).errors).toEqual(['config: must be an object']);
  });

  it('unknown fields are named (typos do not pass silently)', () => {
    expect(
      errorsAfter((c) => {
        c.site.facilityID = c.site.facilityId;
        delete c.site.facilityId;
      }),
    ).toEqual([
      'site.facilityID: unknown field (expected facilityId, installationId, stackId, monitoringLocationId, monitoringPlanVersion)',
      'site.facilityId: required',
    ]);
    expect(errorsAfter((c) => (c.record = {}))[0]).toMatch(/^record: unknown field/);
  });

  it('device id: 1..32 characters of A-Z a-z 0-9 . _ -', () => {
    const msg = 'device.id: must be 1..32 characters of A-Z a-z 0-9 . _ -';
    expect(errorsAfter((c) => (c.device.id = 'cems/01'))).toEqual([msg]);
    expect(errorsAfter((c) => (c.device.id = 'x'.repeat(33)))).toEqual([msg]);
    expect(errorsAfter((c) => (c.device.id = ''))).toEqual([msg]);
    expect(errorsAfter((c) => (c.device.id = 'cems_01.plant-A'))).toEqual([]);
  });

  it('site ids: printable ASCII, 1..64 characters, no surrounding spaces', () => {
    expect(errorsAfter((c) => (c.site.facilityId = 'Kraftwerk S\u00fcd'))).toEqual(['site.facilityId: must be printable ASCII']);
    expect(errorsAfter((c) => (c.site.stackId = 'S'.repeat(65)))).toEqual(['site.stackId: must be 1..64 characters']);
    expect(errorsAfter((c) => (c.site.installationId = ' LCP 1'))).toEqual([
      'site.installationId: must not begin or end with a space',
    ]);
    expect(errorsAfter((c) => (c.site.monitoringPlanVersion = 3))).toEqual(['site.monitoringPlanVersion: must be a string']);
    expect(errorsAfter((c) => (c.site.facilityId = 'DE.CAED/000123456 (Block 4)'))).toEqual([]);
  });

  it('analyzer fields', () => {
    expect(errorsAfter((c) => delete c.analyzers[1].serial)).toEqual(['analyzers[1].serial: required']);
    expect(errorsAfter((c) => (c.analyzers[2] = 'stack'))).toEqual([
      'analyzers[2]: must be an object',
      'analyzers: no entry for Modbus device "stack", which feeds emissions channels velocity, temperature, static_pressure, moisture, dust (model, serial and QAL1 certificate are required for records)',
    ]);
  });
});

describe('sections through their own validators, paths prefixed', () => {
  it('modbus', () => {
    expect(errorsAfter((c) => (c.modbus.devices[1].address = 0))).toEqual([
      'modbus.devices[1].address: expected an integer in 1..247',
    ]);
    expect(errorsAfter((c) => (c.modbus.buses[0].parity = 'mark'))).toEqual([
      'modbus.buses[0].parity: expected one of none,even,odd',
    ]);
  });

  it('emissions', () => {
    expect(errorsAfter((c) => (c.emissions.channels[2].calibration.b = '-1'))).toEqual([
      'emissions.channels[2].calibration.b: the QAL2 slope must be > 0',
    ]);
    expect(errorsAfter((c) => delete c.emissions.channels[channelIndex(c, 'dust')].elvDaily)).toEqual([
      'emissions.channels[11].elvDaily: required',
    ]);
    expect(errorsAfter((c) => (c.emissions = 'EU_IED_LCP'))).toEqual(['emissions: must be an object']);
  });

  it.each(PROTO_NAMES)('"%s" as a profile is an unknown profile of its section', (name) => {
    expect(errorsAfter((c) => (c.emissions.profile = name))).toEqual([
      'emissions.profile: must be one of ' + Object.keys(PROFILES).join(', '),
    ]);
    expect(errorsAfter((c) => (c.modbus.devices[0].profile = name))).toEqual([
      'modbus.devices[0].profile: unknown profile "' + name + '"',
    ]);
  });
});

describe('references between sections', () => {
  it('a measured emissions channel must be a Modbus channel', () => {
    expect(errorsAfter((c) => c.emissions.channels.push({ id: 'hcl', quantity: 'HCL', unit: 'ppm' }))).toEqual([
      'emissions.channels[12].id: no Modbus channel "hcl"',
    ]);
    // A derived channel is not read from Modbus.
    expect(errorsAfter((c) => c.emissions.channels.push({ id: 'nox2', quantity: 'NOX', unit: 'ppm', water: 'WET', sumOf: ['no', 'no2'], elvDaily: 200 }))).toEqual([]);
  });

  it('analyzers[].device must be a Modbus device', () => {
    expect(errorsAfter((c) => (c.analyzers[0].device = 'gm3'))).toEqual([
      'analyzers[0].device: no Modbus device "gm3"',
      'analyzers: no entry for Modbus device "gm32", which feeds emissions channels so2, no, no2 (model, serial and QAL1 certificate are required for records)',
    ]);
    expect(errorsAfter((c) => c.analyzers.push({ ...c.analyzers[0] }))).toEqual([
      'analyzers[3].device: duplicate entry for device "gm32"',
    ]);
  });

  it('every Modbus device feeding emissions has an analyzers[] entry', () => {
    expect(errorsAfter((c) => c.analyzers.splice(1, 1))).toEqual([
      'analyzers: no entry for Modbus device "xstream", which feeds emissions channels co2, o2, co (model, serial and QAL1 certificate are required for records)',
    ]);
    // A device that feeds no emissions channel needs none.
    expect(
      errorsAfter((c) => {
        c.modbus.devices.push({ id: 'diag', bus: 'rs485', address: 9, profile: 'FLOAT32_BLOCK', channels: [{ id: 'cabinet_t', register: 'v1', periodMs: 60000 }] });
      }),
    ).toEqual([]);
  });

  it('a QAL1 certificate is required unless the device only measures temperature and pressure', () => {
    expect(errorsAfter((c) => (c.analyzers[0].qal1Certificate = ''))).toEqual([
      'analyzers[0].qal1Certificate: required: device "gm32" measures SO2, NO, NO2 (EN 15267 QAL1)',
    ]);
    const peripheralOnly = (c: Any) => {
      const stack = c.modbus.devices[2];
      stack.channels = stack.channels.filter((ch: Any) => ch.id !== 'temperature' && ch.id !== 'static_pressure');
      c.modbus.devices.push({
        id: 'tp', bus: 'rs485', address: 4, profile: 'FLOAT32_BLOCK',
        channels: [{ id: 'temperature', register: 'v1', periodMs: 2000 }, { id: 'static_pressure', register: 'v2', periodMs: 2000 }],
      });
      c.analyzers.push({ device: 'tp', model: 'PT100 and pressure transmitter', serial: 'TP-1', qal1Certificate: '' });
    };
    expect(errorsAfter(peripheralOnly)).toEqual([]);
  });

  it('a channel polled less often than emissions.scanIntervalMs', () => {
    expect(errorsAfter((c) => (c.modbus.devices[0].channels[0].periodMs = 5000))).toEqual([
      'modbus.devices[0].channels[0].periodMs: 5000 ms is slower than emissions.scanIntervalMs (2000 ms) for "so2"',
    ]);
    expect(errorsAfter((c) => (c.modbus.devices[0].channels[0].periodMs = 1000))).toEqual([]);
  });

  it('a register unit that differs from the unscaled emissions channel unit', () => {
    expect(errorsAfter((c) => (c.emissions.channels[channelIndex(c, 'static_pressure')].unit = 'kPa'))).toEqual([
      'emissions.channels[9].unit: "kPa", but Modbus register "static_pressure" of device "stack" reports "Pa" (convert with scale)',
    ]);
    expect(
      errorsAfter((c) => {
        const ch = c.emissions.channels[channelIndex(c, 'static_pressure')];
        ch.unit = 'kPa';
        ch.scale = { gain: '0.001' };
      }),
    ).toEqual([]);
  });
});

describe('records section', () => {
  const hmac = { signer: 'hmac', hmacKeyFile: 'cems.key', kid: '0a1b2c3d', timeSource: 'gnss', reserveBlock: 32 };

  it('an HMAC signer with its key file and kid is valid', () => {
    expect(errorsAfter((c) => (c.records = { ...hmac }))).toEqual([]);
  });

  it('signer, time source and reserve block', () => {
    expect(errorsAfter((c) => (c.records.signer = 'rsa'))).toEqual(['records.signer: must be one of atecc608, hmac']);
    expect(errorsAfter((c) => (c.records.timeSource = 'gps'))).toEqual(['records.timeSource: must be one of ntp, gnss, rtc, manual']);
    expect(errorsAfter((c) => (c.records.reserveBlock = 0))).toEqual(['records.reserveBlock: must be an integer in 1..1024']);
    expect(errorsAfter((c) => (c.records.reserveBlock = 1025))).toEqual(['records.reserveBlock: must be an integer in 1..1024']);
    expect(errorsAfter((c) => (c.records.reserveBlock = 1024))).toEqual([]);
  });

  it('the sub-configuration matches the signer', () => {
    expect(errorsAfter((c) => delete c.records.atecc608)).toEqual(['records.atecc608: required with signer "atecc608"']);
    expect(errorsAfter((c) => (c.records.hmacKeyFile = 'cems.key'))).toEqual(['records.hmacKeyFile: only used with signer "hmac"']);
    expect(errorsAfter((c) => (c.records = { ...hmac, atecc608: {} }))).toEqual(['records.atecc608: only used with signer "atecc608"']);
  });

  it('hmacKeyFile is a Storage name of at most 28 bytes', () => {
    const msg = 'records.hmacKeyFile: must be 1..28 characters of A-Z a-z 0-9 . _ -';
    expect(errorsAfter((c) => (c.records = { ...hmac, hmacKeyFile: 'k'.repeat(29) }))).toEqual([msg]);
    expect(errorsAfter((c) => (c.records = { ...hmac, hmacKeyFile: 'k'.repeat(28) }))).toEqual([]);
    expect(errorsAfter((c) => (c.records = { ...hmac, hmacKeyFile: 'keys/cems' }))).toEqual([msg]);
    expect(errorsAfter((c) => (c.records = { ...hmac, hmacKeyFile: undefined }))).toEqual(['records.hmacKeyFile: required']);
    expect(errorsAfter((c) => (c.records = { ...hmac, hmacKeyFile: '.bootcde' }))).toEqual([
      'records.hmacKeyFile: names starting with "." are Espruino system files',
    ]);
  });

  it('kid is hex text of 1..32 bytes, required for HMAC', () => {
    const msg = 'records.kid: must be hex text of 1..32 bytes (2..64 hex digits)';
    expect(errorsAfter((c) => (c.records = { ...hmac, kid: undefined }))).toEqual([
      'records.kid: required with signer "hmac" (the verifier finds the key by it)',
    ]);
    expect(errorsAfter((c) => (c.records = { ...hmac, kid: 'abc' }))).toEqual([msg]);
    expect(errorsAfter((c) => (c.records = { ...hmac, kid: 'zz' }))).toEqual([msg]);
    expect(errorsAfter((c) => (c.records = { ...hmac, kid: 'ab'.repeat(33) }))).toEqual([msg]);
    expect(errorsAfter((c) => (c.records = { ...hmac, kid: 'AB'.repeat(32) }))).toEqual([]);
    expect(errorsAfter((c) => (c.records.kid = '00112233'))).toEqual([]);
  });

  it('ATECC608 bus, address, slot and wake mode', () => {
    expect(errorsAfter((c) => (c.records.atecc608.bus = 'I2C3'))).toEqual(['records.atecc608.bus: must be one of I2C1, I2C2']);
    expect(errorsAfter((c) => (c.records.atecc608.address = 0xc0))).toEqual([
      'records.atecc608.address: must be a 7-bit I2C address 8..119 (96 = 0x60 default, 0x35 Trust&GO, 0x36 TrustFLEX)',
    ]);
    expect(errorsAfter((c) => (c.records.atecc608.address = 0x35))).toEqual([]);
    expect(errorsAfter((c) => (c.records.atecc608.slot = 16))).toEqual(['records.atecc608.slot: must be an integer in 0..15']);
    expect(errorsAfter((c) => (c.records.atecc608.gpioWake = 'yes'))).toEqual(['records.atecc608.gpioWake: must be true or false']);
    expect(errorsAfter((c) => delete c.records.atecc608.gpioWake)).toEqual(['records.atecc608.gpioWake: required']);
  });

  it('ATECC608 pins: ESP32 GPIOs that can drive I2C and are not used by the Modbus buses', () => {
    expect(errorsAfter((c) => (c.records.atecc608.scl = 'D22'))).toEqual([]);
    expect(errorsAfter((c) => (c.records.atecc608.scl = 34))).toEqual(['records.atecc608.scl: GPIO 34 is input-only']);
    expect(errorsAfter((c) => (c.records.atecc608.scl = 'D7'))).toEqual(['records.atecc608.scl: GPIO 7 is wired to the SPI flash']);
    expect(errorsAfter((c) => (c.records.atecc608.scl = 24))).toEqual(['records.atecc608.scl: the ESP32 has no GPIO 24']);
    expect(errorsAfter((c) => (c.records.atecc608.scl = 1))).toEqual([
      'records.atecc608.scl: GPIO 1 carries the technician console (Serial1)',
    ]);
    expect(errorsAfter((c) => (c.records.atecc608.scl = 'SCL'))).toEqual([
      'records.atecc608.scl: must be a GPIO number or a pin name such as "D22"',
    ]);
    // I2C2's default pins are the RS-485 pins of the default plant.
    expect(errorsAfter((c) => Object.assign(c.records.atecc608, { bus: 'I2C2', scl: 16, sda: 'D17' }))).toEqual([
      'records.atecc608.scl: GPIO 16 is already modbus.buses[0].rx',
      'records.atecc608.sda: GPIO 17 is already modbus.buses[0].tx',
    ]);
    expect(errorsAfter((c) => (c.records.atecc608.sda = 22))).toEqual(['records.atecc608.sda: must differ from scl']);
  });
});

describe('numbers: integers only, decimals as strings', () => {
  it('a non-integer number anywhere is named by its path, once', () => {
    expect(errorsAfter((c) => (c.emissions.channels[0].calibration.b = 1.031))).toEqual([
      'emissions.channels[0].calibration.b: ' + DECIMALS,
    ]);
    expect(errorsAfter((c) => (c.modbus.devices[2].registers[0].scale = 0.5))).toEqual([
      'modbus.devices[2].registers[0].scale: ' + DECIMALS,
    ]);
    expect(errorsAfter((c) => (c.records.reserveBlock = 16.5))).toEqual(['records.reserveBlock: ' + DECIMALS]);
    expect(errorsAfter((c) => (c.site.extra = [1, [2, 2.5]]))).toEqual([
      'site.extra[1][1]: ' + DECIMALS,
      'site.extra: unknown field (expected facilityId, installationId, stackId, monitoringLocationId, monitoringPlanVersion)',
    ]);
  });

  it('the same value as a decimal string is accepted', () => {
    expect(errorsAfter((c) => (c.emissions.channels[0].calibration.b = '1.031'))).toEqual([]);
  });

  it('in text, every literal with a fraction or exponent is a decimal, even 3.0 and 1e3', () => {
    const text = DEFAULT_TEXT.replace('"diameterM": "3.0"', '"diameterM": 3.0').replace('"rangeMax": 1000', '"rangeMax": 1e3');
    expect(text).not.toBe(DEFAULT_TEXT);
    expect(parseModuleConfigText(text).errors).toEqual([
      'emissions.channels[0].rangeMax: ' + DECIMALS,
      'emissions.flow.diameterM: ' + DECIMALS,
    ]);
  });

  it('integers beyond 2^53 are out of range', () => {
    const text = DEFAULT_TEXT.replace('"slot": 0', '"slot": 9007199254740993');
    expect(parseModuleConfigText(text).errors).toEqual(['records.atecc608.slot: integer out of range (|n| < 2^53)']);
    expect(errorsAfter((c) => (c.version = Infinity))).toEqual(['version: integer out of range (|n| < 2^53)']);
  });

  it('non-JSON values and odd keys', () => {
    expect(errorsAfter((c) => (c.site.stackId = () => 1))).toEqual(['site.stackId: not a JSON value']);
    expect(errorsAfter((c) => (c.modbus.devices[0]['t\u00e4g'] = 1))).toEqual(['modbus.devices[0]: keys must be non-empty printable ASCII']);
  });
});

describe('configuration text', () => {
  const bad = (text: string) => {
    const r = parseModuleConfigText(text);
    expect(r.config).toBeNull();
    expect(r.errors.length).toBe(1);
    return r.errors[0];
  };

  it('malformed JSON gives one error with line and column', () => {
    expect(bad('')).toBe('config text: empty');
    expect(bad('  \n ')).toBe('config text: empty');
    expect(bad(DEFAULT_TEXT.slice(0, 200))).toMatch(/^config text line \d+, column \d+: unexpected end of text, /);
    expect(bad('{"version": 1,}')).toBe('config text line 1, column 15: expected a key in double quotes');
    expect(bad("{'version': 1}")).toBe('config text line 1, column 2: expected a key in double quotes');
    expect(bad('{"a": [1 2]}')).toBe("config text line 1, column 10: expected ',' or ']'");
    expect(bad('{"a": 1\n "b": 2}')).toBe("config text line 2, column 2: expected ',' or '}'");
    expect(bad('{"a" 1}')).toBe("config text line 1, column 6: expected ':' after a key");
    expect(bad('// comment\n{}')).toBe('config text line 1, column 1: expected a value');
    expect(bad('{"a": tru}')).toBe('config text line 1, column 7: expected a value');
    expect(bad('{"a": 01}')).toBe('config text line 1, column 8: leading zeros are not allowed');
    expect(bad('{"a": 1.}')).toBe('config text line 1, column 9: expected a digit after the decimal point');
    expect(bad('{"a": -}')).toBe('config text line 1, column 8: expected a digit');
    expect(bad('{"a": "x\ty"}')).toBe('config text line 1, column 9: control character in a string (write it as an escape)');
    expect(bad('{"a": "\\q"}')).toBe('config text line 1, column 8: unknown escape in a string');
    expect(bad('{"a": "\\u12"}')).toBe('config text line 1, column 8: expected 4 hex digits after \\u');
    expect(bad('{} {}')).toBe('config text line 1, column 4: unexpected text after the configuration');
    expect(bad('{"a": "s\u00fcd"}')).toBe('config text line 1, column 9: only ASCII text is allowed');
    expect(bad('\ufeff{}')).toBe('config text line 1, column 1: only ASCII text is allowed');
    expect(bad('[' .repeat(40))).toBe('config text line 1, column 33: nested deeper than 32 levels');
    expect(bad(' '.repeat(MAX_CONFIG_TEXT + 1))).toBe('config text: 65537 characters, at most 65536');
  });

  it('duplicate keys and "__proto__" are path-named errors', () => {
    const dup = DEFAULT_TEXT.replace('"stackId": "DEFAULT-STACK-1",', '"stackId": "A",\n    "stackId": "B",');
    expect(parseModuleConfigText(dup).errors).toEqual(['site.stackId: duplicate key']);
    const proto = DEFAULT_TEXT.replace('"device": {', '"device": {"__proto__": {"id": 1},');
    expect(parseModuleConfigText(proto).errors).toEqual(['device.__proto__: "__proto__" is not allowed as a key']);
    expect(errorsAfter((c) => Object.defineProperty(c.device, '__proto__', { value: 1, enumerable: true }))).toEqual([
      'device: "__proto__" is not allowed as a key',
    ]);
  });

  it('escapes decode like JSON.parse; a decoded control character is still not printable', () => {
    expect(readConfigJson('{"a": "\\"\\\\\\/\\u0041"}')).toEqual({ value: { a: '"\\/A' }, fatal: '', errors: [] });
    const text = DEFAULT_TEXT.replace('"DEFAULT-STACK-1"', '"A\\nB"');
    expect(parseModuleConfigText(text).errors).toEqual(['site.stackId: must be printable ASCII']);
  });
});

/** A random JSON-like value: integers, decimals, specials, strings (some non-ASCII), containers with field names. */
const KEYS = [
  'version', 'device', 'id', 'site', 'facilityId', 'stackId', 'analyzers', 'qal1Certificate', 'modbus', 'buses', 'devices',
  'channels', 'register', 'periodMs', 'profile', 'address', 'bus', 'registers', 'statuses', 'emissions', 'quantity', 'unit',
  'sumOf', 'calibration', 'a', 'b', 'flow', 'velocity', 'records', 'signer', 'atecc608', 'scl', 'sda', 'slot', 'kid',
  'hmacKeyFile', 'timeSource', 'reserveBlock', 'scanIntervalMs', 'constructor', 'toString', 'hasOwnProperty', '__proto__',
  'valueOf', '', 'x y', 'k\u00e9',
];
const STRINGS = [
  'SO2', 'ppm', 'pct', 'EU_IED_LCP', 'US_P75', 'gm32', 'xstream', 'stack', 'rs485', 'SICK_GM32', 'FLOAT32_BLOCK', 'so2',
  'atecc608', 'hmac', 'ntp', 'D22', 'D17', '1.5', '-0', '', ' ', 'constructor', 'toString', '__proto__', 'caf\u00e9',
  '\u0000', 'I2C1', 'WET', 'cems.key', 'ab', 'v1',
];
const SPECIALS = [NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53), 1e300, 0.1, 12.5, undefined];

/** An own, enumerable member as JSON.parse makes it, also for "__proto__". */
function put(o: Any, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomValue(rng: Prng, depth: number): unknown {
  const k = rng.int(depth > 4 ? 7 : 11);
  if (k === 0) return rng.between(-300, 300);
  if (k === 1) return rng.between(-300, 300) / rng.between(1, 16);
  if (k === 2) return SPECIALS[rng.int(SPECIALS.length)];
  if (k === 3 || k === 4) return STRINGS[rng.int(STRINGS.length)];
  if (k === 5) return rng.chance(0.5);
  if (k === 6) return null;
  if (k <= 8) return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
  const o: Any = {};
  const n = rng.int(6);
  for (let i = 0; i < n; i++) put(o, KEYS[rng.int(KEYS.length)], randomValue(rng, depth + 1));
  return o;
}

/** The default configuration with a few random edits: replaced values, deleted and added fields. */
function mutatedDefault(rng: Prng): Any {
  const c = copy();
  const edits = rng.between(1, 4);
  for (let e = 0; e < edits; e++) {
    let node: Any = c;
    const steps = rng.between(1, 6);
    for (let s = 0; s < steps; s++) {
      const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
      if (keys.length === 0) break;
      const next = node[keys[rng.int(keys.length)]];
      if (next === null || typeof next !== 'object' || rng.chance(0.2)) {
        const key = keys[rng.int(keys.length)];
        const op = rng.int(3);
        if (op === 0) delete node[key];
        else if (op === 1) put(node, key, randomValue(rng, 3));
        else put(node, KEYS[rng.int(KEYS.length)], randomValue(rng, 3));
        break;
      }
      node = next;
    }
  }
  return c;
}

const TEXT_ALPHABET = '{}[],:"0123456789.-+eE tfnrula\\/\n\t';

function mutatedText(rng: Prng): string {
  let t = DEFAULT_TEXT;
  const edits = rng.between(1, 3);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(t.length + 1);
    const ch = TEXT_ALPHABET.charAt(rng.int(TEXT_ALPHABET.length));
    const op = rng.int(3);
    if (op === 0) t = t.slice(0, at) + ch + t.slice(at);
    else if (op === 1) t = t.slice(0, at) + t.slice(at + 1);
    else t = t.slice(0, at) + ch + t.slice(at + 1);
  }
  return t;
}

/** Deep equality where our NaN (a decimal literal) stands for any number JSON.parse read from the same literal. */
function sameJson(ours: unknown, node: unknown): boolean {
  if (typeof ours === 'number' && typeof node === 'number') return Number.isNaN(ours) || Object.is(ours, node) || ours === node;
  if (Array.isArray(ours) || Array.isArray(node)) {
    if (!Array.isArray(ours) || !Array.isArray(node) || ours.length !== node.length) return false;
    return ours.every((v, i) => sameJson(v, node[i]));
  }
  if (ours !== null && node !== null && typeof ours === 'object' && typeof node === 'object') {
    const a = Object.keys(ours);
    const b = Object.keys(node);
    return a.length === b.length && a.every((k, i) => k === b[i] && sameJson((ours as Any)[k], (node as Any)[k]));
  }
  return ours === node;
}

describe('fuzz (seeded): nothing throws', () => {
  function noThrow<T>(i: number, f: () => T): T {
    try {
      return f();
    } catch (e) {
      return expect.fail('case ' + i + ' threw ' + String(e));
    }
  }

  function checkResult(r: { config: unknown; errors: string[] }): void {
    const wellFormed =
      Array.isArray(r.errors) &&
      (r.config === null) === (r.errors.length > 0) &&
      r.errors.every((e) => typeof e === 'string' && e.indexOf(': ') > 0);
    if (!wellFormed) expect.fail('malformed result ' + JSON.stringify(r).slice(0, 200));
  }

  /** The section validators on their own, on whatever the sections hold (and on `input` itself): none may throw. */
  function checkSections(i: number, input: unknown, itself: boolean): void {
    const sections = input !== null && typeof input === 'object' ? [(input as Any).emissions, (input as Any).modbus] : [];
    if (itself) sections.push(input);
    for (const section of sections) {
      noThrow(i, () => validateConfig(section));
      const lines = noThrow(i, () => validateModbusConfig(section));
      if (lines.length === 0) noThrow(i, () => resolveModbusConfig(section as Any));
    }
  }

  it('20000 random and mutated configurations', () => {
    const rng = new Prng(0xc0f16);
    let valid = 0;
    for (let i = 0; i < 20000; i++) {
      const input = i % 4 === 0 ? randomValue(rng, 0) : mutatedDefault(rng);
      const r = noThrow(i, () => validateModuleConfig(input));
      checkResult(r);
      checkSections(i, input, i % 4 === 0);
      if (r.config !== null) valid++;
    }
    // Some edits leave the configuration valid (e.g. an added reserveBlock), most do not.
    expect(valid).toBeGreaterThan(100);
    expect(valid).toBeLessThan(15000);
    console.log('fuzz: ' + valid + ' of 20000 valid');
  });

  it('an Object.prototype member name anywhere gives the errors any other unknown name of its shape gives', () => {
    // Paths of every text value and of every object in the default configuration.
    const texts: (string | number)[][] = [];
    const objects: (string | number)[][] = [];
    const walk: { node: unknown; at: (string | number)[] }[] = [{ node: copy(), at: [] }];
    while (walk.length > 0) {
      const { node, at } = walk.pop()!;
      if (typeof node === 'string') texts.push(at);
      if (node === null || typeof node !== 'object') continue;
      if (!Array.isArray(node)) objects.push(at);
      for (const k of Object.keys(node)) walk.push({ node: (node as Any)[k], at: at.concat(Array.isArray(node) ? Number(k) : k) });
    }
    expect(texts.length).toBeGreaterThan(100);
    const edited = (at: (string | number)[], edit: (parent: Any, key: string | number) => void): Any => {
      const c = copy();
      let node = c;
      for (let k = 0; k < at.length - 1; k++) node = node[at[k]];
      edit(node, at[at.length - 1]);
      return c;
    };
    // The same length and character classes ("toString" -> "qqQqqqqq"): passes and fails the same syntax checks.
    const shapeOf = (name: string) => name.replace(/[a-z]/g, 'q').replace(/[A-Z]/g, 'Q');
    const errorsOf = (c: Any, i: number, shape: string, name: string): string[] => {
      const r = noThrow(i, () => validateModuleConfig(c));
      checkResult(r);
      checkSections(i, c, false);
      return r.errors.map((e) => e.split(shape).join(name));
    };
    let i = 0;
    let rejected = 0;
    for (const name of PROTO_NAMES) {
      const shape = shapeOf(name);
      for (const at of texts) {
        const got = errorsOf(edited(at, (parent, key) => (parent[key] = name)), i++, name, name);
        expect(got, at.join('.') + ' = ' + name).toEqual(errorsOf(edited(at, (parent, key) => (parent[key] = shape)), i++, shape, name));
        if (got.length > 0) rejected++;
      }
      for (const at of objects) {
        const got = errorsOf(edited(at.concat(''), (parent) => put(parent, name, 1)), i++, name, name);
        // "__proto__" is refused as a key by the value scan; any other name is an unknown field like its shape.
        if (name !== '__proto__') {
          expect(got, at.join('.') + '.' + name).toEqual(errorsOf(edited(at.concat(''), (parent) => put(parent, shape, 1)), i++, shape, name));
        }
      }
    }
    // References (profiles, buses, registers, channels, devices) and enumerations reject the name; free text does not.
    expect(rejected).toBeGreaterThan(PROTO_NAMES.length * 40);
    expect(rejected).toBeLessThan(PROTO_NAMES.length * texts.length);
  });

  it('20000 mutated texts: accepted exactly when JSON.parse accepts them, with the same value', () => {
    const rng = new Prng(0x7e47);
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const text = mutatedText(rng);
      let node: unknown;
      let nodeOk = true;
      try {
        node = JSON.parse(text);
      } catch {
        nodeOk = false;
      }
      const j = noThrow(i, () => readConfigJson(text));
      if ((j.fatal === '') !== nodeOk) expect.fail('case ' + i + ': ' + (j.fatal || 'accepted what JSON.parse rejects'));
      if (nodeOk && j.errors.length === 0) {
        if (!sameJson(j.value, node)) expect.fail('case ' + i + ': value differs from JSON.parse');
        accepted++;
      }
      if (i % 10 === 0) checkResult(noThrow(i, () => parseModuleConfigText(text)));
    }
    expect(accepted).toBeGreaterThan(1000);
    console.log('text fuzz: ' + accepted + ' of 20000 mutated texts well-formed');
  });
});

describe('Espruino profile', () => {
  const ENTRY = `
import { parseModuleConfigText } from './protocol/module/config';
import { DEFAULT_CONFIG } from './protocol/module/default-config';
(globalThis as any).CFG = {
  check: function (text: string) { const r = parseModuleConfigText(text); return JSON.stringify(r); },
  defaultConfig: function () { return JSON.stringify(DEFAULT_CONFIG); },
};
`;

  it('bundled, passes the gate, and gives the same results in the sandbox as in Node', async () => {
    const code = await bundleSource(ENTRY, 'module-config');
    expect(checkEspruinoCode(code).map((v) => v.rule + ': ' + v.construct)).toEqual([]);
    const texts = [
      DEFAULT_TEXT,
      DEFAULT_TEXT.replace('"diameterM": "3.0"', '"diameterM": 3.0').replace('"slot": 0', '"slot": 16'),
      DEFAULT_TEXT.replace('"stackId": "DEFAULT-STACK-1",', '"stackId": "A",\n"stackId": "B",').replace('"id": "gm32"', '"id": "gm3"'),
      DEFAULT_TEXT.slice(0, 500),
      '{"a": "s\u00fcd"}',
    ];
    const m = new EspruinoMachine({});
    try {
      m.boot(code, 'module-config.js');
      expect(JSON.parse(m.evaluate('CFG.defaultConfig()') as string)).toEqual(DEFAULT_CONFIG);
      for (const t of texts) {
        const inSandbox = JSON.parse(m.evaluate('CFG.check(' + JSON.stringify(t) + ')') as string);
        expect(inSandbox).toEqual(JSON.parse(JSON.stringify(parseModuleConfigText(t))));
      }
    } finally {
      m.shutdown();
    }
  });
});

describe('ASCII-only configuration text', () => {
  it('rejects a \\u escape above 0x7F (the ESP32 would cut it to 8 bits) and accepts ASCII escapes', () => {
    const text = JSON.stringify(DEFAULT_CONFIG);
    const wide = parseModuleConfigText(text.replace('"cems-default"', '"\\u0141ODZ-1"'));
    expect(wide.config).toBeNull();
    expect(wide.errors.join('\n')).toContain('non-ASCII');
    const ascii = parseModuleConfigText(text.replace('"cems-default"', '"\\u0041-1"'));
    expect(ascii.errors).toEqual([]);
    expect(ascii.config!.device.id).toBe('A-1');
  });
});
