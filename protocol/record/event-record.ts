// Event records (schema v1, docs/records.md "Event records") written straight into the record buffer: calibration and
// maintenance windows, configuration changes, data gaps, reboots and clock steps.
import { codedError } from '../errors';
import { byte, bytes, float, head, int, text, type CborWriter } from './cbor-writer';
import { RECORD_TYPE_EVENT, writeRecordHeader, type RecordHeader } from './record-writer';
import type { ConfigValue, EventData } from './schema';

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
  else if (typeof v === 'string') text(w, v);
  else if (Math.floor(v) === v && v >= -9007199254740991 && v <= 9007199254740991) int(w, v);
  else float(w, v);
}

function writeDetail(w: CborWriter, e: EventData): void {
  if (e.kind === 'calibration') {
    const d = e.detail;
    byte(w, 0xa9);
    byte(w, 0x00);
    text(w, d.analyzerId);
    byte(w, 0x01);
    text(w, d.check);
    byte(w, 0x02);
    text(w, d.quantity);
    byte(w, 0x03);
    float(w, d.reference);
    byte(w, 0x04);
    float(w, d.measured);
    byte(w, 0x05);
    text(w, d.unit);
    byte(w, 0x06);
    byte(w, d.passed === true ? 0xf5 : 0xf4);
    byte(w, 0x07);
    text(w, d.functionId);
    byte(w, 0x08);
    head(w, 0, d.decimals);
  } else if (e.kind === 'maintenance') {
    byte(w, 0xa2);
    byte(w, 0x00);
    text(w, e.detail.analyzerId);
    byte(w, 0x01);
    text(w, e.detail.reason);
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
      text(w, d.changes[i].path);
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
      byte(w, 0x01);
      head(w, 0, d.firstSeq);
      byte(w, 0x02);
      head(w, 0, d.lastSeq);
    }
    if (times) {
      byte(w, 0x03);
      head(w, 0, d.fromMs);
      byte(w, 0x04);
      head(w, 0, d.toMs);
    }
  } else if (e.kind === 'reboot') {
    byte(w, 0xa3);
    byte(w, 0x00);
    head(w, 0, e.detail.bootCount);
    byte(w, 0x01);
    byte(w, codeOf(REBOOT_REASONS, e.detail.reason, 'detail.reason'));
    byte(w, 0x02);
    byte(w, codeOf(RESUMED_FROM, e.detail.resumedFrom, 'detail.resumedFrom'));
  } else {
    byte(w, 0xa2);
    byte(w, 0x00);
    byte(w, codeOf(TIME_SOURCES, e.detail.source, 'detail.source'));
    byte(w, 0x01);
    int(w, e.detail.stepMs);
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
  head(w, 0, e.startMs);
  if (e.endMs !== -1) {
    byte(w, 0x02);
    head(w, 0, e.endMs);
  }
  if (e.actor !== '') {
    byte(w, 0x03);
    text(w, e.actor);
  }
  byte(w, 0x04);
  writeDetail(w, e);
}

/** The time source code of a record header ('none', 'rtc', 'ntp', 'gnss', 'manual'). */
export function timeSourceCode(source: string): number {
  return codeOf(TIME_SOURCES, source, 'time.source');
}
