// Modbus configuration: buses, devices and user profiles; a validator that names the exact path of every problem
// (e.g. `devices[1].registers[3].wordOrder: expected one of ABCD,CDAB,BADC,DCBA`), and a resolver that turns a
// valid configuration into PDU addresses, decoders and read limits for the poller.

import { codedError, fieldErrorText, type FieldError } from '../errors';
import { hasOwn } from '../own';
import { ADDRESSINGS, Addressing, TABLES, Table, isBitTable, tableFc, toPduAddress } from './addressing';
import { MAX_READ_BITS, MAX_READ_REGISTERS } from './codec';
import { LineSettings, Parity, interFrameMs, wireTimeMs } from './line';
import { ForbiddenRange, PlanLimits, touchesForbidden } from './planner';
import type { ForbiddenDef, ProfileDef, RegisterDef, StatusDef } from './profile';
import { BUILTIN_PROFILES } from './profiles/index';
import { VALUE_TYPES, ValueType, WORD_ORDERS, WordOrder, typeWords } from './registers';
import { STATUSES, StatusRule } from './status';

export interface BusConfig {
  id: string;
  /** Espruino UART: Serial2 or Serial3. */
  port?: string;
  rx?: number | string;
  tx?: number | string;
  /** Espruino Linux build / host: serial device path instead of pins. */
  path?: string;
  baud: number;
  /** Default 8. */
  dataBits?: number;
  /** Default 'none'. */
  parity?: Parity;
  /** Default 1. */
  stopBits?: number;
  /** 'auto' (auto-direction transceiver, default) or 'pin' (DE/RE driven from JS). */
  direction?: string;
  dePin?: number | string;
  /** Added to the computed DE hold time; default 1000 us. */
  deMarginUs?: number;
  /** Default 1000 ms; never below minTimeoutMs (a 64-byte chunk's wire time + 10 ms). */
  responseTimeoutMs?: number;
  /** Default 100 ms; never below minTimeoutMs. */
  silenceTimeoutMs?: number;
  /** Default 2. */
  retries?: number;
  /** Default 100 ms. */
  broadcastDelayMs?: number;
  /** Consecutive failed polls after which a device is reported offline and polled without retries; default 3. */
  offlineAfter?: number;
}

export interface ChannelConfig {
  /** Channel id delivered in Samples (e.g. "so2"). */
  id: string;
  /** Register name in the device's profile or own registers. */
  register: string;
  periodMs: number;
}

export interface DeviceConfig {
  id: string;
  bus: string;
  /** Slave address 1..247. */
  address: number;
  /** Built-in or configured profile id. */
  profile?: string;
  /** Addressing of this device's own registers/statuses when it has no profile; default 'pdu'. */
  addressing?: Addressing;
  /** Overrides the profile's default word order. */
  wordOrder?: WordOrder;
  /** Added to every profile address (e.g. where a generic block starts). */
  addressOffset?: number;
  /** Own definitions; a name already in the profile replaces the profile's definition. */
  registers?: RegisterDef[];
  statuses?: StatusDef[];
  channels: ChannelConfig[];
}

export interface ModbusConfig {
  buses: BusConfig[];
  devices: DeviceConfig[];
  profiles?: ProfileDef[];
}

export interface ResolvedStatus {
  name: string;
  fc: number;
  address: number;
  count: number;
  order: WordOrder;
  rules: StatusRule[];
}

export interface ResolvedRegister {
  name: string;
  fc: number;
  address: number;
  type: ValueType;
  order: WordOrder;
  scale: number;
  divisor: number;
  offset: number;
  unit: string;
  status: ResolvedStatus | null;
}

export interface ResolvedChannel {
  id: string;
  periodMs: number;
  register: ResolvedRegister;
}

export interface ResolvedDevice {
  id: string;
  slave: number;
  profile: string;
  source: string;
  zeroWhileNotMeasuring: boolean;
  limits: PlanLimits;
  channels: ResolvedChannel[];
}

