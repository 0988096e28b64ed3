// Record schema v1: the COSE payload of every record, a deterministic CBOR map with small integer keys (all keys are
// 0..23, so each encodes in one byte and bytewise order equals numeric order). The key table is in docs/records.md.
// Measured values are CBOR floats written from their float64 value (shortest exact form), never decimal text.
// Inputs are plain data: the emissions engine fills PeriodData, the firmware fills EventData.
import { codedError, type CodedError } from '../errors';
import { STATUS_LIST, type Status } from '../sample';
import { CborFloat, CborMap, decodeCbor, encodeCbor, type CborValue } from './cbor';

export const RECORD_SCHEMA_VERSION = 1;
export const HASH_BYTES = 32;
/** Upper bound for one COSE record; keeps a record inside one journal entry and one MQTT publish on the device. */
export const MAX_RECORD_BYTES = 4096;
/** Largest number of digits after the decimal point a quantity may ask for in the JSON rendition. */
export const MAX_DECIMALS = 9;

// --- key table --------------------------------------------------------------------------------------------------
export const K_RECORD = { VERSION: 0, TYPE: 1, SEQ: 2, PREV: 3, DEVICE: 4, SITE: 5, TIME: 6, CREATED: 7, PERIOD: 8, EVENT: 9 };
export const K_DEVICE = { ID: 0, FIRMWARE_HASH: 1, FIRMWARE_VERSION: 2 };
export const K_SITE = { FACILITY: 0, INSTALLATION: 1, STACK: 2, LOCATION: 3 };
export const K_TIME = { SOURCE: 0, LAST_SYNC: 1, SYNC_OFFSET: 2 };
export const K_PERIOD = { START: 0, END: 1, AVERAGING: 2, ANALYZERS: 3, QUANTITIES: 4, PLAN_VERSION: 5, PART: 6, SUPPLEMENT: 7 };
export const K_ANALYZER = { ID: 0, SERIAL: 1, QAL1: 2, MODEL: 3 };
export const K_QUANTITY = {
  ID: 0, ANALYZER: 1, RAW: 2, CORRECTED: 3, DECIMALS: 4, CALIBRATION: 5, N_VALID: 6, N_TOTAL: 7, AVAILABILITY: 8,
  VALIDITY_RULE: 9, STATUS: 10, NATIVE: 11, SUBSTITUTION: 12, UNCERTAINTY: 13, METHOD: 14,
};
export const K_VALUE = { VALUE: 0, UNIT: 1, BASIS: 2, T_REF: 3, P_REF: 4, O2_REF: 5 };
export const K_CODE = { SCHEME: 0, CODE: 1 };
export const K_SUBST = { METHOD: 0, CODE: 1 };
export const K_UNCERTAINTY = { VALUE: 0, K: 1 };
export const K_EVENT = { KIND: 0, START: 1, END: 2, ACTOR: 3, DETAIL: 4 };
export const K_CALIBRATION = { ANALYZER: 0, CHECK: 1, QUANTITY: 2, REFERENCE: 3, MEASURED: 4, UNIT: 5, PASSED: 6, FUNCTION: 7, DECIMALS: 8 };
export const K_MAINTENANCE = { ANALYZER: 0, REASON: 1 };
export const K_CONFIG = { OLD_HASH: 0, NEW_HASH: 1, CHANGES: 2 };
export const K_GAP = { REASON: 0, FIRST_SEQ: 1, LAST_SEQ: 2, FROM: 3, TO: 4 };
export const K_REBOOT = { BOOT_COUNT: 0, REASON: 1, RESUMED_FROM: 2 };
export const K_TIMESET = { SOURCE: 0, STEP: 1 };

export const RECORD_TYPE_PERIOD = 1;
export const RECORD_TYPE_EVENT = 2;

// --- enumerations (index = code on the wire) ----------------------------------------------------------------------
export const STATUS_CODES: Status[] = STATUS_LIST;
export type Basis = 'none' | 'wet' | 'dry';
export const BASIS_CODES: Basis[] = ['none', 'wet', 'dry'];
export type TimeSource = 'none' | 'rtc' | 'ntp' | 'gnss' | 'manual';
export const TIME_SOURCE_CODES: TimeSource[] = ['none', 'rtc', 'ntp', 'gnss', 'manual'];
export type EventKind = 'calibration' | 'maintenance' | 'config-change' | 'gap' | 'reboot' | 'time-set';
/** Code 0 is unused so that a zeroed field never reads as an event kind. */
export const EVENT_KIND_CODES: (EventKind | '')[] = ['', 'calibration', 'maintenance', 'config-change', 'gap', 'reboot', 'time-set'];
export type GapReason = 'unpersisted-seq' | 'no-data' | 'journal-overflow';
export const GAP_REASON_CODES: (GapReason | '')[] = ['', 'unpersisted-seq', 'no-data', 'journal-overflow'];
export type RebootReason = 'unknown' | 'power-on' | 'watchdog' | 'software' | 'firmware-update';
export const REBOOT_REASON_CODES: RebootReason[] = ['unknown', 'power-on', 'watchdog', 'software', 'firmware-update'];
export type ResumedFrom = 'genesis' | 'journal' | 'state';
export const RESUMED_FROM_CODES: ResumedFrom[] = ['genesis', 'journal', 'state'];

// --- plain-data model ------------------------------------------------------------------------------------------------
export interface DeviceIdentity {
  id: string;
  /** FIRMWARE_HASH: SHA-256 of the code the device runs (.bootcde after its identity line, then every Storage module in name order; scripts/build.ts). */
  firmwareHash: Uint8Array;
  firmwareVersion: string;
}

export interface SiteIdentity {
  facilityId: string;
  installationId: string;
  /** Emission source (stack). */
  stackId: string;
  monitoringLocationId: string;
}

