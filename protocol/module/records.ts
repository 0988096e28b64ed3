// Emissions-engine output -> record content (protocol/record/schema.ts): one period record per closed period with
// every output as a quantity, substitutes reported as SUBSTITUTED with method and code, mass totals, events for
// analyzer calibration/maintenance windows, engine events and configuration changes. Pure: no I/O, no clock.
// The mapping tables (method references, decimals, native codes) are documented in docs/records.md.
import type { Sample } from '../sample';
import type { Sha256 } from '../ports';
import type { CemsConfig, OutputDef } from '../cems/config';
import type { EngineEvent, PeriodValue, SubstituteValue } from '../cems/engine';
import { COND_ACTUAL, COND_NONE, O2_ACTUAL } from '../cems/convert';
import { isTimestamp } from '../cems/time';
import { CborFloat, CborMap, CborTag, encodeCbor, type CborValue } from '../record/cbor';
import { ES256_SIGNATURE_BYTES, HMAC_256_TAG_BYTES } from '../record/cose';
import {
  availabilityBp,
  encodeRecordPayload,
  HASH_BYTES,
  MAX_RECORD_BYTES,
  RECORD_SCHEMA_VERSION,
  type AnalyzerInfo,
  type Basis,
  type ConfigChange,
  type ConfigValue,
  type EventData,
  type Identity,
  type NativeStatus,
  type PeriodData,
  type QuantityData,
  type RecordBody,
  type TimeInfo,
  type TimeSource,
} from '../record/schema';
import { COSE_ALG_ES256, type Signer } from '../record/signer';
import type { ModuleConfig } from './config-types';

const MAX_SAFE = 9007199254740991;

// --- method references -----------------------------------------------------------------------------------------

/** Class of an output for the method table. */
type MethodClass = 'MEASURED' | 'CONC' | 'MASS' | 'FLOW';

/**
 * Regulatory method reference per profile and output class. Where a profile has no entry, the record carries the
 * engine's formula id (OutputDef.formula, e.g. "HJ212-2017-AnnexD-Eq33"), which names the computation exactly.
 */
const METHOD_REFS: { [profile: string]: { [cls: string]: string } } = {
  EU_IED_LCP: { MEASURED: 'EN14181:2014', CONC: 'IED-2010/75:AnnexV', FLOW: 'EN-ISO-16911-2' },
  EU_IED_WI: { MEASURED: 'EN14181:2014', CONC: 'IED-2010/75:AnnexVI', FLOW: 'EN-ISO-16911-2' },
  EU_MRR: { MEASURED: 'EN14181:2014', CONC: 'EU-MRR-2018/2066:Art44', FLOW: 'EU-MRR-2018/2066:Art42-EN-ISO-16911-2' },
  US_P75: { MEASURED: '40CFR75.10(d)', CONC: '40CFR75.10(d)', FLOW: '40CFR75.10(d)' },
  US_P60: { MEASURED: '40CFR60.13(h)', CONC: '40CFR60.13(h)', FLOW: '40CFR60.13(h)' },
  CN_HJ: { MEASURED: 'HJ212-2017-AnnexD-Eq24' },
};

/** Part 75 Appendix F mass-rate equations by measured quantity (dry concentration x dry flow = F-2 form). */
const P75_MASS_REFS: { [quantity: string]: string } = { SO2: '40CFR75-AppF-F-2', CO2: '40CFR75-AppF-F-11' };

function methodClass(o: OutputDef): MethodClass | '' {
  if (o.kind === 'MEASURED') return 'MEASURED';
  if (o.kind === 'DRY' || o.kind === 'REF') return 'CONC';
  if (o.kind === 'MASS') return 'MASS';
  if (o.kind === 'FLOW_ACT' || o.kind === 'FLOW_NDRY') return 'FLOW';
  return '';
}

/** The method reference a record carries for output `o` under `profileId` (table in docs/records.md). */
export function methodRef(profileId: string, o: OutputDef, quantity: string): string {
  const cls = methodClass(o);
  if (profileId === 'US_P75' && cls === 'MASS' && typeof P75_MASS_REFS[quantity] === 'string') return P75_MASS_REFS[quantity];
  const table = METHOD_REFS[profileId];
  if (table && cls !== '' && typeof table[cls] === 'string') return table[cls];
  return o.formula;
}

// --- JSON precision per unit -------------------------------------------------------------------------------------

const DECIMALS_BY_UNIT: { [unit: string]: number } = {
  'mg/m3': 2, ppm: 2, pct: 2, 'm/s': 2, degC: 1, Pa: 0, kPa: 2, 'm3/h': 0, 'm3/s': 2, 'kg/h': 3, 't/h': 4, kg: 3, t: 4, m3: 0,
};

export function decimalsFor(unit: string): number {
  const d = DECIMALS_BY_UNIT[unit];
  return typeof d === 'number' ? d : 3;
}

// --- context: the per-configuration tables --------------------------------------------------------------------------