export interface ResolvedBus {
  id: string;
  port: string;
  rx: number | string | null;
  tx: number | string | null;
  path: string;
  line: LineSettings;
  direction: string;
  dePin: number | string | null;
  deMarginUs: number;
  responseTimeoutMs: number;
  silenceTimeoutMs: number;
  interFrameMs: number;
  retries: number;
  broadcastDelayMs: number;
  offlineAfter: number;
  devices: ResolvedDevice[];
}

type Obj = { [k: string]: unknown };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && isFinite(v) && Math.floor(v) === v;
}

function numOr(v: number | undefined, d: number): number {
  return v === undefined ? d : v;
}

class Checker {
  errors: FieldError[];
  constructor() {
    this.errors = [];
  }
  err(path: string, message: string): false {
    this.errors.push({ path: path, message: message });
    return false;
  }
  /** Optional fields pass when absent. */
  int(o: Obj, key: string, path: string, min: number, max: number, required: boolean): boolean {
    const v = o[key];
    if (v === undefined) return required ? this.err(path + key, 'required') : true;
    if (!isInt(v) || v < min || v > max) return this.err(path + key, 'expected an integer in ' + min + '..' + max);
    return true;
  }
  num(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    if (v === undefined) return true;
    if (typeof v !== 'number' || !isFinite(v)) return this.err(path + key, 'expected a finite number');
    return true;
  }
  str(o: Obj, key: string, path: string, required: boolean): boolean {
    const v = o[key];
    if (v === undefined) return required ? this.err(path + key, 'required') : true;
    if (typeof v !== 'string' || v.length === 0) return this.err(path + key, 'expected a non-empty string');
    return true;
  }
  oneOf(o: Obj, key: string, path: string, list: string[], required: boolean): boolean {
    const v = o[key];
    if (v === undefined) return required ? this.err(path + key, 'required') : true;
    if (typeof v !== 'string' || list.indexOf(v) < 0) return this.err(path + key, 'expected one of ' + list.join(','));
    return true;
  }
  bool(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    if (v === undefined || typeof v === 'boolean') return true;
    return this.err(path + key, 'expected true or false');
  }
  pin(o: Obj, key: string, path: string, required: boolean): boolean {
    const v = o[key];
    if (v === undefined) return required ? this.err(path + key, 'required') : true;
    if (!(isInt(v) && v >= 0) && !(typeof v === 'string' && v.length > 0)) {
      return this.err(path + key, 'expected a pin number or name');
    }
    return true;
  }
  /** An array field; returns it (empty when absent and optional, null when wrong). */
  list(o: Obj, key: string, path: string, required: boolean): unknown[] | null {
    const v = o[key];
    if (v === undefined) {
      if (required) this.err(path + key, 'required');
      return required ? null : [];
    }
    if (!Array.isArray(v)) {
      this.err(path + key, 'expected an array');
      return null;
    }
    return v;
  }
}

function statusRuleOk(c: Checker, r: unknown, path: string, maxBit: number): void {
  if (!isObj(r)) {
    c.err(path, 'expected an object');
    return;
  }
  const hasBit = r.bit !== undefined;
  const hasEq = r.equals !== undefined;
  if (hasBit === hasEq) c.err(path, 'expected exactly one of bit, equals');
  if (hasBit) c.int(r, 'bit', path + '.', 0, maxBit, true);
  if (hasEq) c.int(r, 'equals', path + '.', 0, 4294967295, true);
  c.int(r, 'when', path + '.', 0, 1, false);
  c.oneOf(r, 'status', path + '.', STATUSES as string[], true);
}

/** Where a definition lives in PDU terms; -1 address when invalid (already reported). */
function pduOf(table: unknown, address: unknown, addressing: Addressing, offset: number): number {
  if (typeof table !== 'string' || TABLES.indexOf(table as Table) < 0) return -1;
  const a = toPduAddress(table as Table, address as number, addressing);
  return a < 0 ? -1 : a + offset;
}

