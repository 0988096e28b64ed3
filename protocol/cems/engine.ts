// The emissions engine: samples in, validated 1-minute, period and day values out, with substitutes and events.
// Pure: time comes only from sample timestamps and the nowMs given to advance(). All state lives in CemsState (plain
// numbers, arrays, typed arrays) so it can be persisted and restored; the compiled config is the other input.
//
// Clock rules (UTC, epoch-aligned periods, so DST never applies):
// - a sample for a minute that is already closed is rejected (counted as late): nothing is counted twice;
// - a sample not newer than the previous sample of its channel is rejected (NTP step back inside the open minute);
// - a sample or advance() in a later minute closes every minute and period in between; periods without any data
//   are reported as one NO_DATA event per run instead of one value per output;
// - a forward step larger than maxGapMs is a clock jump: open periods close as they are, the skipped span is reported
//   as one CLOCK_JUMP event, and the engine restarts at the new time.
import type { Sample, Status } from '../sample';
import { codedError, errorCode, errorMessage } from '../errors';
import { lookup } from '../own';
import type { CemsConfig, OutputDef, OutputKind } from './config';
import type { Basis } from './convert';
import { iedValidated } from './convert';
import type { DayAcc, MinuteAcc, PeriodAcc, PeriodVerdict } from './averaging';
import {
  addMinute,
  addPeriod,
  addSubstitute,
  evaluateDay,
  evaluatePeriod,
  newDayAcc,
  newMinuteAcc,
  newPeriodAcc,
  orBits,
  resetDayAcc,
  resetMinuteAcc,
  resetPeriodAcc,
} from './averaging';
import type { CalRangeState } from './calrange';
import { calRangeAdd, newCalRangeState } from './calrange';
import { floorTo } from './numbers';
import type { ChannelMinutes, MinuteRecord } from './pipeline';
import { channelMinutes, computeMinute, massFor, newChannelMinutes } from './pipeline';
import type { PeriodRule } from './profiles';
import {
  R_ABOVE_RANGE,
  R_BELOW_MIN,
  R_DILUENT_CAP,
  R_NEGATIVE_TO_ZERO,
  R_NOT_FINITE,
  R_OUT_OF_CAL_RANGE,
  R_PHYSICAL,
} from './reasons';
import {
  hjFlag,
  isUsable,
  MODC_DILUENT_CAP,
  MODC_NEGATIVE_TO_ZERO,
  S_FAULT,
  S_OUT_OF_CAL_RANGE,
  S_OVERRANGE,
  S_STOPPED,
  S_VALID,
  STATUS_LIST,
  statusIndex,
} from './status';
import type { MrrState, P75GapHour, P75State } from './substitution';
import {
  MRR_CODE,
  MRR_METHOD,
  mrrAdd,
  mrrSubstitute,
  mrrYear,
  newMrrState,
  newP75State,
  P75_METHOD,
  p75Closed,
  p75Missing,
  p75Valid,
} from './substitution';
import { DAY_MS, isTimestamp, MINUTE_MS, utcYear } from './time';

export const STATE_VERSION = 1;

export interface RejectCounts {
  /** Samples for minutes already closed (clock stepped back, or delivered after the close delay). */
  late: number;
  /** Samples not newer than the previous sample of the same channel. */
  nonMonotonic: number;
  /** Samples or advance() calls with a timestamp that is not an integer ms in [1970, 10000). */
  badTime: number;
  /** Samples for channels not in the configuration (or for derived channels). */
  unknownChannel: number;
  /** advance() calls with a time earlier than a previous one. */
  clockBack: number;
  /** Things pushed that are not sample objects. */
  malformed: number;
}

export interface CemsState {
  version: number;
  started: boolean;
  minuteStartMs: number;
  periodStartMs: number;
  dayStartMs: number;
  /** The open minute has at least one sample. */
  minuteHasData: boolean;
  lastNowMs: number;
  /** Per channel: timestamp of the last accepted sample. */
  lastT: number[];
  /** Per channel: the open minute. */
  minute: MinuteAcc[];
  /** Per output: the open period and the open day. */
  period: PeriodAcc[];
  day: DayAcc[];
  /** Per output: substitution state of the profile's method (null where the output is not substituted). */
  mrr: (MrrState | null)[];
  p75: (P75State | null)[];
  /** Per output with a valid calibration range: EN 14181 surveillance counts. */
  calRange: (CalRangeState | null)[];
  rejected: RejectCounts;
}

