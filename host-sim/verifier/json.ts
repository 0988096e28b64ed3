// JSON rendition of a record, for endpoints that only take JSON and for the verifier's reports. The signed form is
// always the COSE record; this text is derived from it. No number ever goes through Number->String of a float or
// toFixed, so the text does not depend on the platform's number formatting:
//   - integers (seq, counts, ms timestamps) are written digit by digit with integer arithmetic;
//   - a float is multiplied by 10^d (IEEE multiplication, exact-rounded on both platforms), rounded half away from
//     zero to an integer, and that integer is written with a decimal point inserted d digits from the right.
//     d comes from the record's own precision rules: the quantity's `decimals` for its values and uncertainty, the
//     calibration event's `decimals` for its values, REF_DECIMALS for reference conditions, K_DECIMALS for the
//     coverage factor and CONFIG_DECIMALS for non-integer config values;
//   - keys are written in a fixed order from tables here, never from object iteration order;
//   - strings are ASCII (the schema guarantees it); '"', '\' and control characters are escaped, \u00xx lower-case;
//   - no whitespace.
import { toHex } from '../../protocol/bytes';
import { codedError } from '../../protocol/errors';
import type { ConfigValue, EventData, PeriodData, QuantityData, RecordData } from '../../protocol/record/schema';

export const REF_DECIMALS = 3;
export const K_DECIMALS = 2;
export const CONFIG_DECIMALS = 6;

const MAX_SAFE = 9007199254740991;

/** 10^0 .. 10^15 by exact integer multiplication. */
const POW10: number[] = [1];
for (let i = 1; i < 16; i++) POW10.push(POW10[i - 1] * 10);

/** Decimal digits of a non-negative safe integer, by repeated exact division. */
export function uintDigits(n: number): string {
  if (n === 0) return '0';
  let s = '';
  let v = n;
  while (v > 0) {
    const d = v % 10;
    s = String.fromCharCode(48 + d) + s;
    v = (v - d) / 10;
  }
  return s;
}

export function intToJson(n: number): string {
  if (Math.floor(n) !== n || n > MAX_SAFE || n < -MAX_SAFE) throw codedError('JSON_RANGE', 'not a safe integer');
  return n < 0 ? '-' + uintDigits(-n) : uintDigits(n);
}

/** `value` with exactly `decimals` digits after the point (none when 0), by the scaled-integer rule above. */
export function fixedToJson(value: number, decimals: number): string {
  if (!isFinite(value)) throw codedError('JSON_RANGE', 'non-finite value');
  if (decimals < 0 || decimals >= POW10.length || Math.floor(decimals) !== decimals) throw codedError('JSON_RANGE', 'bad decimals ' + decimals);
  const neg = value < 0;
  const scaled = (neg ? -value : value) * POW10[decimals];
  let n = Math.floor(scaled);
  if ((scaled - n) * 2 >= 1) n = n + 1;
  if (n > MAX_SAFE) throw codedError('JSON_RANGE', 'value too large for ' + decimals + ' decimals');
  let digits = uintDigits(n);
  if (decimals > 0) {
    while (digits.length <= decimals) digits = '0' + digits;
    digits = digits.slice(0, digits.length - decimals) + '.' + digits.slice(digits.length - decimals);
  }
  return neg && n !== 0 ? '-' + digits : digits;
}

const HEXDIGITS = '0123456789abcdef';

export function stringToJson(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c < 32 || c === 127) out += '\\u00' + HEXDIGITS.charAt(c >> 4) + HEXDIGITS.charAt(c & 15);
    else if (c > 127) throw codedError('JSON_NOT_ASCII', 'character ' + c + ' at ' + i);
    else out += s.charAt(i);
  }
  return out + '"';
}