/** How one engine output becomes a record quantity (computed once per configuration). */
export interface QuantityPlan {
  /** Index in cems.outputs. */
  out: number;
  id: string;
  /** Index into RecordContext.analyzers, -1 for quantities computed from several instruments. */
  analyzer: number;
  /** The output carries the analyzer's raw mean (measured outputs). */
  measured: boolean;
  rawUnit: string;
  rawBasis: Basis;
  unit: string;
  basis: Basis;
  tRefK: number | null;
  pRefPa: number | null;
  o2RefPct: number | null;
  decimals: number;
  calibrationId: string;
  methodRef: string;
  /** Native-code scheme for analyzer bits (device profile), used unless the profile reports HJ flags or MODCs. */
  bitsScheme: string;
  /** Id of the mass-total quantity that follows this one ('' for none). */
  totalId: string;
  totalUnit: string;
}

export interface RecordContext {
  cems: CemsConfig;
  profileId: string;
  periodMs: number;
  averagingS: number;
  /** Counts in samples (profiles with a data-point rule) or in minutes. */
  bySamples: boolean;
  /** Native code of period values: 'HJ212' flags, 'P75-MODC', or '' for analyzer bits. */
  nativeScheme: string;
  analyzers: AnalyzerInfo[];
  plans: QuantityPlan[];
  planVersion: string;
  /** Per engine channel: Modbus device id feeding it ('' when none). */
  deviceOfChannel: string[];
  /** Modbus devices with the channel ids they deliver, in configuration order. */
  devices: { id: string; channels: string[] }[];
}

function basisOfWater(water: string): Basis {
  return water === 'DRY' ? 'dry' : 'wet';
}

function channelHasWaterBasis(kind: string): boolean {
  return kind === 'GAS' || kind === 'PARTICULATE' || kind === 'DILUENT' || kind === 'MOISTURE';
}

/** The sampled channel behind an output (its own, or that of its source output), -1 for CO2e. */
function sourceChannel(cems: CemsConfig, o: OutputDef): number {
  if (o.ch >= 0) return o.ch;
  return o.src >= 0 ? cems.outputs[o.src].ch : -1;
}

function buildPlan(cems: CemsConfig, o: OutputDef, analyzerOf: number[], schemeOf: string[]): QuantityPlan {
  const chIdx = sourceChannel(cems, o);
  const ch = chIdx >= 0 ? cems.channels[chIdx] : null;
  const rawBasis: Basis = ch && channelHasWaterBasis(ch.def.kind) ? basisOfWater(ch.water) : 'none';
  const measured = o.kind === 'MEASURED';
  const withRefs = (o.unit === 'mg/m3' || o.unit === 'm3/h') && o.basis.cond !== COND_NONE && o.basis.cond !== COND_ACTUAL;
  const single = o.kind === 'MEASURED' || o.kind === 'DRY' || o.kind === 'REF' || o.kind === 'FLOW_ACT';
  const hasTotal = (o.kind === 'MASS' || o.kind === 'CO2E') && o.totalUnit !== '';
  return {
    out: o.index,
    id: o.id,
    analyzer: single && chIdx >= 0 ? analyzerOf[chIdx] : -1,
    measured: measured,
    rawUnit: measured && ch ? ch.unit : '',
    rawBasis: measured ? rawBasis : 'none',
    unit: o.unit,
    basis: measured ? rawBasis : basisOfWater(o.basis.water),
    tRefK: withRefs ? cems.conditions.tRefK : null,
    pRefPa: withRefs ? cems.conditions.pRefPa : null,
    o2RefPct: o.basis.o2Ref !== O2_ACTUAL ? o.basis.o2Ref : null,
    decimals: decimalsFor(o.unit),
    // computed quantities name the calibration function of the channel they are computed from
    calibrationId: o.calId !== '' ? o.calId : ch ? ch.calId : '',
    methodRef: methodRef(cems.profile.id, o, ch ? ch.quantity : ''),
    bitsScheme: chIdx >= 0 && schemeOf[chIdx] !== '' ? schemeOf[chIdx] : 'none',
    totalId: hasTotal ? o.id + '.total' : '',
    totalUnit: hasTotal ? o.totalUnit : '',
  };
}

/**
 * The tables a record needs for one configuration: analyzers (every Modbus device that feeds an engine channel, with
 * its certification data from config.analyzers), and per engine output its quantity plan.
 */