export interface PeriodValue {
  /** Output id ("so2.ref", "flow.ndry", ...). */
  q: string;
  startMs: number;
  minutes: number;
  /** Mean of the usable minute values (NaN: none). */
  v: number;
  /** Measured outputs: the same mean before the calibration function (analyzer units); NaN for computed outputs. */
  raw: number;
  /** Value to report: IED-validated (CI subtracted), Part 75 bias-adjusted / negative-to-zero; NaN when invalid. */
  reported: number;
  unit: string;
  basis: Basis;
  status: Status;
  /** Dominant cause of an invalid period ('' otherwise). */
  cause: Status | '';
  hj: string;
  modc: string;
  bits: number;
  reasons: number;
  /** Validity rule applied: profile and rule, e.g. "CN_HJ:MIN_MINUTES:45", "EU_MRR:SAMPLE_FRACTION:80/100". */
  rule: string;
  nValid: number;
  nMinutes: number;
  samples: number;
  samplesExpected: number;
  min: number;
  max: number;
  /** IED: amount subtracted (CI % of the daily ELV); 0 when not applied. */
  ciSubtracted: number;
  /** Part 75 bias adjustment factor applied (1: none). */
  baf: number;
  /** Mass (kg, t) or volume (m3) over the period from the reported rate; NaN when not applicable or invalid. */
  total: number;
  totalUnit: string;
  /** A Part 75 substitute will follow when the gap ends. */
  pendingSubstitution: boolean;
}

export interface DayValue {
  q: string;
  startMs: number;
  v: number;
  reported: number;
  unit: string;
  status: Status;
  cause: Status | '';
  hj: string;
  rule: string;
  nValid: number;
  nInvalid: number;
  nNonOperating: number;
  nSubstituted: number;
  nOutOfCal: number;
  nExpected: number;
  min: number;
  max: number;
  total: number;
  totalUnit: string;
}

/** A substitute for `periods` consecutive invalid periods from startMs, never merged into measured values. */
export interface SubstituteValue {
  q: string;
  startMs: number;
  periods: number;
  minutes: number;
  v: number;
  unit: string;
  method: string;
  /** Native code: Part 75 MODC, or "EQ4" for MRR Annex VIII Eq. 4. */
  code: string;
  /** Part 75 PMA in % (NaN otherwise). */
  pma: number;
  /** Length of the gap the value fills, in periods. */
  gapPeriods: number;
  /** Valid periods behind the value (MRR: hours in the mean; Part 75: lookback size). */
  basisCount: number;
}

export type EventKind =
  | 'NO_DATA'
  | 'CLOCK_JUMP'
  | 'CLOCK_BACK'
  | 'QAL2_TRIGGER'
  | 'SUBSTITUTION_UNAVAILABLE'
  | 'ENGINE_ERROR';

export interface EngineEvent {
  kind: EventKind;
  fromMs: number;
  toMs: number;
  q: string;
  detail: string;
}

export interface CemsOutput {
  minutes: MinuteRecord[];
  periods: PeriodValue[];
  days: DayValue[];
  substitutes: SubstituteValue[];
  events: EngineEvent[];
}

export interface CemsEngine {
  cfg: CemsConfig;
  state: CemsState;
  out: CemsOutput;
  /** Working arrays, rebuilt on every minute close. */
  cm: ChannelMinutes;
  /** MASS output fed by each DRY output (-1: none). */
  massOf: number[];
  rule: string;
  periodMs: number;
  periodsPerDay: number;
  usesModc: boolean;
}

function newOutput(): CemsOutput {
  return { minutes: [], periods: [], days: [], substitutes: [], events: [] };
}

