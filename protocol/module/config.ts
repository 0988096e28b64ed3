// The module configuration checked as a whole. Each section goes through its own area's validator (paths prefixed
// with the section); this file checks the module-level fields, the references between sections, and the number rule:
// Espruino's JSON.parse does not read decimals exactly, so every number must be an integer and decimals are written as
// strings ("12.5"). Every error is one line "path: problem" naming the exact JSON path. Nothing here throws.
//
// parseModuleConfigText reads the stored text with the strict JSON reader of config-json.ts, so the same bytes give
// the same value or the same error on Espruino and Node.

import { SLOT_COUNT } from '../atecc608/constants';
import { validateConfig } from '../cems/config';
import { EXACT_INT_LIMIT, isInt } from '../cems/numbers';
import { resolveModbusConfig, validateModbusConfig } from '../modbus/config';
import { elementPath, MAX_DEPTH, memberPath, readConfigJson } from './config-json';
import type { ModuleConfig } from './config-types';
import { MODULE_CONFIG_VERSION } from './config-types';

/** Longest configuration text accepted (characters = bytes: the text is ASCII). */
export const MAX_CONFIG_TEXT = 65536;
/** Most values (of any kind) a configuration may hold. */
export const MAX_VALUES = 20000;
/** Site ids, analyzer model/serial/certificate: printable ASCII, carried in every record. */
export const TEXT_MAX = 64;
/** Device id: letters, digits, '.', '_', '-' (it also names the device in topics and files). */
export const DEVICE_ID_MAX = 32;
/** Espruino Storage names are at most 28 bytes; longer ones are silently truncated. */
export const STORAGE_NAME_MAX = 28;
export const RESERVE_BLOCK_MAX = 1024;
export const KID_MAX_BYTES = 32;

export interface ModuleConfigResult {
  config: ModuleConfig | null;
  errors: string[];
}

type Obj = { [k: string]: unknown };

const DECIMALS = 'write decimals as strings, e.g. "12.5"';
const PRINTABLE = 'must be printable ASCII';

const TOP_KEYS = ['version', 'device', 'site', 'analyzers', 'modbus', 'emissions', 'records'];
const SITE_KEYS = ['facilityId', 'installationId', 'stackId', 'monitoringLocationId', 'monitoringPlanVersion'];
const ANALYZER_KEYS = ['device', 'model', 'serial', 'qal1Certificate'];
const RECORDS_KEYS = ['signer', 'atecc608', 'hmacKeyFile', 'kid', 'timeSource', 'reserveBlock'];
const ATECC_KEYS = ['bus', 'scl', 'sda', 'address', 'slot', 'gpioWake'];
const SIGNERS = ['atecc608', 'hmac'];
const TIME_SOURCES = ['ntp', 'gnss', 'rtc', 'manual'];
const I2C_BUSES = ['I2C1', 'I2C2'];
/** Quantities EN 15267 does not certify (peripheral measurements): their device may have no QAL1 certificate. */
const PERIPHERAL = ['TEMPERATURE', 'STATIC_PRESSURE', 'AMBIENT_PRESSURE'];

// --- small helpers ---------------------------------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPrintable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126) return false;
  }
  return true;
}

/** A printable string, or null: ids that are not printable were already reported and are not cross-checked. */
function printable(v: unknown): string | null {
  return typeof v === 'string' && isPrintable(v) ? v : null;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95;
}

function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Collects "path: problem" lines; a path already reported by the value scan gets no second, derived error. */
class Sink {
  errors: string[];
  flagged: { [path: string]: boolean };
  constructor() {
    this.errors = [];
    this.flagged = {};
  }
  add(path: string, message: string): void {
    if (this.flagged['#' + path]) return;
    this.errors.push((path === '' ? 'config' : path) + ': ' + message);
  }
  /** A problem of the value itself: later checks of the same path stay silent. */
  flag(path: string, message: string): void {
    this.add(path, message);
    this.flagged['#' + path] = true;
  }
}

// --- the value scan: numbers, strings, keys, nesting -----------------------------------------------------------------

function numberProblem(x: number): string {
  // NaN is also how the text reader hands over a decimal literal (it never converts one).
  if (x !== x) return DECIMALS;
  if (!isFinite(x) || x >= EXACT_INT_LIMIT || x <= -EXACT_INT_LIMIT) return 'integer out of range (|n| < 2^53)';
  if (Math.floor(x) !== x) return DECIMALS;
  return '';
}