export function createRecordContext(cfg: ModuleConfig, cems: CemsConfig): RecordContext {
  const devices: { id: string; channels: string[] }[] = [];
  // tables keyed by names from the configuration use '#' + name, so no key is an Object.prototype member
  const deviceOfId: { [channel: string]: string } = {};
  const profileOfDevice: { [device: string]: string } = {};
  const mdevs = cfg.modbus.devices;
  for (let i = 0; i < mdevs.length; i++) {
    const d = mdevs[i];
    const ids: string[] = [];
    for (let j = 0; j < d.channels.length; j++) {
      ids.push(d.channels[j].id);
      deviceOfId['#' + d.channels[j].id] = d.id;
    }
    devices.push({ id: d.id, channels: ids });
    profileOfDevice['#' + d.id] = d.profile ? d.profile : d.id;
  }
  // a derived channel (NOx = NO + NO2) belongs to the device of its first component
  const deviceOfChannel: string[] = [];
  for (let i = 0; i < cems.channels.length; i++) {
    const ch = cems.channels[i];
    const id = ch.sumOf.length > 0 ? cems.channels[ch.sumOf[0]].id : ch.id;
    const dev = deviceOfId['#' + id];
    deviceOfChannel.push(typeof dev === 'string' ? dev : '');
  }
  const analyzers: AnalyzerInfo[] = [];
  const indexOfDevice: { [device: string]: number } = {};
  for (let i = 0; i < mdevs.length; i++) {
    const id = mdevs[i].id;
    if (deviceOfChannel.indexOf(id) < 0) continue;
    let info: AnalyzerInfo = { id: id, serial: '', qal1Certificate: '', model: profileOfDevice['#' + id] };
    for (let k = 0; k < cfg.analyzers.length; k++) {
      const a = cfg.analyzers[k];
      if (a.device === id) info = { id: id, serial: a.serial, qal1Certificate: a.qal1Certificate, model: a.model };
    }
    indexOfDevice['#' + id] = analyzers.length;
    analyzers.push(info);
  }
  const analyzerOf: number[] = [];
  const schemeOf: string[] = [];
  for (let i = 0; i < deviceOfChannel.length; i++) {
    const dev = deviceOfChannel[i];
    analyzerOf.push(dev !== '' ? indexOfDevice['#' + dev] : -1);
    schemeOf.push(dev !== '' ? profileOfDevice['#' + dev] : '');
  }
  const plans: QuantityPlan[] = [];
  for (let i = 0; i < cems.outputs.length; i++) plans.push(buildPlan(cems, cems.outputs[i], analyzerOf, schemeOf));
  const pid = cems.profile.id;
  return {
    cems: cems,
    profileId: pid,
    periodMs: cems.profile.periodMinutes * 60000,
    averagingS: cems.profile.periodMinutes * 60,
    bySamples: cems.profile.periodRule.kind === 'SAMPLE_FRACTION',
    nativeScheme: pid === 'CN_HJ' ? 'HJ212' : pid === 'US_P75' ? 'P75-MODC' : '',
    analyzers: analyzers,
    plans: plans,
    planVersion: cfg.site.monitoringPlanVersion,
    deviceOfChannel: deviceOfChannel,
    devices: devices,
  };
}

// --- period records ------------------------------------------------------------------------------------------------

function finiteOrNull(x: number): number | null {
  return typeof x === 'number' && isFinite(x) ? x : null;
}

/** Counts in the unit of the profile's validity rule; nTotal never below nValid (a fast scan can exceed the plan). */
function counts(ctx: RecordContext, pv: PeriodValue | null): { nValid: number; nTotal: number } {
  const spm = ctx.cems.samplesPerMinute;
  const minutes = ctx.cems.profile.periodMinutes;
  if (pv === null) return { nValid: 0, nTotal: ctx.bySamples ? minutes * spm : minutes };
  const nValid = ctx.bySamples ? pv.samples : pv.nValid;
  const expected = ctx.bySamples ? pv.samplesExpected : pv.minutes;
  return { nValid: nValid, nTotal: expected > nValid ? expected : nValid };
}

function nativeOf(ctx: RecordContext, plan: QuantityPlan, pv: PeriodValue | null, sv: SubstituteValue | null): NativeStatus {
  if (ctx.nativeScheme === 'HJ212') return { scheme: 'HJ212', code: sv ? 'S' : pv ? pv.hj : 'S' };
  if (ctx.nativeScheme === 'P75-MODC') return { scheme: 'P75-MODC', code: sv ? sv.code : pv ? pv.modc : '' };
  return { scheme: plan.bitsScheme, code: pv ? pv.bits : -1 };
}

function quantity(
  ctx: RecordContext,
  plan: QuantityPlan,
  pv: PeriodValue | null,
  sv: SubstituteValue | null,
  total: boolean,
): QuantityData {
  const n = counts(ctx, pv);
  let value: number | null;
  if (total) {
    value = sv ? finiteOrNull((sv.v * ctx.cems.profile.periodMinutes) / 60) : pv ? finiteOrNull(pv.total) : null;
  } else value = sv ? finiteOrNull(sv.v) : pv ? finiteOrNull(pv.reported) : null;
  const raw = !total && plan.measured && pv ? finiteOrNull(pv.raw) : null;
  return {
    id: total ? plan.totalId : plan.id,
    analyzer: plan.analyzer,
    raw: { value: raw, unit: total ? '' : plan.rawUnit, basis: total ? 'none' : plan.rawBasis },
    corrected: {
      value: value,
      unit: total ? plan.totalUnit : plan.unit,
      basis: total ? 'none' : plan.basis,
      tRefK: total ? null : plan.tRefK,
      pRefPa: total ? null : plan.pRefPa,
      o2RefPct: total ? null : plan.o2RefPct,
    },
    decimals: total ? decimalsFor(plan.totalUnit) : plan.decimals,
    calibrationId: plan.calibrationId,
    nValid: n.nValid,
    nTotal: n.nTotal,
    availabilityBp: availabilityBp(n.nValid, n.nTotal),
    validityRule: pv ? pv.rule : sv ? ctx.profileId + ':SUBSTITUTE' : '',
    status: sv ? 'SUBSTITUTED' : pv ? pv.status : 'INSUFFICIENT_DATA',
    native: nativeOf(ctx, plan, pv, sv),
    substitution: sv ? { method: sv.method, code: sv.code } : null,
    uncertainty: null,
    methodRef: plan.methodRef,
  };
}