export function newState(cfg: CemsConfig): CemsState {
  const s: CemsState = {
    version: STATE_VERSION,
    started: false,
    minuteStartMs: -1,
    periodStartMs: -1,
    dayStartMs: -1,
    minuteHasData: false,
    lastNowMs: -1,
    lastT: [],
    minute: [],
    period: [],
    day: [],
    mrr: [],
    p75: [],
    calRange: [],
    rejected: { late: 0, nonMonotonic: 0, badTime: 0, unknownChannel: 0, clockBack: 0, malformed: 0 },
  };
  for (let i = 0; i < cfg.channels.length; i++) {
    s.lastT.push(-1);
    s.minute.push(newMinuteAcc());
  }
  const method = cfg.profile.substitution;
  for (let i = 0; i < cfg.outputs.length; i++) {
    const o = cfg.outputs[i];
    s.period.push(newPeriodAcc());
    s.day.push(newDayAcc());
    s.mrr.push(o.substitute && method === 'MRR_EQ4' ? newMrrState() : null);
    s.p75.push(o.substitute && method === 'P75_STANDARD' ? newP75State() : null);
    s.calRange.push(isNaN(o.calRangeMax) ? null : newCalRangeState(o.calId));
  }
  return s;
}

/** The validity rule as carried in period values, e.g. "CN_HJ:MIN_MINUTES:45", "US_P75:QUADRANT". */
function ruleText(profileId: string, r: PeriodRule): string {
  if (r.kind === 'MIN_MINUTES') return profileId + ':MIN_MINUTES:' + r.n;
  if (r.kind === 'QUADRANT') return profileId + ':QUADRANT';
  return profileId + ':' + r.kind + ':' + r.num + '/' + r.den;
}

/** An engine over a compiled config, continuing from `state` when given (a restored snapshot). */
export function createEngine(cfg: CemsConfig, state: CemsState | null): CemsEngine {
  const foreign =
    state &&
    (state.version !== STATE_VERSION ||
      state.minute.length !== cfg.channels.length ||
      state.period.length !== cfg.outputs.length);
  if (foreign) {
    throw codedError('CEMS_STATE_MISMATCH', 'the saved averaging state belongs to another configuration or version');
  }
  const massOf: number[] = [];
  for (let i = 0; i < cfg.outputs.length; i++) massOf.push(-1);
  for (let i = 0; i < cfg.outputs.length; i++) {
    if (cfg.outputs[i].kind === 'MASS') massOf[cfg.outputs[i].src] = i;
  }
  const periodMs = cfg.profile.periodMinutes * MINUTE_MS;
  return {
    cfg: cfg,
    state: state ? state : newState(cfg),
    out: newOutput(),
    cm: newChannelMinutes(cfg.channels.length),
    massOf: massOf,
    rule: ruleText(cfg.profile.id, cfg.profile.periodRule),
    periodMs: periodMs,
    periodsPerDay: DAY_MS / periodMs,
    usesModc: cfg.profile.id === 'US_P75',
  };
}

function event(e: CemsEngine, kind: EventKind, fromMs: number, toMs: number, q: string, detail: string): void {
  e.out.events.push({ kind: kind, fromMs: fromMs, toMs: toMs, q: q, detail: detail });
}

function start(e: CemsEngine, t: number): void {
  const s = e.state;
  s.started = true;
  s.minuteStartMs = floorTo(t, MINUTE_MS);
  s.periodStartMs = floorTo(t, e.periodMs);
  s.dayStartMs = floorTo(t, DAY_MS);
  s.minuteHasData = false;
}

// ---- closing a minute ----

function closeMinute(e: CemsEngine): void {
  const s = e.state;
  const cfg = e.cfg;
  channelMinutes(cfg, s.minute, e.cm);
  const rec = computeMinute(cfg, s.minuteStartMs, e.cm);
  const offset = (s.minuteStartMs - s.periodStartMs) / MINUTE_MS;
  const bySamples = cfg.profile.weighting === 'SAMPLE';
  for (let i = 0; i < cfg.outputs.length; i++) {
    addMinute(s.period[i], offset, rec.v[i], rec.raw[i], rec.st[i], rec.n[i], rec.reasons[i], rec.bits[i], bySamples);
  }
  for (let i = 0; i < s.minute.length; i++) resetMinuteAcc(s.minute[i]);
  s.minuteHasData = false;
  e.out.minutes.push(rec);
}