function statusDefOk(c: Checker, s: unknown, path: string, addressing: Addressing, offset: number): void {
  if (!isObj(s)) {
    c.err(path, 'expected an object');
    return;
  }
  const p = path + '.';
  c.str(s, 'name', p, true);
  const tableOk = c.oneOf(s, 'table', p, TABLES as string[], true);
  const bits = tableOk && isBitTable(s.table as Table);
  const countOk = c.int(s, 'count', p, 1, bits ? 32 : 2, false);
  const count = s.count === undefined ? 1 : (s.count as number);
  if (tableOk && s.address === undefined) c.err(p + 'address', 'required');
  else if (tableOk) {
    const a = pduOf(s.table, s.address, addressing, offset);
    if (a < 0 || (countOk && a + count > 65536)) c.err(p + 'address', 'not a valid ' + addressing + ' address');
  }
  const rules = c.list(s, 'rules', p, true);
  if (rules === null) return;
  if (rules.length === 0) c.err(p + 'rules', 'expected at least one rule');
  const maxBit = bits ? count - 1 : 16 * count - 1;
  for (let i = 0; i < rules.length; i++) statusRuleOk(c, rules[i], p + 'rules[' + i + ']', countOk ? maxBit : 31);
}

function registerDefOk(c: Checker, r: unknown, path: string, addressing: Addressing, offset: number): void {
  if (!isObj(r)) {
    c.err(path, 'expected an object');
    return;
  }
  const p = path + '.';
  c.str(r, 'name', p, true);
  const tableOk = c.oneOf(r, 'table', p, TABLES as string[], true);
  const typeOk = c.oneOf(r, 'type', p, VALUE_TYPES as string[], true);
  if (tableOk && typeOk && isBitTable(r.table as Table) !== (r.type === 'bit')) {
    c.err(p + 'type', isBitTable(r.table as Table) ? "expected 'bit' for table " + r.table : "'bit' needs table coil or discrete");
  }
  if (tableOk && r.address === undefined) c.err(p + 'address', 'required');
  else if (tableOk) {
    const a = pduOf(r.table, r.address, addressing, offset);
    const words = typeOk ? typeWords(r.type as ValueType) : 1;
    if (a < 0 || a + words > 65536) c.err(p + 'address', 'not a valid ' + addressing + ' address');
  }
  c.oneOf(r, 'wordOrder', p, WORD_ORDERS as string[], false);
  c.num(r, 'scale', p);
  c.num(r, 'offset', p);
  if (c.num(r, 'divisor', p) && r.divisor === 0) c.err(p + 'divisor', 'must not be 0');
  c.str(r, 'unit', p, false);
  c.str(r, 'status', p, false);
}

// Tables filled from configured names and ids key them as '#' + name, so that no name (e.g. "constructor" or
// "__proto__") is ever an Object.prototype member.

/** Names defined in a list of objects with `name` ('#' + name -> index); reports duplicates. */
function namesOf(c: Checker, items: unknown[], path: string): { [key: string]: number } {
  const seen: { [key: string]: number } = {};
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!isObj(it) || typeof it.name !== 'string') continue;
    if (seen['#' + it.name] !== undefined) c.err(path + '[' + i + '].name', 'duplicate name "' + it.name + '"');
    else seen['#' + it.name] = i;
  }
  return seen;
}

/** `statusNames`: '#' + name of every status the registers may refer to. */
function statusRefsOk(c: Checker, regs: unknown[], path: string, statusNames: { [key: string]: boolean }): void {
  for (let i = 0; i < regs.length; i++) {
    const r = regs[i];
    if (isObj(r) && typeof r.status === 'string' && !statusNames['#' + r.status]) {
      c.err(path + '[' + i + '].status', 'unknown status "' + r.status + '"');
    }
  }
}