export interface TimeInfo {
  source: TimeSource;
  /** When the clock was last synchronized (UTC ms), or 0 if never. */
  lastSyncMs: number;
  /** Clock correction applied at that sync (reference minus device, ms). */
  syncOffsetMs: number;
}

export interface AnalyzerInfo {
  id: string;
  serial: string;
  /** EN 15267 QAL1 certificate number ("" when the instrument has none). */
  qal1Certificate: string;
  model: string;
}

export interface ValueBlock {
  /** Period value, or null when no value could be formed. */
  value: number | null;
  unit: string;
  basis: Basis;
}

export interface CorrectedBlock extends ValueBlock {
  /** Reference temperature in K, pressure in Pa, O2 in %; null where the quantity has no such reference. */
  tRefK: number | null;
  pRefPa: number | null;
  o2RefPct: number | null;
}

export interface NativeStatus {
  /** Where the code comes from, e.g. "HJ212", "P75-MODC", "GM32". */
  scheme: string;
  code: number | string;
}

export interface Substitution {
  /** e.g. "EU-MRR-2018/2066:Art45-AnnexVIII-Eq4", "40CFR75.33". */
  method: string;
  code: number | string;
}

export interface Uncertainty {
  /** Expanded uncertainty in the unit of the corrected value. */
  value: number;
  /** Coverage factor (usually 2). */
  k: number;
}

export interface QuantityData {
  id: string;
  /** Index into PeriodData.analyzers, or -1 for a computed quantity (e.g. a mass rate). */
  analyzer: number;
  raw: ValueBlock;
  corrected: CorrectedBlock;
  /** Digits after the decimal point in the JSON rendition of this quantity's values. */
  decimals: number;
  /** Calibration function applied (e.g. QAL2 id), "" when none. */
  calibrationId: string;
  nValid: number;
  nTotal: number;
  /** Availability in basis points (1/100 %), floor(nValid * 10000 / nTotal). */
  availabilityBp: number;
  validityRule: string;
  status: Status;
  native: NativeStatus;
  substitution: Substitution | null;
  uncertainty: Uncertainty | null;
  /** e.g. "EU-MRR-2018/2066:AnnexVIII-Eq1", "40CFR75-AppF-F-1", "HJ212-2017-AnnexD-Eq33". */
  methodRef: string;
}

/** Place of a record among the parts of a period whose quantities did not fit into one record. */
export interface PeriodPart {
  /** 0-based. */
  index: number;
  /** Number of parts, at least 2. */
  count: number;
}

export interface PeriodData {
  startMs: number;
  endMs: number;
  /** Averaging interval in seconds (3600 for hourly). */
  averagingS: number;
  analyzers: AnalyzerInfo[];
  quantities: QuantityData[];
  monitoringPlanVersion: string;
  /** Present only on a part of a split period (key 6; records without it are whole). */
  part?: PeriodPart;
  /**
   * True only on a supplement (key 7): a record that carries substitutes, and nothing else, for a period recorded
   * earlier or declared as a gap. Its quantities take the place of the same quantities of that period.
   */
  supplement?: boolean;
}

export interface CalibrationDetail {
  analyzerId: string;
  /** "zero", "span", "QAL3", "AST", "QAL2", ... */
  check: string;
  quantity: string;
  reference: number;
  measured: number;
  unit: string;
  passed: boolean;
  /** Calibration function in force after the event, "" when unchanged. */
  functionId: string;
  decimals: number;
}

export interface MaintenanceDetail {
  analyzerId: string;
  reason: string;
}

export type ConfigValue = string | number | boolean | null;

export interface ConfigChange {
  path: string;
  oldValue: ConfigValue;
  newValue: ConfigValue;
}

export interface ConfigChangeDetail {
  oldHash: Uint8Array;
  newHash: Uint8Array;
  changes: ConfigChange[];
}

export interface GapDetail {
  reason: GapReason;
  /** Sequence numbers that may be missing (-1 when the gap is not about sequence numbers). */
  firstSeq: number;
  lastSeq: number;
  /** Time range without data (-1 when not about time). */
  fromMs: number;
  toMs: number;
}

export interface RebootDetail {
  bootCount: number;
  reason: RebootReason;
  resumedFrom: ResumedFrom;
}

export interface TimeSetDetail {
  source: TimeSource;
  /** New minus old clock reading, ms. */
  stepMs: number;
}

interface EventCommon {
  startMs: number;
  /** End of a window (calibration, maintenance), or -1. */
  endMs: number;
  /** Who caused it (technician id, "device"), "" when unknown. */
  actor: string;
}

export type EventData =
  | (EventCommon & { kind: 'calibration'; detail: CalibrationDetail })
  | (EventCommon & { kind: 'maintenance'; detail: MaintenanceDetail })
  | (EventCommon & { kind: 'config-change'; detail: ConfigChangeDetail })
  | (EventCommon & { kind: 'gap'; detail: GapDetail })
  | (EventCommon & { kind: 'reboot'; detail: RebootDetail })
  | (EventCommon & { kind: 'time-set'; detail: TimeSetDetail });

export interface Identity {
  device: DeviceIdentity;
  site: SiteIdentity;
}

/** What a record says, apart from its place in the chain. */
export interface RecordBody {
  time: TimeInfo;
  createdMs: number;
  /** Exactly one of period / event is set. */
  period: PeriodData | null;
  event: EventData | null;
}

export interface RecordData extends RecordBody {
  version: number;
  seq: number;
  /** SHA-256 of the previous record's complete COSE bytes (32 zero bytes before the first record). */
  prev: Uint8Array;
  device: DeviceIdentity;
  site: SiteIdentity;
}