/** Walks every value without recursion: non-integer numbers, non-ASCII text, odd keys, depth and size. */
function scanValues(root: unknown, s: Sink): void {
  const values: unknown[] = [root];
  const paths: string[] = [''];
  const depths: number[] = [0];
  let count = 0;
  while (values.length > 0) {
    const v = values.pop();
    const path = paths.pop() as string;
    const depth = depths.pop() as number;
    count++;
    const t = typeof v;
    if (t === 'number') {
      const m = numberProblem(v as number);
      if (m !== '') s.flag(path, m);
    } else if (t === 'string') {
      if (!isPrintable(v as string)) s.flag(path, PRINTABLE);
    } else if (t === 'boolean' || v === null) {
      continue;
    } else if (t !== 'object') {
      s.flag(path, 'not a JSON value');
    } else if (depth >= MAX_DEPTH) {
      s.flag(path, 'nested deeper than ' + MAX_DEPTH + ' levels');
    } else if (Array.isArray(v)) {
      if (count + values.length + v.length > MAX_VALUES) {
        s.add('', 'more than ' + MAX_VALUES + ' values');
        return;
      }
      for (let i = v.length - 1; i >= 0; i--) {
        values.push(v[i]);
        paths.push(elementPath(path, i));
        depths.push(depth + 1);
      }
    } else {
      const o = v as Obj;
      const keys = Object.keys(o);
      if (count + values.length + keys.length > MAX_VALUES) {
        s.add('', 'more than ' + MAX_VALUES + ' values');
        return;
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        // A member holding undefined is absent, as in its JSON text.
        if (o[k] === undefined) continue;
        if (!isPrintable(k) || k.length === 0) s.add(path, 'keys must be non-empty printable ASCII');
        else if (k === '__proto__') s.add(path, '"__proto__" is not allowed as a key');
        else {
          values.push(o[k]);
          paths.push(memberPath(path, k));
          depths.push(depth + 1);
        }
      }
    }
  }
}

// --- field checks ----------------------------------------------------------------------------------------------------

function onlyKeys(o: Obj, path: string, allowed: string[], s: Sink): void {
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (allowed.indexOf(k) < 0 && o[k] !== undefined && isPrintable(k) && k !== '__proto__') {
      s.add(memberPath(path, k), 'unknown field (expected ' + allowed.join(', ') + ')');
    }
  }
}

function section(o: Obj, key: string, s: Sink): Obj | null {
  const v = o[key];
  if (v === undefined) s.add(key, 'required');
  else if (!isObj(v)) s.add(key, 'must be an object');
  else return v;
  return null;
}

/** Printable ASCII text of min..max characters without surrounding spaces. */
function text(o: Obj, key: string, path: string, min: number, max: number, s: Sink): string | null {
  const v = o[key];
  const p = memberPath(path, key);
  if (v === undefined) s.add(p, 'required');
  else if (typeof v !== 'string') s.add(p, 'must be a string');
  else if (!isPrintable(v)) s.add(p, PRINTABLE);
  else if (v.length < min || v.length > max) s.add(p, 'must be ' + min + '..' + max + ' characters');
  else if (v.length > 0 && (v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32)) {
    s.add(p, 'must not begin or end with a space');
  } else return v;
  return null;
}

/** 1..max characters of [A-Za-z0-9._-]. */
function name(o: Obj, key: string, path: string, max: number, s: Sink): string | null {
  const v = o[key];
  const p = memberPath(path, key);
  if (v === undefined) {
    s.add(p, 'required');
    return null;
  }
  let ok = typeof v === 'string' && v.length >= 1 && v.length <= max;
  if (ok) {
    for (let i = 0; i < (v as string).length; i++) if (!isNameChar((v as string).charCodeAt(i))) ok = false;
  }
  if (!ok) {
    s.add(p, 'must be 1..' + max + ' characters of A-Z a-z 0-9 . _ -');
    return null;
  }
  return v as string;
}

function oneOf(o: Obj, key: string, path: string, list: string[], s: Sink): string | null {
  const v = o[key];
  const p = memberPath(path, key);
  if (v === undefined) s.add(p, 'required');
  else if (typeof v !== 'string' || list.indexOf(v) < 0) s.add(p, 'must be one of ' + list.join(', '));
  else return v;
  return null;
}