function profileOk(c: Checker, p: unknown, path: string): void {
  if (!isObj(p)) {
    c.err(path, 'expected an object');
    return;
  }
  const q = path + '.';
  c.str(p, 'id', q, true);
  c.str(p, 'title', q, false);
  c.str(p, 'source', q, true);
  const addrOk = c.oneOf(p, 'addressing', q, ADDRESSINGS as string[], true);
  c.oneOf(p, 'wordOrder', q, WORD_ORDERS as string[], true);
  c.bool(p, 'zeroWhileNotMeasuring', q);
  c.int(p, 'maxRegistersPerRead', q, 1, MAX_READ_REGISTERS, false);
  c.int(p, 'maxBitsPerRead', q, 1, MAX_READ_BITS, false);
  c.int(p, 'maxGap', q, 0, MAX_READ_BITS, false);
  const addressing = addrOk ? (p.addressing as Addressing) : 'pdu';
  const forbidden = c.list(p, 'forbidden', q, false);
  if (forbidden !== null) {
    for (let i = 0; i < forbidden.length; i++) {
      const f = forbidden[i];
      const fp = q + 'forbidden[' + i + ']';
      if (!isObj(f)) {
        c.err(fp, 'expected an object');
        continue;
      }
      if (!c.oneOf(f, 'table', fp + '.', TABLES as string[], true)) continue;
      const s = pduOf(f.table, f.start, addressing, 0);
      const e = pduOf(f.table, f.end, addressing, 0);
      if (s < 0) c.err(fp + '.start', 'not a valid ' + addressing + ' address');
      if (e < 0) c.err(fp + '.end', 'not a valid ' + addressing + ' address');
      if (s >= 0 && e >= 0 && e < s) c.err(fp + '.end', 'must not be below start');
    }
  }
  const statuses = c.list(p, 'statuses', q, true);
  const registers = c.list(p, 'registers', q, true);
  if (statuses !== null) {
    for (let i = 0; i < statuses.length; i++) statusDefOk(c, statuses[i], q + 'statuses[' + i + ']', addressing, 0);
  }
  if (registers !== null) {
    for (let i = 0; i < registers.length; i++) registerDefOk(c, registers[i], q + 'registers[' + i + ']', addressing, 0);
  }
  if (statuses !== null && registers !== null) {
    const sn = namesOf(c, statuses, q + 'statuses');
    namesOf(c, registers, q + 'registers');
    const known: { [key: string]: boolean } = {};
    for (const k in sn) known[k] = true;
    statusRefsOk(c, registers, q + 'registers', known);
  }
}

function busOk(c: Checker, b: unknown, path: string): void {
  if (!isObj(b)) {
    c.err(path, 'expected an object');
    return;
  }
  const p = path + '.';
  c.str(b, 'id', p, true);
  c.oneOf(b, 'port', p, ['Serial2', 'Serial3'], false);
  c.pin(b, 'rx', p, false);
  c.pin(b, 'tx', p, false);
  c.str(b, 'path', p, false);
  const baudOk = c.int(b, 'baud', p, 300, 1000000, true);
  const bitsOk = c.int(b, 'dataBits', p, 7, 8, false);
  const parityOk = c.oneOf(b, 'parity', p, ['none', 'even', 'odd'], false);
  const stopOk = c.int(b, 'stopBits', p, 1, 2, false);
  const lineOk = baudOk && bitsOk && parityOk && stopOk;
  c.oneOf(b, 'direction', p, ['auto', 'pin'], false);
  c.pin(b, 'dePin', p, b.direction === 'pin');
  c.int(b, 'deMarginUs', p, 0, 100000, false);
  const rtOk = c.int(b, 'responseTimeoutMs', p, 10, 60000, false);
  const stOk = c.int(b, 'silenceTimeoutMs', p, 5, 10000, false);
  if (lineOk) {
    // A UART chunk reaches JS only once its bytes are in: no timeout may be shorter than one chunk's wire time.
    const min = minTimeoutMs(lineOf(b as unknown as BusConfig));
    const why = 'must be at least ' + min + ' ms at ' + b.baud + ' baud (wire time of a ' + CHUNK + '-byte UART chunk + ' + CHUNK_MARGIN_MS + ' ms)';
    if (rtOk && b.responseTimeoutMs !== undefined && (b.responseTimeoutMs as number) < min) c.err(p + 'responseTimeoutMs', why);
    if (stOk && b.silenceTimeoutMs !== undefined && (b.silenceTimeoutMs as number) < min) c.err(p + 'silenceTimeoutMs', why);
  }
  c.int(b, 'retries', p, 0, 10, false);
  c.int(b, 'broadcastDelayMs', p, 0, 10000, false);
  c.int(b, 'offlineAfter', p, 1, 1000, false);
}