function pushQuantity(ctx: RecordContext, list: QuantityData[], plan: QuantityPlan, pv: PeriodValue | null, sv: SubstituteValue | null): void {
  list.push(quantity(ctx, plan, pv, sv, false));
  if (plan.totalId !== '') list.push(quantity(ctx, plan, pv, sv, true));
}

function periodData(ctx: RecordContext, startMs: number, quantities: QuantityData[]): PeriodData {
  return {
    startMs: startMs,
    endMs: startMs + ctx.periodMs,
    averagingS: ctx.averagingS,
    analyzers: ctx.analyzers,
    quantities: quantities,
    monitoringPlanVersion: ctx.planVersion,
  };
}

/** The substitute for output q covering the period at startMs, or null. */
function coveringSubstitute(subs: SubstituteValue[], q: string, startMs: number, periodMs: number): SubstituteValue | null {
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    if (s.q === q && startMs >= s.startMs && startMs < s.startMs + s.periods * periodMs) return s;
  }
  return null;
}

/** A period record to emit: `supplement` when it only carries substitutes for a period recorded earlier (or never). */
export interface PeriodRecord {
  startMs: number;
  supplement: boolean;
  period: PeriodData;
}

/**
 * Period records for one batch of engine output. Every closed period gives one record with a quantity per output
 * (and a mass total after each mass rate). A substitute in the same batch turns its quantity SUBSTITUTED; substitutes
 * for periods closed in earlier batches (Part 75 fills a gap when it ends) or for periods without any data become
 * supplement records that carry only the substituted quantities. Records come in period order.
 */
export function buildPeriodRecords(ctx: RecordContext, periods: PeriodValue[], subs: SubstituteValue[]): PeriodRecord[] {
  const out: PeriodRecord[] = [];
  const recorded: number[] = [];
  const byOut: (PeriodValue | null)[] = [];
  let i = 0;
  while (i < periods.length) {
    const startMs = periods[i].startMs;
    for (let k = 0; k < ctx.plans.length; k++) byOut[k] = null;
    while (i < periods.length && periods[i].startMs === startMs) {
      const idx = ctx.cems.outIndex[periods[i].q];
      if (typeof idx === 'number') byOut[idx] = periods[i];
      i++;
    }
    const qs: QuantityData[] = [];
    for (let k = 0; k < ctx.plans.length; k++) {
      const pv = byOut[k];
      pushQuantity(ctx, qs, ctx.plans[k], pv, pv ? coveringSubstitute(subs, ctx.plans[k].id, startMs, ctx.periodMs) : null);
    }
    out.push({ startMs: startMs, supplement: false, period: periodData(ctx, startMs, qs) });
    recorded.push(startMs);
  }
  // periods covered by a substitute but not closed in this batch: one supplement record each, in period order
  const starts: number[] = [];
  for (let s = 0; s < subs.length; s++) {
    for (let p = 0; p < subs[s].periods; p++) {
      const t = subs[s].startMs + p * ctx.periodMs;
      if (recorded.indexOf(t) < 0 && starts.indexOf(t) < 0) starts.push(t);
    }
  }
  starts.sort(function (a, b) {
    return a - b;
  });
  for (let s = 0; s < starts.length; s++) {
    const qs: QuantityData[] = [];
    for (let k = 0; k < ctx.plans.length; k++) {
      const sv = coveringSubstitute(subs, ctx.plans[k].id, starts[s], ctx.periodMs);
      if (sv) pushQuantity(ctx, qs, ctx.plans[k], null, sv);
    }
    out.push({ startMs: starts[s], supplement: true, period: periodData(ctx, starts[s], qs) });
  }
  out.sort(function (a, b) {
    if (a.startMs !== b.startMs) return a.startMs - b.startMs;
    return (a.supplement ? 0 : 1) - (b.supplement ? 0 : 1);
  });
  return out;
}

// --- record size and deterministic split -------------------------------------------------------------------------

function headBytes(n: number): number {
  return n < 24 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
}

/** Bytes a COSE message adds around a payload of at most MAX_RECORD_BYTES with this signer. */
export function coseOverheadBytes(signer: Signer): number {
  const sig = signer.alg === COSE_ALG_ES256 ? ES256_SIGNATURE_BYTES : HMAC_256_TAG_BYTES;
  const kid = signer.kid.length;
  const unprotected = kid > 0 ? 2 + headBytes(kid) + kid : 1;
  // tag, array(4), protected bstr {1: alg} (4 bytes), unprotected map, payload bstr head, signature bstr
  return 1 + 1 + 4 + unprotected + headBytes(MAX_RECORD_BYTES) + headBytes(sig) + sig;
}