function intIn(o: Obj, key: string, path: string, min: number, max: number, required: boolean, s: Sink): number {
  const v = o[key];
  const p = memberPath(path, key);
  if (v === undefined) {
    if (required) s.add(p, 'required');
  } else if (!isInt(v) || v < min || v > max) s.add(p, 'must be an integer in ' + min + '..' + max);
  else return v;
  return NaN;
}

function absentUnless(o: Obj, key: string, path: string, signer: string, s: Sink): void {
  if (o[key] !== undefined) s.add(memberPath(path, key), 'only used with signer "' + signer + '"');
}

// --- module-level sections -------------------------------------------------------------------------------------------

function checkVersion(root: Obj, s: Sink): void {
  const v = root.version;
  if (v === undefined) s.add('version', 'required');
  else if (!isInt(v)) s.add('version', 'must be an integer');
  else if (v !== MODULE_CONFIG_VERSION) {
    s.add('version', 'unsupported version ' + v + ' (this firmware reads version ' + MODULE_CONFIG_VERSION + ')');
  }
}

function checkDevice(root: Obj, s: Sink): void {
  const d = section(root, 'device', s);
  if (d === null) return;
  onlyKeys(d, 'device', ['id'], s);
  name(d, 'id', 'device', DEVICE_ID_MAX, s);
}

function checkSite(root: Obj, s: Sink): void {
  const o = section(root, 'site', s);
  if (o === null) return;
  onlyKeys(o, 'site', SITE_KEYS, s);
  for (let i = 0; i < SITE_KEYS.length; i++) text(o, SITE_KEYS[i], 'site', 1, TEXT_MAX, s);
}

function checkAnalyzers(root: Obj, s: Sink): void {
  const list = root.analyzers;
  if (list === undefined) return s.add('analyzers', 'required');
  if (!Array.isArray(list)) return s.add('analyzers', 'must be an array');
  for (let i = 0; i < list.length; i++) {
    const p = elementPath('analyzers', i);
    const a = list[i];
    if (!isObj(a)) {
      s.add(p, 'must be an object');
      continue;
    }
    onlyKeys(a, p, ANALYZER_KEYS, s);
    text(a, 'device', p, 1, TEXT_MAX, s);
    text(a, 'model', p, 1, TEXT_MAX, s);
    text(a, 'serial', p, 1, TEXT_MAX, s);
    // May be "" for a device that only measures peripheral quantities (checked with the cross-references).
    text(a, 'qal1Certificate', p, 0, TEXT_MAX, s);
  }
}

/** Runs the Modbus area's validator; its errors get the section prefix. Returns true when the section is valid. */
function checkModbus(root: Obj, s: Sink): boolean {
  const m = section(root, 'modbus', s);
  if (m === null) return false;
  const errors = validateModbusConfig(m);
  for (let i = 0; i < errors.length; i++) s.add('modbus.' + errors[i].path, errors[i].message);
  return errors.length === 0;
}

function checkEmissions(root: Obj, s: Sink): void {
  const em = section(root, 'emissions', s);
  if (em === null) return;
  const errors = validateConfig(em).errors;
  for (let i = 0; i < errors.length; i++) {
    const p = errors[i].path;
    s.add(p === '$' ? 'emissions' : 'emissions.' + p, errors[i].message);
  }
}