/** Largest chunk Espruino delivers in one 'data' event (IOEVENT_MAX_LEN, Espruino src/jsdevices.h). */
const CHUNK = 64;
const CHUNK_MARGIN_MS = 10;

function lineOf(b: BusConfig): LineSettings {
  return {
    baud: b.baud,
    dataBits: numOr(b.dataBits, 8),
    parity: b.parity !== undefined ? b.parity : 'none',
    stopBits: numOr(b.stopBits, 1),
  };
}

/** Shortest response/silence timeout that cannot expire while a full chunk is still arriving. */
export function minTimeoutMs(line: LineSettings): number {
  return wireTimeMs(CHUNK, line) + CHUNK_MARGIN_MS;
}

/** Built-in and configured profiles, '#' + id -> profile. */
function profileIndex(cfg: Obj): { [key: string]: ProfileDef } {
  const out: { [key: string]: ProfileDef } = {};
  const builtin = Object.keys(BUILTIN_PROFILES);
  for (let i = 0; i < builtin.length; i++) out['#' + builtin[i]] = BUILTIN_PROFILES[builtin[i]];
  const ps = cfg.profiles;
  if (Array.isArray(ps)) {
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      if (isObj(p) && typeof p.id === 'string' && out['#' + p.id] === undefined) out['#' + p.id] = p as unknown as ProfileDef;
    }
  }
  return out;
}

/** The merged definitions of a device ('#' + name -> entry): profile first, the device's own replacing same-named. */
interface Merged {
  registers: { [key: string]: { def: RegisterDef; addressing: Addressing; offset: number } };
  statuses: { [key: string]: { def: StatusDef; addressing: Addressing; offset: number } };
  order: WordOrder;
  profile: ProfileDef | null;
  forbidden: ForbiddenRange[];
}

function merge(d: DeviceConfig, profiles: { [key: string]: ProfileDef }): Merged {
  const found = d.profile !== undefined ? profiles['#' + d.profile] : undefined;
  const profile = found !== undefined ? found : null;
  const m: Merged = { registers: {}, statuses: {}, order: 'ABCD', profile: profile, forbidden: [] };
  const own: Addressing = d.addressing !== undefined ? d.addressing : profile !== null ? profile.addressing : 'pdu';
  const off = d.addressOffset !== undefined ? d.addressOffset : 0;
  if (profile !== null) {
    m.order = profile.wordOrder;
    for (let i = 0; i < profile.registers.length; i++) {
      const r = profile.registers[i];
      m.registers['#' + r.name] = { def: r, addressing: profile.addressing, offset: off };
    }
    for (let i = 0; i < profile.statuses.length; i++) {
      const s = profile.statuses[i];
      m.statuses['#' + s.name] = { def: s, addressing: profile.addressing, offset: off };
    }
    const fb = profile.forbidden !== undefined ? profile.forbidden : [];
    for (let i = 0; i < fb.length; i++) {
      const f: ForbiddenDef = fb[i];
      const s = toPduAddress(f.table, f.start, profile.addressing);
      const e = toPduAddress(f.table, f.end, profile.addressing);
      m.forbidden.push({ fc: tableFc(f.table), start: s + off, end: e + off });
    }
  }
  if (d.wordOrder !== undefined) m.order = d.wordOrder;
  const regs = d.registers !== undefined ? d.registers : [];
  for (let i = 0; i < regs.length; i++) m.registers['#' + regs[i].name] = { def: regs[i], addressing: own, offset: 0 };
  const sts = d.statuses !== undefined ? d.statuses : [];
  for (let i = 0; i < sts.length; i++) m.statuses['#' + sts[i].name] = { def: sts[i], addressing: own, offset: 0 };
  return m;
}