export function availabilityBp(nValid: number, nTotal: number): number {
  return nTotal > 0 ? Math.floor((nValid * 10000) / nTotal) : 0;
}

// --- encoding --------------------------------------------------------------------------------------------------------
function schemaError(code: string, path: string, reason: string): CodedError {
  return codedError(code, path + ': ' + reason);
}

const MAX_SAFE = 9007199254740991;

function uintOf(v: number, path: string, field: string): number {
  if (typeof v !== 'number' || Math.floor(v) !== v || v < 0 || v > MAX_SAFE) throw schemaError('SCHEMA_RANGE', path + '.' + field, 'must be an unsigned integer');
  return v;
}

function intOf(v: number, path: string, field: string): number {
  if (typeof v !== 'number' || Math.floor(v) !== v || v < -MAX_SAFE || v > MAX_SAFE) throw schemaError('SCHEMA_RANGE', path + '.' + field, 'must be an integer');
  return v;
}

function floatOf(v: number, path: string, field: string): CborFloat {
  if (typeof v !== 'number' || !isFinite(v)) throw schemaError('SCHEMA_RANGE', path + '.' + field, 'must be a finite number');
  return new CborFloat(v);
}

function textOf(v: string, path: string, field: string): string {
  if (typeof v !== 'string') throw schemaError('SCHEMA_TYPE', path + '.' + field, 'must be text');
  return v;
}

function hashOf(v: Uint8Array, path: string, field: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== HASH_BYTES) throw schemaError('SCHEMA_RANGE', path + '.' + field, 'must be 32 bytes');
  return v;
}

function enumOf(table: string[], v: string, path: string, field: string): number {
  const i = table.indexOf(v);
  if (i < 0 || v === '') throw schemaError('SCHEMA_ENUM', path + '.' + field, 'unknown value ' + v);
  return i;
}

function codeOf(v: number | string, path: string, field: string): number | string {
  return typeof v === 'string' ? v : intOf(v, path, field);
}

function configValueOf(v: ConfigValue, path: string, field: string): CborValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Math.floor(v) === v && v >= -MAX_SAFE && v <= MAX_SAFE) return v;
  return floatOf(v, path, field);
}

function encodeValueBlock(b: ValueBlock, path: string): CborMap {
  return new CborMap()
    .set(K_VALUE.VALUE, b.value === null ? null : floatOf(b.value, path, 'value'))
    .set(K_VALUE.UNIT, textOf(b.unit, path, 'unit'))
    .set(K_VALUE.BASIS, enumOf(BASIS_CODES, b.basis, path, 'basis'));
}

/** One quantity as the CBOR map a period record carries (validated; `path` names it in errors). */
function encodeQuantity(q: QuantityData, nAnalyzers: number, path: string): CborMap {
  const m = new CborMap().set(K_QUANTITY.ID, textOf(q.id, path, 'id'));
  if (q.analyzer !== -1) {
    if (uintOf(q.analyzer, path, 'analyzer') >= nAnalyzers) throw schemaError('SCHEMA_RANGE', path + '.analyzer', 'no analyzer ' + q.analyzer);
    m.set(K_QUANTITY.ANALYZER, q.analyzer);
  }
  m.set(K_QUANTITY.RAW, encodeValueBlock(q.raw, path + '.raw'));
  const c = encodeValueBlock(q.corrected, path + '.corrected');
  if (q.corrected.tRefK !== null) c.set(K_VALUE.T_REF, floatOf(q.corrected.tRefK, path, 'corrected.tRefK'));
  if (q.corrected.pRefPa !== null) c.set(K_VALUE.P_REF, floatOf(q.corrected.pRefPa, path, 'corrected.pRefPa'));
  if (q.corrected.o2RefPct !== null) c.set(K_VALUE.O2_REF, floatOf(q.corrected.o2RefPct, path, 'corrected.o2RefPct'));
  m.set(K_QUANTITY.CORRECTED, c);
  if (uintOf(q.decimals, path, 'decimals') > MAX_DECIMALS) throw schemaError('SCHEMA_RANGE', path + '.decimals', 'at most ' + MAX_DECIMALS);
  m.set(K_QUANTITY.DECIMALS, q.decimals);
  m.set(K_QUANTITY.CALIBRATION, textOf(q.calibrationId, path, 'calibrationId'));
  m.set(K_QUANTITY.N_VALID, uintOf(q.nValid, path, 'nValid'));
  m.set(K_QUANTITY.N_TOTAL, uintOf(q.nTotal, path, 'nTotal'));
  if (q.nValid > q.nTotal) throw schemaError('SCHEMA_RANGE', path + '.nValid', 'exceeds nTotal');
  if (uintOf(q.availabilityBp, path, 'availabilityBp') > 10000) throw schemaError('SCHEMA_RANGE', path + '.availabilityBp', 'above 10000');
  m.set(K_QUANTITY.AVAILABILITY, q.availabilityBp);
  m.set(K_QUANTITY.VALIDITY_RULE, textOf(q.validityRule, path, 'validityRule'));
  m.set(K_QUANTITY.STATUS, enumOf(STATUS_CODES, q.status, path, 'status'));
  m.set(K_QUANTITY.NATIVE, new CborMap()
    .set(K_CODE.SCHEME, textOf(q.native.scheme, path, 'native.scheme'))
    .set(K_CODE.CODE, codeOf(q.native.code, path, 'native.code')));
  if (q.substitution !== null) {
    m.set(K_QUANTITY.SUBSTITUTION, new CborMap()
      .set(K_SUBST.METHOD, textOf(q.substitution.method, path, 'substitution.method'))
      .set(K_SUBST.CODE, codeOf(q.substitution.code, path, 'substitution.code')));
  }
  if (q.uncertainty !== null) {
    m.set(K_QUANTITY.UNCERTAINTY, new CborMap()
      .set(K_UNCERTAINTY.VALUE, floatOf(q.uncertainty.value, path, 'uncertainty.value'))
      .set(K_UNCERTAINTY.K, floatOf(q.uncertainty.k, path, 'uncertainty.k')));
  }
  m.set(K_QUANTITY.METHOD, textOf(q.methodRef, path, 'methodRef'));
  return m;
}