/** GPIO number of a pin written 22 or "D22"; -1 for anything else. */
function gpioOf(v: unknown): number {
  if (typeof v === 'number') return isInt(v) && v >= 0 ? v : -1;
  if (typeof v !== 'string' || v.length < 2 || v.length > 3 || v.charCodeAt(0) !== 68) return -1;
  if (v.length === 3 && v.charCodeAt(1) === 48) return -1;
  let n = 0;
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Why an ESP32 GPIO cannot carry I2C on this module ('' when it can). */
function i2cPinProblem(g: number): string {
  if (g > 39 || g === 20 || g === 24 || (g >= 28 && g <= 31)) return 'the ESP32 has no GPIO ' + g;
  if (g >= 6 && g <= 11) return 'GPIO ' + g + ' is wired to the SPI flash';
  if (g >= 34) return 'GPIO ' + g + ' is input-only';
  if (g === 1 || g === 3) return 'GPIO ' + g + ' carries the technician console (Serial1)';
  if (g === 0) return 'GPIO 0 is the safe-mode (BOOT) button';
  return '';
}

/** Pins the Modbus buses name explicitly, with their paths. */
function modbusPins(modbus: unknown): { gpio: number; path: string }[] {
  const out: { gpio: number; path: string }[] = [];
  const buses = isObj(modbus) ? modbus.buses : undefined;
  if (!Array.isArray(buses)) return out;
  const fields = ['rx', 'tx', 'dePin'];
  for (let i = 0; i < buses.length; i++) {
    const b = buses[i];
    if (!isObj(b)) continue;
    for (let k = 0; k < fields.length; k++) {
      const g = gpioOf(b[fields[k]]);
      if (g >= 0) out.push({ gpio: g, path: 'modbus.buses[' + i + '].' + fields[k] });
    }
  }
  return out;
}

function checkPin(a: Obj, key: string, taken: { gpio: number; path: string }[], s: Sink): number {
  const p = 'records.atecc608.' + key;
  const v = a[key];
  if (v === undefined) {
    s.add(p, 'required');
    return -1;
  }
  const g = gpioOf(v);
  if (g < 0) {
    s.add(p, 'must be a GPIO number or a pin name such as "D22"');
    return -1;
  }
  const why = i2cPinProblem(g);
  if (why !== '') {
    s.add(p, why);
    return -1;
  }
  for (let i = 0; i < taken.length; i++) {
    if (taken[i].gpio === g) {
      s.add(p, 'GPIO ' + g + ' is already ' + taken[i].path);
      return -1;
    }
  }
  return g;
}

function checkAtecc(records: Obj, modbus: unknown, s: Sink): void {
  const path = 'records.atecc608';
  const a = records.atecc608;
  if (a === undefined) return s.add(path, 'required with signer "atecc608"');
  if (!isObj(a)) return s.add(path, 'must be an object');
  onlyKeys(a, path, ATECC_KEYS, s);
  oneOf(a, 'bus', path, I2C_BUSES, s);
  const taken = modbusPins(modbus);
  const scl = checkPin(a, 'scl', taken, s);
  const sda = checkPin(a, 'sda', taken, s);
  if (scl >= 0 && scl === sda) s.add(path + '.sda', 'must differ from scl');
  const addr = a.address;
  if (addr === undefined) s.add(path + '.address', 'required');
  else if (!isInt(addr) || addr < 8 || addr > 119) {
    s.add(path + '.address', 'must be a 7-bit I2C address 8..119 (96 = 0x60 default, 0x35 Trust&GO, 0x36 TrustFLEX)');
  }
  intIn(a, 'slot', path, 0, SLOT_COUNT - 1, true, s);
  if (a.gpioWake === undefined) s.add(path + '.gpioWake', 'required');
  else if (typeof a.gpioWake !== 'boolean') s.add(path + '.gpioWake', 'must be true or false');
}

function checkStorageName(records: Obj, s: Sink): void {
  const p = 'records.hmacKeyFile';
  const v = name(records, 'hmacKeyFile', 'records', STORAGE_NAME_MAX, s);
  if (v !== null && v.charCodeAt(0) === 46) s.add(p, 'names starting with "." are Espruino system files');
}

function checkKid(records: Obj, required: boolean, s: Sink): void {
  const v = records.kid;
  const p = 'records.kid';
  if (v === undefined) {
    if (required) s.add(p, 'required with signer "hmac" (the verifier finds the key by it)');
    return;
  }
  let ok = typeof v === 'string' && v.length >= 2 && v.length <= 2 * KID_MAX_BYTES && v.length % 2 === 0;
  if (ok) {
    for (let i = 0; i < (v as string).length; i++) if (!isHexChar((v as string).charCodeAt(i))) ok = false;
  }
  if (!ok) s.add(p, 'must be hex text of 1..' + KID_MAX_BYTES + ' bytes (2..' + 2 * KID_MAX_BYTES + ' hex digits)');
}

function checkRecords(root: Obj, s: Sink): void {
  const r = section(root, 'records', s);
  if (r === null) return;
  onlyKeys(r, 'records', RECORDS_KEYS, s);
  const signer = oneOf(r, 'signer', 'records', SIGNERS, s);
  oneOf(r, 'timeSource', 'records', TIME_SOURCES, s);
  intIn(r, 'reserveBlock', 'records', 1, RESERVE_BLOCK_MAX, false, s);
  if (signer === 'atecc608') {
    checkAtecc(r, root.modbus, s);
    absentUnless(r, 'hmacKeyFile', 'records', 'hmac', s);
  } else if (signer === 'hmac') {
    checkStorageName(r, s);
    absentUnless(r, 'atecc608', 'records', 'atecc608', s);
  }
  checkKid(r, signer === 'hmac', s);
}

// --- references between sections ------------------------------------------------------------------------------------

interface ModbusChannelRef {
  device: number;
  channel: number;
  periodMs: unknown;
}

interface ModbusIndex {
  deviceIds: (string | null)[];
  /** '#' + device id -> device index. */
  devices: { [k: string]: number };
  /** '#' + channel id -> where it is read. */
  channels: { [k: string]: ModbusChannelRef };
}

function indexModbus(modbus: unknown): ModbusIndex | null {
  const devices = isObj(modbus) ? modbus.devices : undefined;
  if (!Array.isArray(devices)) return null;
  const ix: ModbusIndex = { deviceIds: [], devices: {}, channels: {} };
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    const id = isObj(d) ? printable(d.id) : null;
    ix.deviceIds.push(id);
    if (id === null || !isObj(d)) continue;
    if (ix.devices['#' + id] === undefined) ix.devices['#' + id] = i;
    const chs = d.channels;
    if (!Array.isArray(chs)) continue;
    for (let j = 0; j < chs.length; j++) {
      const ch = chs[j];
      const cid = isObj(ch) ? printable(ch.id) : null;
      if (cid !== null && isObj(ch) && ix.channels['#' + cid] === undefined) {
        ix.channels['#' + cid] = { device: i, channel: j, periodMs: ch.periodMs };
      }
    }
  }
  return ix;
}