// ---- closing a period ----

function substitute(
  e: CemsEngine,
  o: OutputDef,
  startMs: number,
  periods: number,
  v: number,
  method: string,
  code: string,
  pma: number,
  gap: number,
  basis: number,
): void {
  e.out.substitutes.push({
    q: o.id,
    startMs: startMs,
    periods: periods,
    minutes: e.cfg.profile.periodMinutes,
    v: v,
    unit: o.unit,
    method: method,
    code: code,
    pma: pma,
    gapPeriods: gap,
    basisCount: basis,
  });
  // Substitutes of periods in the open day count into its totals.
  if (startMs >= e.state.dayStartMs) {
    const total = o.totalUnit ? (v * e.cfg.profile.periodMinutes * periods) / 60 : NaN;
    for (let k = 0; k < periods; k++) addSubstitute(e.state.day[o.index], k === 0 ? total : NaN);
  }
}

/** MRR: an invalid hour gets C* at once; its mass rate follows from C* and the hour's flow when that is valid. */
function substituteMrr(
  e: CemsEngine,
  o: OutputDef,
  verdict: PeriodVerdict,
  reported: number,
  flow: number,
  startMs: number,
): void {
  const st = e.state.mrr[o.index];
  if (!st) return;
  mrrYear(st, utcYear(startMs));
  if (verdict.status === S_VALID) {
    mrrAdd(st, reported);
    return;
  }
  if (verdict.status === S_STOPPED) return;
  const c = mrrSubstitute(st);
  if (isNaN(c)) {
    event(e, 'SUBSTITUTION_UNAVAILABLE', startMs, startMs + e.periodMs, o.id, 'FEWER_THAN_2_VALID_HOURS');
    return;
  }
  substitute(e, o, startMs, 1, c, MRR_METHOD, MRR_CODE, NaN, 1, st.n);
  const m = e.massOf[o.index];
  if (m < 0) return;
  if (isNaN(flow)) {
    event(e, 'SUBSTITUTION_UNAVAILABLE', startMs, startMs + e.periodMs, e.cfg.outputs[m].id, 'FLOW_INVALID');
    return;
  }
  substitute(e, e.cfg.outputs[m], startMs, 1, massFor(e.cfg, e.cfg.outputs[m], c, flow), MRR_METHOD, MRR_CODE, NaN, 1, st.n);
}

/** Part 75: invalid hours wait for the end of their gap; the closing valid hour fills them (runs of consecutive hours). */
function substituteP75(
  e: CemsEngine,
  o: OutputDef,
  verdict: PeriodVerdict,
  reported: number,
  flow: number,
  startMs: number,
): boolean {
  const st = e.state.p75[o.index];
  if (!st || verdict.status === S_STOPPED) return false;
  if (verdict.status !== S_VALID) {
    p75Missing(st, startMs, flow);
    return true;
  }
  const gap: P75GapHour[] = st.gap;
  const fill = p75Valid(st, reported, o.mpc, o.inverse);
  if (!fill) return false;
  let runStart = 0;
  for (let i = 1; i <= gap.length; i++) {
    if (i === gap.length || gap[i].startMs !== gap[i - 1].startMs + e.periodMs) {
      substitute(e, o, gap[runStart].startMs, i - runStart, fill.v, P75_METHOD, fill.modc, fill.pma, fill.gapHours, st.lookN);
      runStart = i;
    }
  }
  const m = e.massOf[o.index];
  if (m >= 0) {
    const mo = e.cfg.outputs[m];
    for (let i = 0; i < gap.length; i++) {
      const h = gap[i];
      if (isNaN(h.flow)) {
        event(e, 'SUBSTITUTION_UNAVAILABLE', h.startMs, h.startMs + e.periodMs, mo.id, 'FLOW_INVALID');
        continue;
      }
      const v = massFor(e.cfg, mo, fill.v, h.flow);
      substitute(e, mo, h.startMs, 1, v, P75_METHOD, fill.modc, fill.pma, fill.gapHours, st.lookN);
    }
  }
  p75Closed(st);
  return false;
}

