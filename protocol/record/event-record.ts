// Event records (schema v1, docs/records.md "Event records") written straight into the record buffer: calibration and
// maintenance windows, configuration changes, data gaps, reboots and clock steps.
import { codedError } from '../errors';
import { byte, bytes, float, head, int, text, type CborWriter } from './cbor-writer';
import { RECORD_TYPE_EVENT, writeRecordHeader, type RecordHeader } from './record-writer';
import type { ConfigValue, EventData } from './schema';

function invalid(field: string, why: string): Error {
  return codedError('SCHEMA_RANGE', 'event.' + field + ': ' + why);
}

/** Printable ASCII only: the device stores bytes, and a record's text must mean the same everywhere. */
function ascii(w: CborWriter, s: string, field: string): void {
  if (typeof s !== 'string') throw codedError('SCHEMA_TYPE', 'event.' + field + ': must be text');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126) throw codedError('SCHEMA_TYPE', 'event.' + field + ': character ' + c + ' is not printable ASCII');
  }
  text(w, s);
}

function finite(w: CborWriter, v: number, field: string): void {
  if (typeof v !== 'number' || !isFinite(v)) throw invalid(field, 'must be a finite number');
  float(w, v);
}

/** A non-negative safe integer (timestamps, counts, sequence numbers). */
function uint(w: CborWriter, v: number, field: string): void {
  if (typeof v !== 'number' || Math.floor(v) !== v || v < 0 || v > 9007199254740991) throw invalid(field, 'must be an unsigned integer');
  head(w, 0, v);
}

/** Index of `v` in the comma-separated code list `codes` (the order of the schema's code tables). */
function codeOf(codes: string, v: string, what: string): number {
  const i = codes.split(',').indexOf(v);
  if (i < 0 || v === '') throw codedError('SCHEMA_ENUM', 'event.' + what + ': unknown value ' + v);
  return i;
}

const EVENT_KINDS = ',calibration,maintenance,config-change,gap,reboot,time-set';
const GAP_REASONS = ',unpersisted-seq,no-data,journal-overflow';
const REBOOT_REASONS = 'unknown,power-on,watchdog,software,firmware-update';
const RESUMED_FROM = 'genesis,journal,state';
const TIME_SOURCES = 'none,rtc,ntp,gnss,manual';

function configValue(w: CborWriter, v: ConfigValue): void {
  if (v === null) byte(w, 0xf6);
  else if (v === true) byte(w, 0xf5);
  else if (v === false) byte(w, 0xf4);
  else if (typeof v === 'string') ascii(w, v, 'detail.changes.value');
  else if (Math.floor(v) === v && v >= -9007199254740991 && v <= 9007199254740991) int(w, v);
  else finite(w, v, 'detail.changes.value');
}