const PART_RULE = 'must be [index, count] with count >= 2 and index < count';

function encodePeriod(p: PeriodData): CborMap {
  const analyzers: CborValue[] = [];
  for (let i = 0; i < p.analyzers.length; i++) {
    const a = p.analyzers[i];
    const path = 'period.analyzers[' + i + ']';
    analyzers.push(new CborMap()
      .set(K_ANALYZER.ID, textOf(a.id, path, 'id'))
      .set(K_ANALYZER.SERIAL, textOf(a.serial, path, 'serial'))
      .set(K_ANALYZER.QAL1, textOf(a.qal1Certificate, path, 'qal1Certificate'))
      .set(K_ANALYZER.MODEL, textOf(a.model, path, 'model')));
  }
  const quantities: CborValue[] = [];
  for (let i = 0; i < p.quantities.length; i++) {
    quantities.push(encodeQuantity(p.quantities[i], p.analyzers.length, 'period.quantities[' + i + ']'));
  }
  if (uintOf(p.endMs, 'period', 'endMs') <= uintOf(p.startMs, 'period', 'startMs')) throw schemaError('SCHEMA_RANGE', 'period.endMs', 'not after startMs');
  const m = new CborMap()
    .set(K_PERIOD.START, p.startMs)
    .set(K_PERIOD.END, p.endMs)
    .set(K_PERIOD.AVERAGING, uintOf(p.averagingS, 'period', 'averagingS'))
    .set(K_PERIOD.ANALYZERS, analyzers)
    .set(K_PERIOD.QUANTITIES, quantities)
    .set(K_PERIOD.PLAN_VERSION, textOf(p.monitoringPlanVersion, 'period', 'monitoringPlanVersion'));
  if (p.part !== undefined && p.part !== null) {
    const index = uintOf(p.part.index, 'period', 'part.index');
    if (uintOf(p.part.count, 'period', 'part.count') < 2 || index >= p.part.count) throw schemaError('SCHEMA_RANGE', 'period.part', PART_RULE);
    m.set(K_PERIOD.PART, [index, p.part.count]);
  }
  if (p.supplement !== undefined && p.supplement !== false) {
    if (p.supplement !== true) throw schemaError('SCHEMA_TYPE', 'period.supplement', 'must be a boolean');
    m.set(K_PERIOD.SUPPLEMENT, true);
  }
  return m;
}

function encodeEventDetail(e: EventData): CborMap {
  const m = new CborMap();
  const path = 'event.detail';
  if (e.kind === 'calibration') {
    const d = e.detail;
    if (uintOf(d.decimals, path, 'decimals') > MAX_DECIMALS) throw schemaError('SCHEMA_RANGE', path + '.decimals', 'at most ' + MAX_DECIMALS);
    m.set(K_CALIBRATION.ANALYZER, textOf(d.analyzerId, path, 'analyzerId'))
      .set(K_CALIBRATION.CHECK, textOf(d.check, path, 'check'))
      .set(K_CALIBRATION.QUANTITY, textOf(d.quantity, path, 'quantity'))
      .set(K_CALIBRATION.REFERENCE, floatOf(d.reference, path, 'reference'))
      .set(K_CALIBRATION.MEASURED, floatOf(d.measured, path, 'measured'))
      .set(K_CALIBRATION.UNIT, textOf(d.unit, path, 'unit'))
      .set(K_CALIBRATION.PASSED, d.passed === true)
      .set(K_CALIBRATION.FUNCTION, textOf(d.functionId, path, 'functionId'))
      .set(K_CALIBRATION.DECIMALS, d.decimals);
  } else if (e.kind === 'maintenance') {
    m.set(K_MAINTENANCE.ANALYZER, textOf(e.detail.analyzerId, path, 'analyzerId'))
      .set(K_MAINTENANCE.REASON, textOf(e.detail.reason, path, 'reason'));
  } else if (e.kind === 'config-change') {
    const d = e.detail;
    const changes: CborValue[] = [];
    for (let i = 0; i < d.changes.length; i++) {
      const c = d.changes[i];
      const cp = path + '.changes[' + i + ']';
      changes.push([textOf(c.path, cp, 'path'), configValueOf(c.oldValue, cp, 'oldValue'), configValueOf(c.newValue, cp, 'newValue')]);
    }
    m.set(K_CONFIG.OLD_HASH, hashOf(d.oldHash, path, 'oldHash'))
      .set(K_CONFIG.NEW_HASH, hashOf(d.newHash, path, 'newHash'))
      .set(K_CONFIG.CHANGES, changes);
  } else if (e.kind === 'gap') {
    const d = e.detail;
    m.set(K_GAP.REASON, enumOf(GAP_REASON_CODES, d.reason, path, 'reason'));
    if (d.firstSeq !== -1 || d.lastSeq !== -1) {
      if (uintOf(d.lastSeq, path, 'lastSeq') < uintOf(d.firstSeq, path, 'firstSeq')) throw schemaError('SCHEMA_RANGE', path + '.lastSeq', 'before firstSeq');
      m.set(K_GAP.FIRST_SEQ, d.firstSeq).set(K_GAP.LAST_SEQ, d.lastSeq);
    }
    if (d.fromMs !== -1 || d.toMs !== -1) {
      if (uintOf(d.toMs, path, 'toMs') < uintOf(d.fromMs, path, 'fromMs')) throw schemaError('SCHEMA_RANGE', path + '.toMs', 'before fromMs');
      m.set(K_GAP.FROM, d.fromMs).set(K_GAP.TO, d.toMs);
    }
  } else if (e.kind === 'reboot') {
    m.set(K_REBOOT.BOOT_COUNT, uintOf(e.detail.bootCount, path, 'bootCount'))
      .set(K_REBOOT.REASON, enumOf(REBOOT_REASON_CODES, e.detail.reason, path, 'reason'))
      .set(K_REBOOT.RESUMED_FROM, enumOf(RESUMED_FROM_CODES, e.detail.resumedFrom, path, 'resumedFrom'));
  } else if (e.kind === 'time-set') {
    m.set(K_TIMESET.SOURCE, enumOf(TIME_SOURCE_CODES, e.detail.source, path, 'source'))
      .set(K_TIMESET.STEP, intOf(e.detail.stepMs, path, 'stepMs'));
  } else throw schemaError('SCHEMA_ENUM', 'event.kind', 'unknown event kind');
  return m;
}