const ZERO_HASH = new Uint8Array(HASH_BYTES);

/** Payload size of `body` as the chain will encode it, with the largest possible sequence number. */
export function payloadBytes(identity: Identity, body: RecordBody): number {
  return encodeRecordPayload({
    version: RECORD_SCHEMA_VERSION,
    seq: MAX_SAFE,
    prev: ZERO_HASH,
    device: identity.device,
    site: identity.site,
    time: body.time,
    createdMs: body.createdMs,
    period: body.period,
    event: body.event,
  }).length;
}

function withQuantities(p: PeriodData, qs: QuantityData[]): PeriodData {
  return {
    startMs: p.startMs,
    endMs: p.endMs,
    averagingS: p.averagingS,
    analyzers: p.analyzers,
    quantities: qs,
    monitoringPlanVersion: p.monitoringPlanVersion,
  };
}

const EMPTY_IDENTITY: Identity = {
  device: { id: '', firmwareHash: ZERO_HASH, firmwareVersion: '' },
  site: { facilityId: '', installationId: '', stackId: '', monitoringLocationId: '' },
};
const EMPTY_TIME: TimeInfo = { source: 'none', lastSyncMs: 0, syncOffsetMs: 0 };

/**
 * Measures quantities one by one in a minimal record: an array item adds exactly its own encoding, so the growth of
 * this small record is what the quantity adds to any record with the same number of analyzers.
 */
class QuantitySizer {
  private template: PeriodData;
  private base = 0;
  private one: QuantityData[] = [];

  constructor(nAnalyzers: number) {
    const analyzers: AnalyzerInfo[] = [];
    for (let i = 0; i < nAnalyzers; i++) analyzers.push({ id: '', serial: '', qal1Certificate: '', model: '' });
    this.template = { startMs: 0, endMs: 1, averagingS: 0, analyzers: analyzers, quantities: this.one, monitoringPlanVersion: '' };
    this.base = this.bytes();
  }

  private bytes(): number {
    return payloadBytes(EMPTY_IDENTITY, { time: EMPTY_TIME, createdMs: 0, period: this.template, event: null });
  }

  size(q: QuantityData): number {
    this.one.push(q);
    const n = this.bytes() - this.base;
    this.one.pop();
    return n;
  }
}

/**
 * Splits a period record whose payload would exceed `budget` bytes into parts for the same period: quantities stay
 * in order and fill each part greedily; every part carries the full analyzer list. Sizes are exact: the record
 * without quantities (measured with the largest sequence number) plus each quantity's encoding plus the array head.
 * The same input always gives the same parts. Nothing is dropped: a quantity that alone exceeds the budget still
 * gets its own part (and the chain reports RECORD_TOO_LARGE).
 */
export function splitPeriod(p: PeriodData, budget: number, measure: (p: PeriodData) => number): PeriodData[] {
  const base = measure(withQuantities(p, []));
  const sizer = new QuantitySizer(p.analyzers.length);
  const sizes: number[] = [];
  let total = base + headBytes(p.quantities.length) - headBytes(0);
  for (let i = 0; i < p.quantities.length; i++) {
    sizes.push(sizer.size(p.quantities[i]));
    total += sizes[i];
  }
  if (total <= budget) return [p];
  const parts: PeriodData[] = [];
  let cur: QuantityData[] = [];
  let curBytes = 0;
  for (let i = 0; i < p.quantities.length; i++) {
    const next = base + curBytes + sizes[i] + headBytes(cur.length + 1) - headBytes(0);
    if (cur.length > 0 && next > budget) {
      parts.push(withQuantities(p, cur));
      cur = [];
      curBytes = 0;
    }
    cur.push(p.quantities[i]);
    curBytes += sizes[i];
  }
  if (cur.length > 0) parts.push(withQuantities(p, cur));
  return parts;
}

// --- events --------------------------------------------------------------------------------------------------------

const HEX = '0123456789abcdef';

/** "0x0000abcd" for a status word (0..2^32-1), integer arithmetic only. */
export function hexWord(n: number): string {
  let v = n;
  let s = '';
  for (let i = 0; i < 8; i++) {
    const d = v % 16;
    s = HEX.charAt(d) + s;
    v = (v - d) / 16;
  }
  return '0x' + s;
}