/**
 * Which outputs the Part 75 negative-to-zero rule (MODC 21, §75.57 Table 4a) concerns, by output kind: emission rates
 * always; measured and normalized values when their quantity says so (QuantityDef.negativeToZero: concentrations and
 * moisture, not stack conditions); flows never.
 */
const NEGATIVE_TO_ZERO: { [K in OutputKind]: 'ALWAYS' | 'QUANTITY' | 'NEVER' } = {
  MEASURED: 'QUANTITY',
  DRY: 'QUANTITY',
  REF: 'QUANTITY',
  MASS: 'ALWAYS',
  CO2E: 'ALWAYS',
  FLOW_ACT: 'NEVER',
  FLOW_NDRY: 'NEVER',
};

function negativeToZero(cfg: CemsConfig, o: OutputDef): boolean {
  const rule = NEGATIVE_TO_ZERO[o.kind];
  if (rule === 'QUANTITY') return o.ch >= 0 && cfg.channels[o.ch].def.negativeToZero;
  return rule === 'ALWAYS';
}

function periodValue(e: CemsEngine, o: OutputDef, a: PeriodAcc, verdict: PeriodVerdict, startMs: number): PeriodValue {
  const cfg = e.cfg;
  const valid = verdict.status === S_VALID;
  let status = verdict.status;
  let reasons = a.reasons;
  let reported = NaN;
  let ciSubtracted = 0;
  let modc = '';
  if (valid) {
    reported = verdict.mean;
    if (o.ciPct > 0) {
      ciSubtracted = (o.ciPct * o.elvDaily) / 100;
      reported = iedValidated(verdict.mean, o.ciPct, o.elvDaily);
    }
    if (o.baf !== 1) reported = reported * o.baf;
    if (e.usesModc) {
      modc = o.ch >= 0 ? cfg.channels[o.ch].modc : '01';
      if (reasons & R_DILUENT_CAP) modc = MODC_DILUENT_CAP;
      if (reported < 0 && negativeToZero(cfg, o)) {
        reported = 0;
        modc = MODC_NEGATIVE_TO_ZERO;
        reasons |= R_NEGATIVE_TO_ZERO;
      }
    }
    if (verdict.mean > o.calRangeMax) {
      status = S_OUT_OF_CAL_RANGE;
      reasons |= R_OUT_OF_CAL_RANGE;
    }
  }
  return {
    q: o.id,
    startMs: startMs,
    minutes: cfg.profile.periodMinutes,
    v: verdict.mean,
    raw: o.kind === 'MEASURED' && a.weight > 0 ? a.rawSum / a.weight : NaN,
    reported: reported,
    unit: o.unit,
    basis: o.basis,
    status: STATUS_LIST[status],
    cause: verdict.cause >= 0 ? STATUS_LIST[verdict.cause] : '',
    hj: hjFlag(status, verdict.cause),
    modc: modc,
    bits: a.bits,
    reasons: reasons,
    rule: e.rule,
    nValid: a.valid,
    nMinutes: a.minutes,
    samples: a.samples,
    samplesExpected: cfg.profile.periodMinutes * cfg.samplesPerMinute,
    min: a.valid > 0 ? a.min : NaN,
    max: a.valid > 0 ? a.max : NaN,
    ciSubtracted: ciSubtracted,
    baf: o.baf,
    total: valid && o.totalUnit ? (reported * cfg.profile.periodMinutes) / 60 : NaN,
    totalUnit: o.totalUnit,
    pendingSubstitution: false,
  };
}