function encodeEvent(e: EventData): CborMap {
  const m = new CborMap()
    .set(K_EVENT.KIND, enumOf(EVENT_KIND_CODES as string[], e.kind, 'event', 'kind'))
    .set(K_EVENT.START, uintOf(e.startMs, 'event', 'startMs'));
  if (e.endMs !== -1) {
    if (uintOf(e.endMs, 'event', 'endMs') < e.startMs) throw schemaError('SCHEMA_RANGE', 'event.endMs', 'before startMs');
    m.set(K_EVENT.END, e.endMs);
  }
  if (textOf(e.actor, 'event', 'actor') !== '') m.set(K_EVENT.ACTOR, e.actor);
  m.set(K_EVENT.DETAIL, encodeEventDetail(e));
  return m;
}

/** The record as a CBOR map (the COSE payload before encoding). Throws SCHEMA_* coded errors on invalid data. */
export function recordToCbor(r: RecordData): CborMap {
  if (r.version !== RECORD_SCHEMA_VERSION) throw schemaError('SCHEMA_VERSION', 'version', 'only version ' + RECORD_SCHEMA_VERSION + ' is written');
  if ((r.period === null) === (r.event === null)) throw schemaError('SCHEMA_TYPE', 'record', 'exactly one of period / event must be set');
  const m = new CborMap()
    .set(K_RECORD.VERSION, r.version)
    .set(K_RECORD.TYPE, r.period !== null ? RECORD_TYPE_PERIOD : RECORD_TYPE_EVENT)
    .set(K_RECORD.SEQ, uintOf(r.seq, 'record', 'seq'))
    .set(K_RECORD.PREV, hashOf(r.prev, 'record', 'prev'))
    .set(K_RECORD.DEVICE, new CborMap()
      .set(K_DEVICE.ID, textOf(r.device.id, 'device', 'id'))
      .set(K_DEVICE.FIRMWARE_HASH, hashOf(r.device.firmwareHash, 'device', 'firmwareHash'))
      .set(K_DEVICE.FIRMWARE_VERSION, textOf(r.device.firmwareVersion, 'device', 'firmwareVersion')))
    .set(K_RECORD.SITE, new CborMap()
      .set(K_SITE.FACILITY, textOf(r.site.facilityId, 'site', 'facilityId'))
      .set(K_SITE.INSTALLATION, textOf(r.site.installationId, 'site', 'installationId'))
      .set(K_SITE.STACK, textOf(r.site.stackId, 'site', 'stackId'))
      .set(K_SITE.LOCATION, textOf(r.site.monitoringLocationId, 'site', 'monitoringLocationId')))
    .set(K_RECORD.TIME, new CborMap()
      .set(K_TIME.SOURCE, enumOf(TIME_SOURCE_CODES, r.time.source, 'time', 'source'))
      .set(K_TIME.LAST_SYNC, uintOf(r.time.lastSyncMs, 'time', 'lastSyncMs'))
      .set(K_TIME.SYNC_OFFSET, intOf(r.time.syncOffsetMs, 'time', 'syncOffsetMs')))
    .set(K_RECORD.CREATED, uintOf(r.createdMs, 'record', 'createdMs'));
  if (r.period !== null) m.set(K_RECORD.PERIOD, encodePeriod(r.period));
  else m.set(K_RECORD.EVENT, encodeEvent(r.event as EventData));
  return m;
}

export function encodeRecordPayload(r: RecordData): Uint8Array {
  return encodeCbor(recordToCbor(r));
}

// --- decoding --------------------------------------------------------------------------------------------------------
/** Reads one map of the schema, remembering which keys were read so unknown keys can be rejected. */
const NO_MAP = new CborMap();

class MapReader {
  map: CborMap = NO_MAP;
  path = '';
  used: boolean[] = [];
  constructor(v: CborValue, path: string) {
    if (!(v instanceof CborMap)) throw schemaError('SCHEMA_TYPE', path, 'must be a map');
    this.map = v;
    this.path = path;
    for (let i = 0; i < v.keys.length; i++) this.used.push(false);
  }

  has(key: number): boolean {
    return this.map.has(key);
  }

  raw(key: number, name: string): CborValue {
    const i = this.map.indexOf(key);
    if (i < 0) throw schemaError('SCHEMA_MISSING', this.path + '.' + name, 'required key ' + key + ' missing');
    this.used[i] = true;
    return this.map.values[i];
  }

  uint(key: number, name: string): number {
    const v = this.raw(key, name);
    if (typeof v !== 'number' || v < 0) throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be an unsigned integer');
    return v;
  }

  int(key: number, name: string): number {
    const v = this.raw(key, name);
    if (typeof v !== 'number') throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be an integer');
    return v;
  }