function deviceOk(
  c: Checker,
  d: unknown,
  path: string,
  profiles: { [key: string]: ProfileDef },
  buses: { [key: string]: boolean },
): void {
  if (!isObj(d)) {
    c.err(path, 'expected an object');
    return;
  }
  const p = path + '.';
  c.str(d, 'id', p, true);
  if (c.str(d, 'bus', p, true) && !buses['#' + d.bus]) c.err(p + 'bus', 'unknown bus "' + d.bus + '"');
  c.int(d, 'address', p, 1, 247, true);
  let profileOkFlag = true;
  if (c.str(d, 'profile', p, false) && d.profile !== undefined && profiles['#' + d.profile] === undefined) {
    profileOkFlag = c.err(p + 'profile', 'unknown profile "' + d.profile + '"');
  }
  const addrOk = c.oneOf(d, 'addressing', p, ADDRESSINGS as string[], false);
  c.oneOf(d, 'wordOrder', p, WORD_ORDERS as string[], false);
  c.int(d, 'addressOffset', p, -65535, 65535, false);
  const profile = d.profile !== undefined && profileOkFlag ? profiles['#' + d.profile] : undefined;
  const own: Addressing =
    d.addressing !== undefined && addrOk ? (d.addressing as Addressing) : profile !== undefined ? profile.addressing : 'pdu';
  const regs = c.list(d, 'registers', p, false);
  const sts = c.list(d, 'statuses', p, false);
  if (regs !== null) for (let i = 0; i < regs.length; i++) registerDefOk(c, regs[i], p + 'registers[' + i + ']', own, 0);
  if (sts !== null) for (let i = 0; i < sts.length; i++) statusDefOk(c, sts[i], p + 'statuses[' + i + ']', own, 0);
  if (regs !== null) namesOf(c, regs, p + 'registers');
  if (sts !== null) namesOf(c, sts, p + 'statuses');
  const channels = c.list(d, 'channels', p, true);
  if (channels !== null && channels.length === 0) c.err(p + 'channels', 'expected at least one channel');
  if (c.errors.length > 0 || channels === null) return;
  // The definitions are individually valid: check the merged view (references, shifted addresses, forbidden ranges).
  const m = merge(d as unknown as DeviceConfig, profiles);
  const statusNames: { [key: string]: boolean } = {};
  for (const k in m.statuses) statusNames[k] = true;
  statusRefsOk(c, regs as unknown[], p + 'registers', statusNames);
  if (d.addressOffset !== undefined && profile !== undefined) {
    for (const k in m.registers) {
      const e = m.registers[k];
      if (e.offset === 0) continue;
      const a = pduOf(e.def.table, e.def.address, e.addressing, e.offset);
      if (a < 0 || a + typeWords(e.def.type) > 65536) c.err(p + 'addressOffset', 'moves "' + e.def.name + '" outside 0..65535');
    }
  }
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[i];
    const cp = p + 'channels[' + i + ']';
    if (!isObj(ch)) {
      c.err(cp, 'expected an object');
      continue;
    }
    c.str(ch, 'id', cp + '.', true);
    c.int(ch, 'periodMs', cp + '.', 100, 86400000, true);
    if (!c.str(ch, 'register', cp + '.', true)) continue;
    const e = m.registers['#' + ch.register];
    if (e === undefined) {
      c.err(cp + '.register', 'unknown register "' + ch.register + '"');
      continue;
    }
    const a = pduOf(e.def.table, e.def.address, e.addressing, e.offset);
    const fc = tableFc(e.def.table);
    if (touchesForbidden(fc, a, a + typeWords(e.def.type), m.forbidden)) {
      c.err(cp + '.register', '"' + ch.register + '" lies in a forbidden range');
    }
    const s = e.def.status !== undefined ? m.statuses['#' + e.def.status] : undefined;
    if (s !== undefined) {
      const sa = pduOf(s.def.table, s.def.address, s.addressing, s.offset);
      const count = s.def.count !== undefined ? s.def.count : 1;
      if (touchesForbidden(tableFc(s.def.table), sa, sa + count, m.forbidden)) {
        c.err(cp + '.register', 'status "' + e.def.status + '" lies in a forbidden range');
      }
    }
  }
}