function pad(n: number, width: number): string {
  let s = uintDigits(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** ISO 8601 UTC text for integer ms since the epoch (civil-from-days with integer arithmetic; no Date). */
export function isoUtc(ms: number): string {
  if (Math.floor(ms) !== ms || ms < 0 || ms > MAX_SAFE) throw codedError('JSON_RANGE', 'bad timestamp');
  const msPart = ms % 1000;
  const secs = (ms - msPart) / 1000;
  const sod = secs % 86400;
  const days = (secs - sod) / 86400;
  // H. Hinnant's civil_from_days, for days >= 0
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod - hh * 3600) / 60);
  const ss = sod - hh * 3600 - mm * 60;
  return pad(y, 4) + '-' + pad(m, 2) + '-' + pad(d, 2) + 'T' + pad(hh, 2) + ':' + pad(mm, 2) + ':' + pad(ss, 2) + '.' + pad(msPart, 3) + 'Z';
}

/** Builds one JSON object from [key, already-rendered value] pairs, in the given order. */
function obj(pairs: string[]): string {
  let s = '{';
  for (let i = 0; i < pairs.length; i += 2) {
    if (i > 0) s += ',';
    s += stringToJson(pairs[i]) + ':' + pairs[i + 1];
  }
  return s + '}';
}

function arr(items: string[]): string {
  return '[' + items.join(',') + ']';
}

function codeToJson(c: number | string): string {
  return typeof c === 'string' ? stringToJson(c) : intToJson(c);
}

function optFixed(v: number | null, decimals: number): string {
  return v === null ? 'null' : fixedToJson(v, decimals);
}

function configValueToJson(v: ConfigValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return stringToJson(v);
  return Math.floor(v) === v && v <= MAX_SAFE && v >= -MAX_SAFE ? intToJson(v) : fixedToJson(v, CONFIG_DECIMALS);
}

function quantityToJson(q: QuantityData): string {
  const d = q.decimals;
  const c = q.corrected;
  return obj([
    'id', stringToJson(q.id),
    'analyzer', q.analyzer < 0 ? 'null' : intToJson(q.analyzer),
    'raw', obj(['value', optFixed(q.raw.value, d), 'unit', stringToJson(q.raw.unit), 'basis', stringToJson(q.raw.basis)]),
    'corrected', obj([
      'value', optFixed(c.value, d), 'unit', stringToJson(c.unit), 'basis', stringToJson(c.basis),
      't_ref_k', optFixed(c.tRefK, REF_DECIMALS), 'p_ref_pa', optFixed(c.pRefPa, REF_DECIMALS),
      'o2_ref_pct', optFixed(c.o2RefPct, REF_DECIMALS),
    ]),
    'decimals', intToJson(d),
    'calibration', stringToJson(q.calibrationId),
    'n_valid', intToJson(q.nValid),
    'n_total', intToJson(q.nTotal),
    'availability_bp', intToJson(q.availabilityBp),
    'validity_rule', stringToJson(q.validityRule),
    'status', stringToJson(q.status),
    'native', obj(['scheme', stringToJson(q.native.scheme), 'code', codeToJson(q.native.code)]),
    'substitution', q.substitution === null ? 'null' : obj(['method', stringToJson(q.substitution.method), 'code', codeToJson(q.substitution.code)]),
    'uncertainty', q.uncertainty === null ? 'null' : obj(['value', fixedToJson(q.uncertainty.value, d), 'k', fixedToJson(q.uncertainty.k, K_DECIMALS)]),
    'method', stringToJson(q.methodRef),
  ]);
}

function periodToJson(p: PeriodData): string {
  const analyzers: string[] = [];
  for (let i = 0; i < p.analyzers.length; i++) {
    const a = p.analyzers[i];
    analyzers.push(obj(['id', stringToJson(a.id), 'serial', stringToJson(a.serial), 'qal1', stringToJson(a.qal1Certificate), 'model', stringToJson(a.model)]));
  }
  const quantities: string[] = [];
  for (let i = 0; i < p.quantities.length; i++) quantities.push(quantityToJson(p.quantities[i]));
  const pairs = [
    'start', stringToJson(isoUtc(p.startMs)),
    'end', stringToJson(isoUtc(p.endMs)),
    'start_ms', intToJson(p.startMs),
    'end_ms', intToJson(p.endMs),
    'averaging_s', intToJson(p.averagingS),
    'monitoring_plan', stringToJson(p.monitoringPlanVersion),
  ];
  // like the record, the rendition names parts and supplements only where they are
  if (p.part) pairs.push('part', obj(['index', intToJson(p.part.index), 'count', intToJson(p.part.count)]));
  if (p.supplement === true) pairs.push('supplement', 'true');
  pairs.push('analyzers', arr(analyzers), 'quantities', arr(quantities));
  return obj(pairs);
}