function writeDetail(w: CborWriter, e: EventData): void {
  if (e.kind === 'calibration') {
    const d = e.detail;
    if (!(d.decimals >= 0 && d.decimals <= 9 && Math.floor(d.decimals) === d.decimals)) throw invalid('detail.decimals', 'at most 9');
    byte(w, 0xa9);
    byte(w, 0x00);
    ascii(w, d.analyzerId, 'detail.analyzerId');
    byte(w, 0x01);
    ascii(w, d.check, 'detail.check');
    byte(w, 0x02);
    ascii(w, d.quantity, 'detail.quantity');
    byte(w, 0x03);
    finite(w, d.reference, 'detail.reference');
    byte(w, 0x04);
    finite(w, d.measured, 'detail.measured');
    byte(w, 0x05);
    ascii(w, d.unit, 'detail.unit');
    byte(w, 0x06);
    byte(w, d.passed === true ? 0xf5 : 0xf4);
    byte(w, 0x07);
    ascii(w, d.functionId, 'detail.functionId');
    byte(w, 0x08);
    head(w, 0, d.decimals);
  } else if (e.kind === 'maintenance') {
    byte(w, 0xa2);
    byte(w, 0x00);
    ascii(w, e.detail.analyzerId, 'detail.analyzerId');
    byte(w, 0x01);
    ascii(w, e.detail.reason, 'detail.reason');
  } else if (e.kind === 'config-change') {
    const d = e.detail;
    byte(w, 0xa3);
    byte(w, 0x00);
    bytes(w, d.oldHash);
    byte(w, 0x01);
    bytes(w, d.newHash);
    byte(w, 0x02);
    head(w, 4, d.changes.length);
    for (let i = 0; i < d.changes.length; i++) {
      byte(w, 0x83);
      ascii(w, d.changes[i].path, 'detail.changes.path');
      configValue(w, d.changes[i].oldValue);
      configValue(w, d.changes[i].newValue);
    }
  } else if (e.kind === 'gap') {
    const d = e.detail;
    const seqs = d.firstSeq !== -1 || d.lastSeq !== -1;
    const times = d.fromMs !== -1 || d.toMs !== -1;
    byte(w, 0xa1 + (seqs ? 2 : 0) + (times ? 2 : 0));
    byte(w, 0x00);
    byte(w, codeOf(GAP_REASONS, d.reason, 'detail.reason'));
    if (seqs) {
      if (d.lastSeq < d.firstSeq) throw invalid('detail.lastSeq', 'before firstSeq');
      byte(w, 0x01);
      uint(w, d.firstSeq, 'detail.firstSeq');
      byte(w, 0x02);
      uint(w, d.lastSeq, 'detail.lastSeq');
    }
    if (times) {
      if (d.toMs < d.fromMs) throw invalid('detail.toMs', 'before fromMs');
      byte(w, 0x03);
      uint(w, d.fromMs, 'detail.fromMs');
      byte(w, 0x04);
      uint(w, d.toMs, 'detail.toMs');
    }
  } else if (e.kind === 'reboot') {
    byte(w, 0xa3);
    byte(w, 0x00);
    uint(w, e.detail.bootCount, 'detail.bootCount');
    byte(w, 0x01);
    byte(w, codeOf(REBOOT_REASONS, e.detail.reason, 'detail.reason'));
    byte(w, 0x02);
    byte(w, codeOf(RESUMED_FROM, e.detail.resumedFrom, 'detail.resumedFrom'));
  } else {
    byte(w, 0xa2);
    byte(w, 0x00);
    byte(w, codeOf(TIME_SOURCES, e.detail.source, 'detail.source'));
    byte(w, 0x01);
    const step = e.detail.stepMs;
    if (typeof step !== 'number' || Math.floor(step) !== step || Math.abs(step) > 9007199254740991) throw invalid('detail.stepMs', 'must be an integer');
    int(w, step);
  }
}

/** Writes an event record payload. Throws SCHEMA_ENUM for a code outside the schema's tables. */
export function writeEventPayload(w: CborWriter, h: RecordHeader, e: EventData): void {
  writeRecordHeader(w, h, RECORD_TYPE_EVENT);
  byte(w, 0x09);
  byte(w, 0xa3 + (e.endMs !== -1 ? 1 : 0) + (e.actor !== '' ? 1 : 0));
  byte(w, 0x00);
  byte(w, codeOf(EVENT_KINDS, e.kind, 'kind'));
  byte(w, 0x01);
  uint(w, e.startMs, 'startMs');
  if (e.endMs !== -1) {
    if (e.endMs < e.startMs) throw invalid('endMs', 'before startMs');
    byte(w, 0x02);
    uint(w, e.endMs, 'endMs');
  }
  if (e.actor !== '') {
    byte(w, 0x03);
    ascii(w, e.actor, 'actor');
  }
  byte(w, 0x04);
  writeDetail(w, e);
}

/** The time source code of a record header ('none', 'rtc', 'ntp', 'gnss', 'manual'). */
export function timeSourceCode(source: string): number {
  return codeOf(TIME_SOURCES, source, 'time.source');
}