/** Validates a Modbus configuration; returns "path: problem" lines, empty when valid. */
export function validateModbusConfig(cfg: unknown): FieldError[] {
  const c = new Checker();
  if (!isObj(cfg)) {
    c.err('config', 'expected an object');
    return c.errors;
  }
  const profiles = c.list(cfg, 'profiles', '', false);
  if (profiles !== null) {
    const ids: { [key: string]: boolean } = {};
    for (let i = 0; i < profiles.length; i++) {
      profileOk(c, profiles[i], 'profiles[' + i + ']');
      const p = profiles[i];
      if (!isObj(p) || typeof p.id !== 'string') continue;
      if (hasOwn(BUILTIN_PROFILES, p.id)) c.err('profiles[' + i + '].id', '"' + p.id + '" is a built-in profile');
      else if (ids['#' + p.id]) c.err('profiles[' + i + '].id', 'duplicate id "' + p.id + '"');
      ids['#' + p.id] = true;
    }
  }
  const buses = c.list(cfg, 'buses', '', true);
  const busIds: { [key: string]: boolean } = {};
  if (buses !== null) {
    if (buses.length === 0) c.err('buses', 'expected at least one bus');
    for (let i = 0; i < buses.length; i++) {
      busOk(c, buses[i], 'buses[' + i + ']');
      const b = buses[i];
      if (!isObj(b) || typeof b.id !== 'string') continue;
      if (busIds['#' + b.id]) c.err('buses[' + i + '].id', 'duplicate id "' + b.id + '"');
      busIds['#' + b.id] = true;
    }
  }
  const devices = c.list(cfg, 'devices', '', true);
  if (devices === null) return c.errors;
  const index = profileIndex(cfg);
  const deviceIds: { [key: string]: boolean } = {};
  const slaves: { [key: string]: boolean } = {};
  const channelIds: { [key: string]: boolean } = {};
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    const p = 'devices[' + i + ']';
    // Each device gets its own checker: its merged-view checks run only when its own fields are valid.
    const sub = new Checker();
    deviceOk(sub, d, p, index, busIds);
    for (let k = 0; k < sub.errors.length; k++) c.errors.push(sub.errors[k]);
    if (!isObj(d)) continue;
    if (typeof d.id === 'string') {
      if (deviceIds['#' + d.id]) c.err(p + '.id', 'duplicate id "' + d.id + '"');
      deviceIds['#' + d.id] = true;
    }
    if (typeof d.bus === 'string' && isInt(d.address)) {
      const key = '#' + d.bus + '/' + d.address;
      if (slaves[key]) c.err(p + '.address', 'slave ' + d.address + ' already used on bus "' + d.bus + '"');
      slaves[key] = true;
    }
    const chs = d.channels;
    if (Array.isArray(chs)) {
      for (let j = 0; j < chs.length; j++) {
        const ch = chs[j];
        if (!isObj(ch) || typeof ch.id !== 'string') continue;
        if (channelIds['#' + ch.id]) c.err(p + '.channels[' + j + '].id', 'duplicate channel id "' + ch.id + '"');
        channelIds['#' + ch.id] = true;
      }
    }
  }
  return c.errors;
}