  float(key: number, name: string): number {
    const v = this.raw(key, name);
    if (!(v instanceof CborFloat)) throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be a CBOR float');
    if (!isFinite(v.value)) throw schemaError('SCHEMA_RANGE', this.path + '.' + name, 'must be finite');
    return v.value;
  }

  floatOrNull(key: number, name: string): number | null {
    const i = this.map.indexOf(key);
    if (i >= 0 && this.map.values[i] === null) {
      this.used[i] = true;
      return null;
    }
    return this.float(key, name);
  }

  text(key: number, name: string): string {
    const v = this.raw(key, name);
    if (typeof v !== 'string') throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be ASCII text');
    return v;
  }

  bool(key: number, name: string): boolean {
    const v = this.raw(key, name);
    if (typeof v !== 'boolean') throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be a boolean');
    return v;
  }

  hash(key: number, name: string): Uint8Array {
    const v = this.raw(key, name);
    if (!(v instanceof Uint8Array) || v.length !== HASH_BYTES) throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be a 32-byte string');
    return v;
  }

  code(key: number, name: string): number | string {
    const v = this.raw(key, name);
    if (typeof v !== 'number' && typeof v !== 'string') throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be an integer or text');
    return v;
  }

  enumValue<T>(key: number, name: string, table: T[]): T {
    const c = this.uint(key, name);
    if (c >= table.length || (table[c] as unknown) === '') throw schemaError('SCHEMA_ENUM', this.path + '.' + name, 'unknown code ' + c);
    return table[c];
  }

  array(key: number, name: string): CborValue[] {
    const v = this.raw(key, name);
    if (!Array.isArray(v)) throw schemaError('SCHEMA_TYPE', this.path + '.' + name, 'must be an array');
    return v;
  }

  sub(key: number, name: string): MapReader {
    return newMapReader(this.raw(key, name), this.path + '.' + name);
  }

  /** Rejects keys the schema does not define: nothing unchecked can ride along in a signed record. */
  done(): void {
    for (let i = 0; i < this.used.length; i++) {
      if (!this.used[i]) throw schemaError('SCHEMA_UNKNOWN_KEY', this.path, 'unknown key ' + String(this.map.keys[i]));
    }
  }
}

// Outside the class: esbuild emits a class that names itself as `var X = class _X {…}`, and Espruino does not bind a
// class expression's own name inside its body.
function newMapReader(v: CborValue, path: string): MapReader {
  return new MapReader(v, path);
}

function readValueBlock(r: MapReader): ValueBlock {
  return { value: r.floatOrNull(K_VALUE.VALUE, 'value'), unit: r.text(K_VALUE.UNIT, 'unit'), basis: r.enumValue(K_VALUE.BASIS, 'basis', BASIS_CODES) };
}

function readQuantity(v: CborValue, path: string, nAnalyzers: number): QuantityData {
  const r = new MapReader(v, path);
  const id = r.text(K_QUANTITY.ID, 'id');
  let analyzer = -1;
  if (r.has(K_QUANTITY.ANALYZER)) {
    analyzer = r.uint(K_QUANTITY.ANALYZER, 'analyzer');
    if (analyzer >= nAnalyzers) throw schemaError('SCHEMA_RANGE', path + '.analyzer', 'no analyzer ' + analyzer);
  }
  const rawR = r.sub(K_QUANTITY.RAW, 'raw');
  const raw = readValueBlock(rawR);
  rawR.done();
  const cR = r.sub(K_QUANTITY.CORRECTED, 'corrected');
  const cv = readValueBlock(cR);
  const corrected: CorrectedBlock = {
    value: cv.value,
    unit: cv.unit,
    basis: cv.basis,
    tRefK: cR.has(K_VALUE.T_REF) ? cR.float(K_VALUE.T_REF, 'tRefK') : null,
    pRefPa: cR.has(K_VALUE.P_REF) ? cR.float(K_VALUE.P_REF, 'pRefPa') : null,
    o2RefPct: cR.has(K_VALUE.O2_REF) ? cR.float(K_VALUE.O2_REF, 'o2RefPct') : null,
  };
  cR.done();
  const decimals = r.uint(K_QUANTITY.DECIMALS, 'decimals');
  if (decimals > MAX_DECIMALS) throw schemaError('SCHEMA_RANGE', path + '.decimals', 'at most ' + MAX_DECIMALS);
  const calibrationId = r.text(K_QUANTITY.CALIBRATION, 'calibrationId');
  const nValid = r.uint(K_QUANTITY.N_VALID, 'nValid');
  const nTotal = r.uint(K_QUANTITY.N_TOTAL, 'nTotal');
  if (nValid > nTotal) throw schemaError('SCHEMA_RANGE', path + '.nValid', 'exceeds nTotal');
  const availability = r.uint(K_QUANTITY.AVAILABILITY, 'availabilityBp');
  if (availability > 10000) throw schemaError('SCHEMA_RANGE', path + '.availabilityBp', 'above 10000');
  const validityRule = r.text(K_QUANTITY.VALIDITY_RULE, 'validityRule');
  const status = r.enumValue(K_QUANTITY.STATUS, 'status', STATUS_CODES);
  const nR = r.sub(K_QUANTITY.NATIVE, 'native');
  const native: NativeStatus = { scheme: nR.text(K_CODE.SCHEME, 'scheme'), code: nR.code(K_CODE.CODE, 'code') };
  nR.done();
  let substitution: Substitution | null = null;
  if (r.has(K_QUANTITY.SUBSTITUTION)) {
    const sR = r.sub(K_QUANTITY.SUBSTITUTION, 'substitution');
    substitution = { method: sR.text(K_SUBST.METHOD, 'method'), code: sR.code(K_SUBST.CODE, 'code') };
    sR.done();
  }
  let uncertainty: Uncertainty | null = null;
  if (r.has(K_QUANTITY.UNCERTAINTY)) {
    const uR = r.sub(K_QUANTITY.UNCERTAINTY, 'uncertainty');
    uncertainty = { value: uR.float(K_UNCERTAINTY.VALUE, 'value'), k: uR.float(K_UNCERTAINTY.K, 'k') };
    uR.done();
  }
  const methodRef = r.text(K_QUANTITY.METHOD, 'methodRef');
  r.done();
  return {
    id: id, analyzer: analyzer, raw: raw, corrected: corrected, decimals: decimals, calibrationId: calibrationId,
    nValid: nValid, nTotal: nTotal, availabilityBp: availability, validityRule: validityRule, status: status,
    native: native, substitution: substitution, uncertainty: uncertainty, methodRef: methodRef,
  };
}