function eventDetailToJson(e: EventData): string {
  if (e.kind === 'calibration') {
    const d = e.detail;
    return obj([
      'analyzer', stringToJson(d.analyzerId), 'check', stringToJson(d.check), 'quantity', stringToJson(d.quantity),
      'reference', fixedToJson(d.reference, d.decimals), 'measured', fixedToJson(d.measured, d.decimals),
      'unit', stringToJson(d.unit), 'passed', d.passed ? 'true' : 'false', 'function', stringToJson(d.functionId),
      'decimals', intToJson(d.decimals),
    ]);
  }
  if (e.kind === 'maintenance') return obj(['analyzer', stringToJson(e.detail.analyzerId), 'reason', stringToJson(e.detail.reason)]);
  if (e.kind === 'config-change') {
    const changes: string[] = [];
    for (let i = 0; i < e.detail.changes.length; i++) {
      const c = e.detail.changes[i];
      changes.push(obj(['path', stringToJson(c.path), 'old', configValueToJson(c.oldValue), 'new', configValueToJson(c.newValue)]));
    }
    return obj(['old_hash', stringToJson(toHex(e.detail.oldHash)), 'new_hash', stringToJson(toHex(e.detail.newHash)), 'changes', arr(changes)]);
  }
  if (e.kind === 'gap') {
    const d = e.detail;
    return obj([
      'reason', stringToJson(d.reason),
      'first_seq', d.firstSeq < 0 ? 'null' : intToJson(d.firstSeq), 'last_seq', d.lastSeq < 0 ? 'null' : intToJson(d.lastSeq),
      'from_ms', d.fromMs < 0 ? 'null' : intToJson(d.fromMs), 'to_ms', d.toMs < 0 ? 'null' : intToJson(d.toMs),
    ]);
  }
  if (e.kind === 'reboot') {
    return obj(['boot_count', intToJson(e.detail.bootCount), 'reason', stringToJson(e.detail.reason), 'resumed_from', stringToJson(e.detail.resumedFrom)]);
  }
  return obj(['source', stringToJson(e.detail.source), 'step_ms', intToJson(e.detail.stepMs)]);
}

function eventToJson(e: EventData): string {
  return obj([
    'kind', stringToJson(e.kind),
    'start_ms', intToJson(e.startMs),
    'end_ms', e.endMs < 0 ? 'null' : intToJson(e.endMs),
    'actor', stringToJson(e.actor),
    'detail', eventDetailToJson(e),
  ]);
}

/**
 * The JSON rendition of a decoded record. `recordHash` (SHA-256 of the COSE bytes) ties the text to the signed
 * record; pass null to leave it out.
 */
export function recordToJson(r: RecordData, recordHash: Uint8Array | null): string {
  const pairs = [
    'v', intToJson(r.version),
    'type', stringToJson(r.period !== null ? 'period' : 'event'),
    'seq', intToJson(r.seq),
    'prev', stringToJson(toHex(r.prev)),
  ];
  if (recordHash !== null) pairs.push('record_hash', stringToJson(toHex(recordHash)));
  pairs.push(
    'created_ms', intToJson(r.createdMs),
    'device', obj(['id', stringToJson(r.device.id), 'firmware_hash', stringToJson(toHex(r.device.firmwareHash)), 'firmware_version', stringToJson(r.device.firmwareVersion)]),
    'site', obj([
      'facility', stringToJson(r.site.facilityId), 'installation', stringToJson(r.site.installationId),
      'stack', stringToJson(r.site.stackId), 'monitoring_location', stringToJson(r.site.monitoringLocationId),
    ]),
    'time', obj(['source', stringToJson(r.time.source), 'last_sync_ms', intToJson(r.time.lastSyncMs), 'sync_offset_ms', intToJson(r.time.syncOffsetMs)]),
  );
  if (r.period !== null) pairs.push('period', periodToJson(r.period));
  else pairs.push('event', eventToJson(r.event as EventData));
  return obj(pairs);
}