function resolveStatus(e: { def: StatusDef; addressing: Addressing; offset: number }, order: WordOrder): ResolvedStatus {
  return {
    name: e.def.name,
    fc: tableFc(e.def.table),
    address: (pduOf(e.def.table, e.def.address, e.addressing, e.offset) as number) | 0,
    count: e.def.count !== undefined ? e.def.count : 1,
    order: order,
    rules: e.def.rules,
  };
}

function resolveDevice(d: DeviceConfig, profiles: { [key: string]: ProfileDef }): ResolvedDevice {
  const m = merge(d, profiles);
  const statuses: { [key: string]: ResolvedStatus } = {};
  for (const k in m.statuses) statuses[k] = resolveStatus(m.statuses[k], m.order);
  const channels: ResolvedChannel[] = [];
  for (let i = 0; i < d.channels.length; i++) {
    const ch = d.channels[i];
    const e = m.registers['#' + ch.register];
    const r = e.def;
    channels.push({
      id: ch.id,
      periodMs: ch.periodMs,
      register: {
        name: r.name,
        fc: tableFc(r.table),
        address: pduOf(r.table, r.address, e.addressing, e.offset),
        type: r.type,
        order: r.wordOrder !== undefined ? r.wordOrder : m.order,
        scale: numOr(r.scale, 1),
        divisor: numOr(r.divisor, 1),
        offset: numOr(r.offset, 0),
        unit: r.unit !== undefined ? r.unit : '',
        status: r.status !== undefined ? statuses['#' + r.status] : null,
      },
    });
  }
  const p = m.profile;
  return {
    id: d.id,
    slave: d.address,
    profile: p !== null ? p.id : 'custom',
    source: p !== null ? p.source : 'device configuration',
    zeroWhileNotMeasuring: p !== null ? p.zeroWhileNotMeasuring === true : false,
    limits: {
      maxRegisters: p !== null ? numOr(p.maxRegistersPerRead, MAX_READ_REGISTERS) : MAX_READ_REGISTERS,
      maxBits: p !== null ? numOr(p.maxBitsPerRead, MAX_READ_BITS) : MAX_READ_BITS,
      maxGap: p !== null ? numOr(p.maxGap, MAX_READ_BITS) : MAX_READ_BITS,
      forbidden: m.forbidden,
    },
    channels: channels,
  };
}

/** Validates and resolves; throws MODBUS_CONFIG listing every problem. */
export function resolveModbusConfig(cfg: ModbusConfig): ResolvedBus[] {
  const errors = validateModbusConfig(cfg);
  if (errors.length > 0) throw codedError('MODBUS_CONFIG', errors.map(fieldErrorText).join('; '));
  const profiles = profileIndex(cfg as unknown as Obj);
  const out: ResolvedBus[] = [];
  for (let i = 0; i < cfg.buses.length; i++) {
    const b = cfg.buses[i];
    const line = lineOf(b);
    const minTimeout = minTimeoutMs(line);
    const devices: ResolvedDevice[] = [];
    for (let k = 0; k < cfg.devices.length; k++) {
      if (cfg.devices[k].bus === b.id) devices.push(resolveDevice(cfg.devices[k], profiles));
    }
    out.push({
      id: b.id,
      port: b.port !== undefined ? b.port : 'Serial2',
      rx: b.rx !== undefined ? b.rx : null,
      tx: b.tx !== undefined ? b.tx : null,
      path: b.path !== undefined ? b.path : '',
      line: line,
      direction: b.direction !== undefined ? b.direction : 'auto',
      dePin: b.dePin !== undefined ? b.dePin : null,
      deMarginUs: numOr(b.deMarginUs, 1000),
      responseTimeoutMs: numOr(b.responseTimeoutMs, Math.max(1000, minTimeout)),
      silenceTimeoutMs: numOr(b.silenceTimeoutMs, Math.max(100, minTimeout)),
      interFrameMs: interFrameMs(line),
      retries: numOr(b.retries, 2),
      broadcastDelayMs: numOr(b.broadcastDelayMs, 100),
      offlineAfter: numOr(b.offlineAfter, 3),
      devices: devices,
    });
  }
  return out;
}