/** The record event for an engine event, or null when the engine event has no record of its own (see docs). */
export function engineEventData(ctx: RecordContext, ev: EngineEvent, timeSource: TimeSource): EventData | null {
  if (ev.kind === 'NO_DATA' || ev.kind === 'CLOCK_JUMP') {
    return {
      kind: 'gap', startMs: ev.fromMs, endMs: ev.toMs, actor: 'device',
      detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: ev.fromMs, toMs: ev.toMs },
    };
  }
  if (ev.kind === 'CLOCK_BACK') {
    return { kind: 'time-set', startMs: ev.toMs, endMs: -1, actor: 'device', detail: { source: timeSource, stepMs: ev.toMs - ev.fromMs } };
  }
  if (ev.kind === 'QAL2_TRIGGER') {
    const idx = ctx.cems.outIndex[ev.q];
    const a = typeof idx === 'number' ? ctx.plans[idx].analyzer : -1;
    return {
      kind: 'maintenance', startMs: ev.fromMs, endMs: -1, actor: 'device',
      detail: { analyzerId: a >= 0 ? ctx.analyzers[a].id : '', reason: 'QAL2-TRIGGER ' + ev.q + ' ' + ev.detail },
    };
  }
  return null;
}

/** A gap event declaring a time range whose records could not be kept (queue overflow, unencodable record). */
export function lostRecordsEvent(fromMs: number, toMs: number): EventData {
  return {
    kind: 'gap', startMs: fromMs, endMs: toMs, actor: 'device',
    detail: { reason: 'journal-overflow', firstSeq: -1, lastSeq: -1, fromMs: fromMs, toMs: toMs },
  };
}

const MODE_NONE = 0;
const MODE_CALIBRATION = 1;
const MODE_MAINTENANCE = 2;

interface DeviceWindow {
  id: string;
  channels: string[];
  /** Per channel: last observed mode. */
  chanMode: number[];
  mode: number;
  startMs: number;
  /** Channels seen in the window's mode. */
  inWindow: boolean[];
  /** OR of the analyzer status words seen in the window, -1 when none. */
  native: number;
}

function modeOf(s: Sample): number {
  if (s.status === 'CALIBRATION') return MODE_CALIBRATION;
  if (s.status === 'MAINTENANCE') return MODE_MAINTENANCE;
  return MODE_NONE;
}

/**
 * Calibration and maintenance windows per analyzer, observed in the samples' normalized status: an analyzer is in a
 * calibration window while any of its channels reports CALIBRATION, else in maintenance while any reports
 * MAINTENANCE. COMMS_LOSS samples say nothing about the mode and leave it as it is. A window becomes one event
 * when it ends (at the time of the first sample that leaves it); a window open at power loss is not recorded.
 */
export class StatusWindows {
  private devices: DeviceWindow[] = [];
  /** Device index by '#' + channel id (no key can be an Object.prototype member). */
  private byChannel: { [channel: string]: number } = {};

  constructor(ctx: RecordContext) {
    for (let i = 0; i < ctx.devices.length; i++) {
      const d = ctx.devices[i];
      const w: DeviceWindow = { id: d.id, channels: d.channels, chanMode: [], mode: MODE_NONE, startMs: -1, inWindow: [], native: -1 };
      for (let k = 0; k < d.channels.length; k++) {
        w.chanMode.push(MODE_NONE);
        w.inWindow.push(false);
        this.byChannel['#' + d.channels[k]] = i;
      }
      this.devices.push(w);
    }
  }

  /** Feeds one sample; returns the event of a window that this sample ends, or null. Never throws on bad input. */
  onSample(s: Sample): EventData | null {
    if (!s || typeof s !== 'object' || typeof s.channel !== 'string' || !isTimestamp(s.tMs)) return null;
    if (s.status === 'COMMS_LOSS') return null;
    const di = this.byChannel['#' + s.channel];
    if (typeof di !== 'number') return null;
    const w = this.devices[di];
    const ci = w.channels.indexOf(s.channel);
    w.chanMode[ci] = modeOf(s);
    let mode = MODE_NONE;
    for (let k = 0; k < w.chanMode.length; k++) {
      if (w.chanMode[k] === MODE_CALIBRATION) mode = MODE_CALIBRATION;
      else if (w.chanMode[k] === MODE_MAINTENANCE && mode === MODE_NONE) mode = MODE_MAINTENANCE;
    }
    let ended: EventData | null = null;
    if (mode !== w.mode) {
      if (w.mode !== MODE_NONE && s.tMs >= w.startMs) ended = this.windowEvent(w, s.tMs);
      w.mode = mode;
      w.startMs = s.tMs;
      w.native = -1;
      for (let k = 0; k < w.inWindow.length; k++) w.inWindow[k] = false;
    }
    if (w.mode !== MODE_NONE && w.chanMode[ci] === w.mode) {
      w.inWindow[ci] = true;
      const bits = s.native;
      if (typeof bits === 'number' && bits >= 0 && Math.floor(bits) === bits) w.native = w.native < 0 ? bits : (w.native | bits) >>> 0;
    }
    return ended;
  }