interface Measured {
  index: number;
  id: string;
  quantity: string;
  ref: ModbusChannelRef;
}

/** Emissions channels read from Modbus (every channel without sumOf), with where they are read. */
function measuredChannels(root: Obj, ix: ModbusIndex, s: Sink): Measured[] {
  const out: Measured[] = [];
  const chs = isObj(root.emissions) ? root.emissions.channels : undefined;
  if (!Array.isArray(chs)) return out;
  for (let k = 0; k < chs.length; k++) {
    const ch = chs[k];
    if (!isObj(ch) || ch.sumOf !== undefined) continue;
    const id = printable(ch.id);
    if (id === null) continue;
    const ref = ix.channels['#' + id];
    if (ref === undefined) s.add('emissions.channels[' + k + '].id', 'no Modbus channel "' + id + '"');
    else out.push({ index: k, id: id, quantity: typeof ch.quantity === 'string' ? ch.quantity : '', ref: ref });
  }
  return out;
}

function checkAnalyzerRefs(root: Obj, ix: ModbusIndex, measured: Measured[], s: Sink): void {
  const list = root.analyzers;
  if (!Array.isArray(list)) return;
  const entry: { [k: string]: number } = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    const dev = isObj(a) ? printable(a.device) : null;
    if (dev === null || dev === '') continue;
    const p = 'analyzers[' + i + '].device';
    if (ix.devices['#' + dev] === undefined) s.add(p, 'no Modbus device "' + dev + '"');
    else if (entry['#' + dev] !== undefined) s.add(p, 'duplicate entry for device "' + dev + '"');
    else entry['#' + dev] = i;
  }
  for (let d = 0; d < ix.deviceIds.length; d++) {
    const dev = ix.deviceIds[d];
    if (dev === null || ix.devices['#' + dev] !== d) continue;
    const fed: string[] = [];
    const certified: string[] = [];
    for (let m = 0; m < measured.length; m++) {
      if (measured[m].ref.device !== d) continue;
      fed.push(measured[m].id);
      if (PERIPHERAL.indexOf(measured[m].quantity) < 0) certified.push(measured[m].quantity);
    }
    if (fed.length === 0) continue;
    const i = entry['#' + dev];
    if (i === undefined) {
      s.add(
        'analyzers',
        'no entry for Modbus device "' + dev + '", which feeds emissions channels ' + fed.join(', ') +
          ' (model, serial and QAL1 certificate are required for records)',
      );
    } else if (certified.length > 0 && (list[i] as Obj).qal1Certificate === '') {
      s.add('analyzers[' + i + '].qal1Certificate', 'required: device "' + dev + '" measures ' + certified.join(', ') + ' (EN 15267 QAL1)');
    }
  }
}