function dayValue(e: CemsEngine, o: OutputDef, a: DayAcc, startMs: number): DayValue {
  const d = evaluateDay(a, e.cfg.profile.dayRule, e.periodsPerDay);
  const r = e.cfg.profile.dayRule;
  return {
    q: o.id,
    startMs: startMs,
    v: a.valid > 0 ? a.sum / a.valid : NaN,
    reported: a.valid > 0 ? a.sumReported / a.valid : NaN,
    unit: o.unit,
    status: STATUS_LIST[d.status],
    cause: d.cause >= 0 ? STATUS_LIST[d.cause] : '',
    hj: hjFlag(d.status, d.cause),
    rule: e.cfg.profile.id + ':' + (r.kind === 'NONE' ? 'NONE' : r.kind + ':' + r.n),
    nValid: a.valid,
    nInvalid: d.invalid,
    nNonOperating: a.nonOperating,
    nSubstituted: a.substituted,
    nOutOfCal: a.outOfCal,
    nExpected: e.periodsPerDay,
    min: a.valid > 0 ? a.min : NaN,
    max: a.valid > 0 ? a.max : NaN,
    total: a.total,
    totalUnit: o.totalUnit,
  };
}

function closeDay(e: CemsEngine): void {
  const s = e.state;
  const outs = e.cfg.outputs;
  for (let i = 0; i < outs.length; i++) {
    e.out.days.push(dayValue(e, outs[i], s.day[i], s.dayStartMs));
    resetDayAcc(s.day[i]);
  }
}

/** Emits the open period (values, substitutes, day counts) and clears its accumulators; time does not move. */
function emitPeriod(e: CemsEngine): void {
  const s = e.state;
  const cfg = e.cfg;
  const outs = cfg.outputs;
  const startMs = s.periodStartMs;
  const empty = s.period[0].minutes === 0;
  const flowIdx = cfg.outIndex['flow.ndry'];
  let flow = NaN;
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    const a = s.period[i];
    const verdict = evaluatePeriod(a, cfg.profile, cfg.samplesPerMinute);
    const pv = periodValue(e, o, a, verdict, startMs);
    if (i === flowIdx && verdict.status === S_VALID) flow = pv.reported;
    const outside = pv.status === 'OUT_OF_CAL_RANGE';
    addPeriod(s.day[i], verdict, pv.reported, pv.total, outside);
    const cr = s.calRange[i];
    if (cr && verdict.status === S_VALID) {
      const trigger = calRangeAdd(cr, startMs, outside);
      if (trigger) event(e, 'QAL2_TRIGGER', startMs, startMs + e.periodMs, o.id, trigger);
    }
    if (o.substitute) {
      if (e.cfg.profile.substitution === 'MRR_EQ4') substituteMrr(e, o, verdict, pv.reported, flow, startMs);
      else pv.pendingSubstitution = substituteP75(e, o, verdict, pv.reported, flow, startMs);
    }
    if (!empty) e.out.periods.push(pv);
    resetPeriodAcc(a);
  }
  if (empty) {
    const ev = e.out.events;
    const last = ev.length ? ev[ev.length - 1] : null;
    if (last && last.kind === 'NO_DATA' && last.toMs === startMs) last.toMs = startMs + e.periodMs;
    else event(e, 'NO_DATA', startMs, startMs + e.periodMs, '', '');
  }
}

/** Closes the open period and moves on; closes the day when the period ends it. */
function closePeriod(e: CemsEngine): void {
  const s = e.state;
  emitPeriod(e);
  s.periodStartMs += e.periodMs;
  if (s.periodStartMs >= s.dayStartMs + DAY_MS) {
    closeDay(e);
    s.dayStartMs += DAY_MS;
  }
}

function clockJump(e: CemsEngine, toMinute: number): void {
  const s = e.state;
  event(e, 'CLOCK_JUMP', s.minuteStartMs, toMinute, '', '');
  if (s.minuteHasData) closeMinute(e);
  emitPeriod(e);
  closeDay(e);
  start(e, toMinute);
}

/** Closes every minute before `target` (a minute start), with the periods and days they complete. */
function moveTo(e: CemsEngine, target: number): void {
  const s = e.state;
  if (target - s.minuteStartMs > e.cfg.maxGapMs) {
    clockJump(e, target);
    return;
  }
  while (s.minuteStartMs < target) {
    const periodEnd = s.periodStartMs + e.periodMs;
    if (s.minuteHasData) {
      closeMinute(e);
      s.minuteStartMs += MINUTE_MS;
    } else s.minuteStartMs = target < periodEnd ? target : periodEnd;
    if (s.minuteStartMs >= periodEnd) closePeriod(e);
  }
}