  private windowEvent(w: DeviceWindow, endMs: number): EventData {
    const names: string[] = [];
    for (let k = 0; k < w.channels.length; k++) if (w.inWindow[k]) names.push(w.channels[k]);
    const observed = 'status-window' + (w.native >= 0 ? ' native=' + hexWord(w.native) : '');
    if (w.mode === MODE_CALIBRATION) {
      // The device only sees that the analyzer was calibrating: no check gas and no result (reference and measured
      // are 0, passed is false = "no pass recorded"); the check itself is in the analyzer's QAL3 log.
      return {
        kind: 'calibration', startMs: w.startMs, endMs: endMs, actor: '',
        detail: { analyzerId: w.id, check: observed, quantity: names.join(','), reference: 0, measured: 0, unit: '', passed: false, functionId: '', decimals: 0 },
      };
    }
    return { kind: 'maintenance', startMs: w.startMs, endMs: endMs, actor: '', detail: { analyzerId: w.id, reason: observed + ' channels=' + names.join(',') } };
  }
}

// --- plain data <-> deterministic CBOR (configuration hash, engine snapshots) ------------------------------------

/** RFC 8746 typed-array tags (big endian). */
const TAG_U8 = 64;
const TAG_U16 = 65;
const TAG_F32 = 81;
const TAG_F64 = 82;

function typedToTag(v: Uint16Array | Float32Array | Float64Array): CborTag {
  const width = v instanceof Uint16Array ? 2 : v instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(v.length * width);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < v.length; i++) {
    if (width === 2) dv.setUint16(i * 2, v[i]);
    else if (width === 4) dv.setFloat32(i * 4, v[i]);
    else dv.setFloat64(i * 8, v[i]);
  }
  return new CborTag(width === 2 ? TAG_U16 : width === 4 ? TAG_F32 : TAG_F64, bytes);
}

function numberToCbor(x: number): CborValue {
  return Math.floor(x) === x && x >= -MAX_SAFE && x <= MAX_SAFE && !(x === 0 && 1 / x < 0) ? x : new CborFloat(x);
}

function setChild(parent: CborValue[] | CborMap, key: number | string, v: CborValue): void {
  if (parent instanceof CborMap) parent.set(key, v);
  else parent[key as number] = v;
}

/**
 * Plain data (objects with text keys, arrays, numbers, strings, booleans, null, Uint8Array/Uint16Array/Float32Array/
 * Float64Array) as a CBOR value: integers stay integers, other numbers become floats (NaN and -0 included), typed
 * arrays become RFC 8746 tagged byte strings. Properties that are undefined are left out. No recursion.
 */
export function plainToCbor(root: unknown): CborValue {
  const holder: CborValue[] = [null];
  const values: unknown[] = [root];
  const parents: (CborValue[] | CborMap)[] = [holder];
  const keys: (number | string)[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const parent = parents.pop() as CborValue[] | CborMap;
    const key = keys.pop() as number | string;
    let out: CborValue;
    if (v === null || v === undefined) out = null;
    else if (typeof v === 'number') out = numberToCbor(v);
    else if (typeof v === 'string' || typeof v === 'boolean') out = v;
    else if (v instanceof Uint8Array) out = new CborTag(TAG_U8, v.slice(0));
    else if (v instanceof Uint16Array || v instanceof Float32Array || v instanceof Float64Array) out = typedToTag(v);
    else if (Array.isArray(v)) {
      const arr: CborValue[] = [];
      for (let i = 0; i < v.length; i++) {
        arr.push(null);
        values.push(v[i]);
        parents.push(arr);
        keys.push(i);
      }
      out = arr;
    } else if (typeof v === 'object') {
      const m = new CborMap();
      const o = v as { [k: string]: unknown };
      const ks = Object.keys(o);
      for (let i = 0; i < ks.length; i++) {
        if (o[ks[i]] === undefined) continue;
        m.set(ks[i], null);
        values.push(o[ks[i]]);
        parents.push(m);
        keys.push(ks[i]);
      }
      out = m;
    } else out = null;
    setChild(parent, key, out);
  }
  return holder[0];
}

function tagToTyped(t: CborTag): unknown {
  const b = t.value;
  if (!(b instanceof Uint8Array)) return null;
  if (t.tag === TAG_U8) return b.slice(0);
  const width = t.tag === TAG_U16 ? 2 : t.tag === TAG_F32 ? 4 : t.tag === TAG_F64 ? 8 : 0;
  if (width === 0 || b.length % width !== 0) return null;
  const n = b.length / width;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (width === 2) {
    const u = new Uint16Array(n);
    for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2);
    return u;
  }
  if (width === 4) {
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = dv.getFloat32(i * 4);
    return f;
  }
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = dv.getFloat64(i * 8);
  return d;
}

/** The inverse of plainToCbor for decoded CBOR (text-keyed maps become objects). No recursion. */
export function cborToPlain(root: CborValue): unknown {
  const holder: unknown[] = [null];
  const values: CborValue[] = [root];
  const parents: (unknown[] | { [k: string]: unknown })[] = [holder];
  const keys: (number | string)[] = [0];
  while (values.length > 0) {
    const v = values.pop() as CborValue;
    const parent = parents.pop() as unknown[] | { [k: string]: unknown };
    const key = keys.pop() as number | string;
    let out: unknown = null;
    if (v instanceof CborFloat) out = v.value;
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out = v;
    else if (v instanceof CborTag) out = tagToTyped(v);
    else if (Array.isArray(v)) {
      const arr: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        arr.push(null);
        values.push(v[i]);
        parents.push(arr);
        keys.push(i);
      }
      out = arr;
    } else if (v instanceof CborMap) {
      const o: { [k: string]: unknown } = {};
      for (let i = 0; i < v.keys.length; i++) {
        const k = v.keys[i];
        if (typeof k !== 'string') continue;
        o[k] = null;
        values.push(v.values[i]);
        parents.push(o);
        keys.push(k);
      }
      out = o;
    }
    (parent as { [k: string]: unknown })[key as string] = out;
  }
  return holder[0];
}