function readPeriod(r: MapReader): PeriodData {
  const startMs = r.uint(K_PERIOD.START, 'startMs');
  const endMs = r.uint(K_PERIOD.END, 'endMs');
  if (endMs <= startMs) throw schemaError('SCHEMA_RANGE', r.path + '.endMs', 'not after startMs');
  const averagingS = r.uint(K_PERIOD.AVERAGING, 'averagingS');
  const analyzers: AnalyzerInfo[] = [];
  const aList = r.array(K_PERIOD.ANALYZERS, 'analyzers');
  for (let i = 0; i < aList.length; i++) {
    const a = new MapReader(aList[i], r.path + '.analyzers[' + i + ']');
    analyzers.push({
      id: a.text(K_ANALYZER.ID, 'id'),
      serial: a.text(K_ANALYZER.SERIAL, 'serial'),
      qal1Certificate: a.text(K_ANALYZER.QAL1, 'qal1Certificate'),
      model: a.text(K_ANALYZER.MODEL, 'model'),
    });
    a.done();
  }
  const quantities: QuantityData[] = [];
  const qList = r.array(K_PERIOD.QUANTITIES, 'quantities');
  for (let i = 0; i < qList.length; i++) quantities.push(readQuantity(qList[i], r.path + '.quantities[' + i + ']', analyzers.length));
  const monitoringPlanVersion = r.text(K_PERIOD.PLAN_VERSION, 'monitoringPlanVersion');
  const p: PeriodData = { startMs: startMs, endMs: endMs, averagingS: averagingS, analyzers: analyzers, quantities: quantities, monitoringPlanVersion: monitoringPlanVersion };
  if (r.has(K_PERIOD.PART)) {
    const a = r.array(K_PERIOD.PART, 'part');
    if (a.length !== 2 || typeof a[0] !== 'number' || typeof a[1] !== 'number') throw schemaError('SCHEMA_TYPE', r.path + '.part', PART_RULE);
    if (a[0] < 0 || a[1] < 2 || a[0] >= a[1]) throw schemaError('SCHEMA_RANGE', r.path + '.part', PART_RULE);
    p.part = { index: a[0], count: a[1] };
  }
  // only `true` is written: an explicit false would be a second encoding of "not a supplement"
  if (r.has(K_PERIOD.SUPPLEMENT)) {
    if (r.bool(K_PERIOD.SUPPLEMENT, 'supplement') !== true) throw schemaError('SCHEMA_RANGE', r.path + '.supplement', 'present only as true');
    p.supplement = true;
  }
  r.done();
  return p;
}

function readConfigValue(v: CborValue, path: string): ConfigValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof CborFloat && isFinite(v.value)) return v.value;
  throw schemaError('SCHEMA_TYPE', path, 'config values are text, numbers, booleans or null');
}