/** A channel polled less often than the engine expects samples would make every period invalid. */
function checkPeriods(root: Obj, measured: Measured[], s: Sink): void {
  const scan = isObj(root.emissions) ? root.emissions.scanIntervalMs : undefined;
  if (!isInt(scan)) return;
  for (let m = 0; m < measured.length; m++) {
    const r = measured[m].ref;
    if (isInt(r.periodMs) && r.periodMs > scan) {
      s.add(
        'modbus.devices[' + r.device + '].channels[' + r.channel + '].periodMs',
        r.periodMs + ' ms is slower than emissions.scanIntervalMs (' + scan + ' ms) for "' + measured[m].id + '"',
      );
    }
  }
}

/** Where the register of a Modbus channel declares a unit, an unscaled emissions channel must use the same one. */
function checkUnits(root: Obj, measured: Measured[], s: Sink): void {
  // Called only for a valid Modbus section, which resolves without an error.
  const buses = resolveModbusConfig(root.modbus as ModuleConfig['modbus']);
  const units: { [k: string]: { unit: string; register: string; device: string } } = {};
  for (let b = 0; b < buses.length; b++) {
    for (let d = 0; d < buses[b].devices.length; d++) {
      const dev = buses[b].devices[d];
      for (let c = 0; c < dev.channels.length; c++) {
        const ch = dev.channels[c];
        units['#' + ch.id] = { unit: ch.register.unit, register: ch.register.name, device: dev.id };
      }
    }
  }
  const chs = isObj(root.emissions) ? root.emissions.channels : undefined;
  if (!Array.isArray(chs)) return;
  for (let m = 0; m < measured.length; m++) {
    const ch = chs[measured[m].index] as Obj;
    const u = units['#' + measured[m].id];
    if (u === undefined || u.unit === '' || ch.scale !== undefined || typeof ch.unit !== 'string' || ch.unit === u.unit) continue;
    s.add(
      'emissions.channels[' + measured[m].index + '].unit',
      '"' + ch.unit + '", but Modbus register "' + u.register + '" of device "' + u.device + '" reports "' + u.unit +
        '" (convert with scale)',
    );
  }
}

function crossCheck(root: Obj, modbusValid: boolean, s: Sink): void {
  const ix = indexModbus(root.modbus);
  if (ix === null) return;
  const measured = measuredChannels(root, ix, s);
  checkAnalyzerRefs(root, ix, measured, s);
  checkPeriods(root, measured, s);
  if (modbusValid) checkUnits(root, measured, s);
}

/**
 * Checks a parsed configuration. Returns the configuration (the same object) when there is no error, otherwise null
 * and every problem found, each as "path: problem". Never throws.
 */
export function validateModuleConfig(raw: unknown): ModuleConfigResult {
  if (!isObj(raw)) return { config: null, errors: ['config: must be an object'] };
  const s = new Sink();
  scanValues(raw, s);
  onlyKeys(raw, '', TOP_KEYS, s);
  checkVersion(raw, s);
  checkDevice(raw, s);
  checkSite(raw, s);
  checkAnalyzers(raw, s);
  const modbusValid = checkModbus(raw, s);
  checkEmissions(raw, s);
  checkRecords(raw, s);
  crossCheck(raw, modbusValid, s);
  if (s.errors.length > 0) return { config: null, errors: s.errors };
  return { config: raw as unknown as ModuleConfig, errors: [] };
}

/**
 * Reads and checks configuration text (a site's JSON file, before it is compiled). Malformed text gives one error with
 * line and column; duplicate keys are errors with their path. Never throws.
 */
export function parseModuleConfigText(text: string): ModuleConfigResult {
  if (typeof text !== 'string') return { config: null, errors: ['config text: must be a string'] };
  if (text.length > MAX_CONFIG_TEXT) {
    return { config: null, errors: ['config text: ' + text.length + ' characters, at most ' + MAX_CONFIG_TEXT] };
  }
  const j = readConfigJson(text);
  if (j.fatal !== '') return { config: null, errors: [j.fatal] };
  const r = validateModuleConfig(j.value);
  if (j.errors.length === 0) return r;
  return { config: null, errors: j.errors.concat(r.errors) };
}