// --- configuration changes -----------------------------------------------------------------------------------------

/** Canonical bytes of a configuration: deterministic CBOR of its JSON data (key order and formatting do not matter). */
export function configBytes(cfg: unknown): Uint8Array {
  return encodeCbor(plainToCbor(cfg));
}

export function configHash(cfg: unknown, sha256: Sha256): Uint8Array {
  return sha256(configBytes(cfg));
}

/** Record text is ASCII: other characters are written as \uXXXX. */
function asciiText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) out += s.charAt(i);
    else out += '\\u' + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
  }
  return out;
}

function leafValue(v: unknown): ConfigValue {
  if (typeof v === 'string') return asciiText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

/** Leaves of a JSON value as paths ("emissions.channels[2].calibration.b") and values, keys in sorted order. */
function flatten(root: unknown, paths: string[], leaves: ConfigValue[]): void {
  const values: unknown[] = [root];
  const names: string[] = [''];
  while (values.length > 0) {
    const v = values.pop();
    const path = names.pop() as string;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        values.push(v[i]);
        names.push(path + '[' + i + ']');
      }
    } else if (v !== null && typeof v === 'object') {
      const o = v as { [k: string]: unknown };
      const ks = Object.keys(o);
      ks.sort(function (a, b) {
        return a < b ? -1 : a > b ? 1 : 0;
      });
      for (let i = ks.length - 1; i >= 0; i--) {
        if (o[ks[i]] === undefined) continue;
        values.push(o[ks[i]]);
        names.push(path === '' ? asciiText(ks[i]) : path + '.' + asciiText(ks[i]));
      }
    } else if (v !== undefined) {
      paths.push(path);
      leaves.push(leafValue(v));
    }
  }
}

/** Room for the change list inside one record (the rest of a config-change record is well under 400 bytes). */
const CHANGES_BUDGET = MAX_RECORD_BYTES - 600;

function textBytes(s: string): number {
  return headBytes(s.length) + s.length;
}

function valueBytes(v: ConfigValue): number {
  if (typeof v === 'string') return textBytes(v);
  if (typeof v === 'number') return 9;
  return 1;
}

/**
 * Leaf-level differences between two configurations, as [path, old, new]; a leaf present on one side only has null
 * on the other. Paths of the old configuration come first, in their order, then paths only the new one has. When
 * the list would not fit in one record, it ends with ["...", null, <number of further changes>] (the hashes still
 * identify both configurations exactly).
 */
export function configChanges(oldCfg: unknown, newCfg: unknown): ConfigChange[] {
  const op: string[] = [];
  const ov: ConfigValue[] = [];
  const np: string[] = [];
  const nv: ConfigValue[] = [];
  flatten(oldCfg, op, ov);
  flatten(newCfg, np, nv);
  const all: ConfigChange[] = [];
  // keyed by '#' + path: a configuration key such as "__proto__" or "constructor" stays an ordinary entry
  const seen: { [path: string]: boolean } = {};
  const newIndex: { [path: string]: number } = {};
  for (let j = 0; j < np.length; j++) newIndex['#' + np[j]] = j;
  for (let i = 0; i < op.length; i++) {
    seen['#' + op[i]] = true;
    const j = newIndex['#' + op[i]];
    const present = typeof j === 'number';
    const now = present ? nv[j] : null;
    if (!present || now !== ov[i]) all.push({ path: op[i], oldValue: ov[i], newValue: now });
  }
  for (let j = 0; j < np.length; j++) if (seen['#' + np[j]] !== true) all.push({ path: np[j], oldValue: null, newValue: nv[j] });
  const out: ConfigChange[] = [];
  let bytes = 0;
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    bytes += 1 + textBytes(c.path) + valueBytes(c.oldValue) + valueBytes(c.newValue);
    if (bytes > CHANGES_BUDGET) {
      out.push({ path: '...', oldValue: null, newValue: all.length - i });
      break;
    }
    out.push(c);
  }
  return out;
}

/** The config-change event the firmware records when it applies a new configuration. */
export function configChangeEvent(oldCfg: unknown, newCfg: unknown, sha256: Sha256, nowMs: number, actor: string): EventData {
  return {
    kind: 'config-change', startMs: nowMs, endMs: -1, actor: asciiText(actor),
    detail: { oldHash: configHash(oldCfg, sha256), newHash: configHash(newCfg, sha256), changes: configChanges(oldCfg, newCfg) },
  };
}