function readEvent(r: MapReader): EventData {
  const kind = r.enumValue(K_EVENT.KIND, 'kind', EVENT_KIND_CODES) as EventKind;
  const startMs = r.uint(K_EVENT.START, 'startMs');
  const endMs = r.has(K_EVENT.END) ? r.uint(K_EVENT.END, 'endMs') : -1;
  if (endMs !== -1 && endMs < startMs) throw schemaError('SCHEMA_RANGE', r.path + '.endMs', 'before startMs');
  const actor = r.has(K_EVENT.ACTOR) ? r.text(K_EVENT.ACTOR, 'actor') : '';
  const d = r.sub(K_EVENT.DETAIL, 'detail');
  let e: EventData;
  if (kind === 'calibration') {
    const decimals = d.uint(K_CALIBRATION.DECIMALS, 'decimals');
    if (decimals > MAX_DECIMALS) throw schemaError('SCHEMA_RANGE', d.path + '.decimals', 'at most ' + MAX_DECIMALS);
    e = {
      kind: kind, startMs: startMs, endMs: endMs, actor: actor,
      detail: {
        analyzerId: d.text(K_CALIBRATION.ANALYZER, 'analyzerId'),
        check: d.text(K_CALIBRATION.CHECK, 'check'),
        quantity: d.text(K_CALIBRATION.QUANTITY, 'quantity'),
        reference: d.float(K_CALIBRATION.REFERENCE, 'reference'),
        measured: d.float(K_CALIBRATION.MEASURED, 'measured'),
        unit: d.text(K_CALIBRATION.UNIT, 'unit'),
        passed: d.bool(K_CALIBRATION.PASSED, 'passed'),
        functionId: d.text(K_CALIBRATION.FUNCTION, 'functionId'),
        decimals: decimals,
      },
    };
  } else if (kind === 'maintenance') {
    e = { kind: kind, startMs: startMs, endMs: endMs, actor: actor, detail: { analyzerId: d.text(K_MAINTENANCE.ANALYZER, 'analyzerId'), reason: d.text(K_MAINTENANCE.REASON, 'reason') } };
  } else if (kind === 'config-change') {
    const list = d.array(K_CONFIG.CHANGES, 'changes');
    const changes: ConfigChange[] = [];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const cp = d.path + '.changes[' + i + ']';
      if (!Array.isArray(c) || c.length !== 3 || typeof c[0] !== 'string') throw schemaError('SCHEMA_TYPE', cp, 'must be [path, old, new]');
      changes.push({ path: c[0], oldValue: readConfigValue(c[1], cp + '.oldValue'), newValue: readConfigValue(c[2], cp + '.newValue') });
    }
    e = { kind: kind, startMs: startMs, endMs: endMs, actor: actor, detail: { oldHash: d.hash(K_CONFIG.OLD_HASH, 'oldHash'), newHash: d.hash(K_CONFIG.NEW_HASH, 'newHash'), changes: changes } };
  } else if (kind === 'gap') {
    const reason = d.enumValue(K_GAP.REASON, 'reason', GAP_REASON_CODES) as GapReason;
    let firstSeq = -1;
    let lastSeq = -1;
    let fromMs = -1;
    let toMs = -1;
    if (d.has(K_GAP.FIRST_SEQ) || d.has(K_GAP.LAST_SEQ)) {
      firstSeq = d.uint(K_GAP.FIRST_SEQ, 'firstSeq');
      lastSeq = d.uint(K_GAP.LAST_SEQ, 'lastSeq');
      if (lastSeq < firstSeq) throw schemaError('SCHEMA_RANGE', d.path + '.lastSeq', 'before firstSeq');
    }
    if (d.has(K_GAP.FROM) || d.has(K_GAP.TO)) {
      fromMs = d.uint(K_GAP.FROM, 'fromMs');
      toMs = d.uint(K_GAP.TO, 'toMs');
      if (toMs < fromMs) throw schemaError('SCHEMA_RANGE', d.path + '.toMs', 'before fromMs');
    }
    e = { kind: kind, startMs: startMs, endMs: endMs, actor: actor, detail: { reason: reason, firstSeq: firstSeq, lastSeq: lastSeq, fromMs: fromMs, toMs: toMs } };
  } else if (kind === 'reboot') {
    e = {
      kind: kind, startMs: startMs, endMs: endMs, actor: actor,
      detail: {
        bootCount: d.uint(K_REBOOT.BOOT_COUNT, 'bootCount'),
        reason: d.enumValue(K_REBOOT.REASON, 'reason', REBOOT_REASON_CODES),
        resumedFrom: d.enumValue(K_REBOOT.RESUMED_FROM, 'resumedFrom', RESUMED_FROM_CODES),
      },
    };
  } else {
    e = { kind: 'time-set', startMs: startMs, endMs: endMs, actor: actor, detail: { source: d.enumValue(K_TIMESET.SOURCE, 'source', TIME_SOURCE_CODES), stepMs: d.int(K_TIMESET.STEP, 'stepMs') } };
  }
  d.done();
  r.done();
  return e;
}

/** Decodes and validates a record payload (strict deterministic CBOR, schema v1, no unknown keys). */
export function decodeRecordPayload(payload: Uint8Array): RecordData {
  const r = new MapReader(decodeCbor(payload, { strict: true, maxBytes: MAX_RECORD_BYTES, maxDepth: 8 }), 'record');
  const version = r.uint(K_RECORD.VERSION, 'version');
  if (version !== RECORD_SCHEMA_VERSION) throw schemaError('SCHEMA_VERSION', 'record.version', 'unsupported version ' + version);
  const type = r.uint(K_RECORD.TYPE, 'type');
  if (type !== RECORD_TYPE_PERIOD && type !== RECORD_TYPE_EVENT) throw schemaError('SCHEMA_ENUM', 'record.type', 'unknown record type ' + type);
  const seq = r.uint(K_RECORD.SEQ, 'seq');
  const prev = r.hash(K_RECORD.PREV, 'prev');
  const dR = r.sub(K_RECORD.DEVICE, 'device');
  const device: DeviceIdentity = {
    id: dR.text(K_DEVICE.ID, 'id'),
    firmwareHash: dR.hash(K_DEVICE.FIRMWARE_HASH, 'firmwareHash'),
    firmwareVersion: dR.text(K_DEVICE.FIRMWARE_VERSION, 'firmwareVersion'),
  };
  dR.done();
  const sR = r.sub(K_RECORD.SITE, 'site');
  const site: SiteIdentity = {
    facilityId: sR.text(K_SITE.FACILITY, 'facilityId'),
    installationId: sR.text(K_SITE.INSTALLATION, 'installationId'),
    stackId: sR.text(K_SITE.STACK, 'stackId'),
    monitoringLocationId: sR.text(K_SITE.LOCATION, 'monitoringLocationId'),
  };
  sR.done();
  const tR = r.sub(K_RECORD.TIME, 'time');
  const time: TimeInfo = {
    source: tR.enumValue(K_TIME.SOURCE, 'source', TIME_SOURCE_CODES),
    lastSyncMs: tR.uint(K_TIME.LAST_SYNC, 'lastSyncMs'),
    syncOffsetMs: tR.int(K_TIME.SYNC_OFFSET, 'syncOffsetMs'),
  };
  tR.done();
  const createdMs = r.uint(K_RECORD.CREATED, 'createdMs');
  let period: PeriodData | null = null;
  let event: EventData | null = null;
  if (type === RECORD_TYPE_PERIOD) period = readPeriod(r.sub(K_RECORD.PERIOD, 'period'));
  else event = readEvent(r.sub(K_RECORD.EVENT, 'event'));
  r.done();
  return { version: version, seq: seq, prev: prev, device: device, site: site, time: time, createdMs: createdMs, period: period, event: event };
}