// ---- samples ----

function accumulate(e: CemsEngine, ch: number, smp: Sample): void {
  const c = e.cfg.channels[ch];
  const a = e.state.minute[ch];
  a.seen++;
  if (typeof smp.native === 'number' && smp.native >= 0 && Math.floor(smp.native) === smp.native) {
    a.bits = orBits(a.bits, smp.native);
  }
  let si = statusIndex(smp.status);
  if (si < 0 || (si === S_VALID && smp.valid !== true)) si = S_FAULT;
  if (!isUsable(si) || smp.valid !== true) {
    a.st[si]++;
    return;
  }
  const x = smp.value;
  if (typeof x !== 'number' || !isFinite(x)) {
    a.st[S_FAULT]++;
    a.reasons |= R_NOT_FINITE;
    return;
  }
  const y = x * c.gain + c.offset;
  if (y > c.rangeMax) {
    a.st[S_OVERRANGE]++;
    a.reasons |= R_ABOVE_RANGE;
    return;
  }
  const z = c.calA + c.calB * y;
  if (z < c.minValid || z > c.maxValid) {
    a.st[S_FAULT]++;
    a.reasons |= z < c.minValid ? R_BELOW_MIN : R_PHYSICAL;
    return;
  }
  a.st[si]++;
  a.n++;
  a.sum += z;
  a.rawSum += y;
  if (z < a.min) a.min = z;
  if (z > a.max) a.max = z;
}

function pushUnsafe(e: CemsEngine, smp: Sample): void {
  const s = e.state;
  if (!smp || typeof smp !== 'object') {
    s.rejected.malformed++;
    return;
  }
  const ch = typeof smp.channel === 'string' ? lookup(e.cfg.chanIndex, smp.channel) : undefined;
  if (ch === undefined || e.cfg.channels[ch].sumOf.length > 0) {
    s.rejected.unknownChannel++;
    return;
  }
  const t = smp.tMs;
  if (!isTimestamp(t)) {
    s.rejected.badTime++;
    return;
  }
  if (!s.started) start(e, t);
  const m = floorTo(t, MINUTE_MS);
  if (m < s.minuteStartMs) {
    s.rejected.late++;
    return;
  }
  if (t <= s.lastT[ch]) {
    s.rejected.nonMonotonic++;
    return;
  }
  if (m > s.minuteStartMs) moveTo(e, m);
  accumulate(e, ch, smp);
  s.minuteHasData = true;
  s.lastT[ch] = t;
}

/** Feeds one sample. Never throws: an internal failure becomes an ENGINE_ERROR event. */
export function pushSample(e: CemsEngine, smp: Sample): void {
  try {
    pushUnsafe(e, smp);
  } catch (err) {
    event(e, 'ENGINE_ERROR', e.state.minuteStartMs, e.state.minuteStartMs, '', errorCode(err) + ': ' + errorMessage(err));
  }
}

function advanceUnsafe(e: CemsEngine, nowMs: number): void {
  const s = e.state;
  if (!isTimestamp(nowMs)) {
    s.rejected.badTime++;
    return;
  }
  if (nowMs < s.lastNowMs) {
    s.rejected.clockBack++;
    event(e, 'CLOCK_BACK', s.lastNowMs, nowMs, '', '');
  }
  s.lastNowMs = nowMs;
  if (!s.started) return;
  const target = floorTo(nowMs - e.cfg.closeDelayMs, MINUTE_MS);
  if (target > s.minuteStartMs) moveTo(e, target);
}

/**
 * Closes every minute that ended at least closeDelayMs before nowMs, with the periods and days it completes.
 * Never throws: an internal failure becomes an ENGINE_ERROR event.
 */
export function advance(e: CemsEngine, nowMs: number): void {
  try {
    advanceUnsafe(e, nowMs);
  } catch (err) {
    event(e, 'ENGINE_ERROR', nowMs, nowMs, '', errorCode(err) + ': ' + errorMessage(err));
  }
}

/** Hands over everything produced since the last call. */
export function takeOutput(e: CemsEngine): CemsOutput {
  const o = e.out;
  e.out = newOutput();
  return o;
}
