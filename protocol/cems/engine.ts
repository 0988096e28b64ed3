// The emissions engine's resident part: samples in, 1-minute values, minute -> period accumulation. Everything it
// holds is a typed array with a fixed field layout (the enums below), so the whole state costs a few hundred JsVars on
// the device, can be snapshotted as bytes, and is read with index arithmetic instead of property lookups.
// Closing a period or a day (validity rules, substitution, day values) runs rarely and lives in close.ts, which the
// engine reaches through `closer()` (on the device a Storage module loaded on demand).
//
// Clock rules (UTC, epoch-aligned periods, so DST never applies):
// - a sample for a minute that is already closed is rejected (counted as late): nothing is counted twice;
// - a sample not newer than the previous sample of its channel is rejected (NTP step back inside the open minute);
// - a sample or advance() in a later minute closes every minute and period in between; periods without any data
//   are reported as one NO_DATA event per run instead of one value per output;
// - a forward step larger than maxGapMs is a clock jump: open periods close as they are, the skipped span is reported
//   as one CLOCK_JUMP event, and the engine restarts at the new time.
import { Ch, Eng, OutClose, OutKind, OutMin, DryRoute, MassRouteCode } from '../plan/format';
import { R, S, combineStatus, dominantCause, orBits } from './codes';
import { floorTo } from './numbers';
import { isTimestamp, MINUTE_MS, DAY_MS } from './time';
import type { P75State } from './p75';

/** Engine-wide state. */
export const enum G {
  STARTED,
  MINUTE_START,
  PERIOD_START,
  DAY_START,
  /** The open minute has at least one sample. */
  HAS_DATA,
  LAST_NOW,
  /** Rejected: samples for closed minutes, not newer than the channel's last, bad timestamps, unknown channels,
   *  advance() calls with an earlier time. */
  LATE,
  NON_MONOTONIC,
  BAD_TIME,
  UNKNOWN_CHANNEL,
  CLOCK_BACK,
  MINUTES_CLOSED,
  FIELDS,
}

/** Per channel: the open minute. */
export const enum MA {
  /** Samples received (valid or not). */
  SEEN,
  /** Valid samples and their sum, min, max (channel unit, after scale and calibration). */
  N,
  SUM,
  /** Sum of the same samples before the calibration function (analyzer units after scaling). */
  RAW_SUM,
  MIN,
  MAX,
  /** OR of the analyzer status words (-1: none). */
  BITS,
  REASONS,
  /** Timestamp of the last accepted sample. */
  LAST_T,
  FIELDS,
}

/** Per output: the open period. */
export const enum PA {
  /** Minutes with a value (any status). */
  MINUTES,
  /** Usable minutes and the valid samples behind them. */
  VALID,
  SAMPLES,
  /** Weighted sum and weight of usable minute values (weight 1 or the minute's valid samples). */
  SUM,
  WEIGHT,
  /** Weighted sum of the minutes' uncalibrated values (measured outputs; NaN contributions are skipped). */
  RAW_SUM,
  MIN,
  MAX,
  /** Minute offsets of the first and last usable minute (-1: none). */
  FIRST_VALID,
  LAST_VALID,
  /** Minutes with calibration or maintenance activity. */
  QA,
  BITS,
  REASONS,
  FIELDS,
}

/** Per output: the open day. */
export const enum DA {
  /** Periods closed in this day, and how many were valid / non-operating / substituted / out of calibration range. */
  PERIODS,
  VALID,
  NON_OPERATING,
  SUBSTITUTED,
  OUT_OF_CAL,
  /** Sums of valid period means and of their reported (validated / bias-adjusted) values. */
  SUM,
  SUM_REPORTED,
  MIN,
  MAX,
  /** Sum of period totals (mass or volume), including substituted periods. */
  TOTAL,
  FIELDS,
}

/** A closed minute, per channel (before outputs) and per output: value, raw value, status, samples, reasons, bits. */
export const enum MV {
  V,
  RAW,
  ST,
  N,
  REASONS,
  BITS,
  FIELDS,
}

/** Per output: MRR Annex VIII Eq. 4 substitution state (Welford over the valid hours of the reporting year). */
export const enum MRR {
  YEAR,
  N,
  MEAN,
  M2,
  FIELDS,
}

/** Per output: EN 14181 valid calibration range surveillance. */
export const enum CAL {
  /** 1 when the output has a valid calibration range (the state is kept). */
  ON,
  WEEK_START,
  WEEK_TOTAL,
  WEEK_OUTSIDE,
  TOTAL,
  OUTSIDE,
  /** Consecutive closed weeks with the cumulative share above 5 %. */
  WEEKS_OVER_5,
  FIELDS,
}

/** A closed period, per output (PeriodResult.rows). */
export const enum PR {
  /** Mean of the usable minute values (NaN: none). */
  MEAN,
  /** Measured outputs: the same mean before the calibration function; NaN for computed outputs. */
  RAW,
  /** Value to report: IED-validated, Part 75 bias-adjusted / negative-to-zero; NaN when invalid. */
  REPORTED,
  STATUS,
  /** Dominant cause of an invalid period (-1 otherwise). */
  CAUSE,
  /** Part 75 MODC (Modc; 0: none). */
  MODC,
  BITS,
  REASONS,
  N_VALID,
  N_MINUTES,
  SAMPLES,
  MIN,
  MAX,
  /** IED: amount subtracted (CI % of the daily ELV); 0 when not applied. */
  CI_SUBTRACTED,
  /** Mass (kg, t) or volume (m3) over the period from the reported rate; NaN when not applicable or invalid. */
  TOTAL,
  /** A Part 75 substitute will follow when the gap ends. */
  PENDING,
  FIELDS,
}

/** A closed day, per output (DayResult.rows). */
export const enum DR {
  MEAN,
  REPORTED,
  STATUS,
  CAUSE,
  N_VALID,
  N_INVALID,
  N_NON_OPERATING,
  N_SUBSTITUTED,
  N_OUT_OF_CAL,
  MIN,
  MAX,
  TOTAL,
  FIELDS,
}

export const enum SubstMethod {
  MRR_EQ4 = 1,
  P75 = 2,
}

export const enum EventCode {
  NO_DATA = 1,
  CLOCK_JUMP = 2,
  CLOCK_BACK = 3,
  QAL2_TRIGGER = 4,
  SUBSTITUTION_UNAVAILABLE = 5,
}

export interface PeriodResult {
  startMs: number;
  /** nOutputs rows of PR.FIELDS. */
  rows: Float64Array;
}

export interface DayResult {
  startMs: number;
  rows: Float64Array;
}

/** A substitute for `periods` consecutive invalid periods of output `out` from startMs, never merged into measured values. */
export interface Substitute {
  out: number;
  startMs: number;
  periods: number;
  v: number;
  method: number;
  /** Part 75 MODC (Modc), 0 for MRR Eq. 4. */
  code: number;
  /** Part 75 PMA in % (NaN otherwise). */
  pma: number;
  /** Length of the gap the value fills, in periods. */
  gap: number;
  /** Valid periods behind the value (MRR: hours in the mean; Part 75: lookback size). */
  basis: number;
}

export interface EngineEvent {
  kind: number;
  fromMs: number;
  toMs: number;
  /** Output concerned (-1: none). */
  out: number;
  detail: string;
}

export interface EngineOutput {
  periods: PeriodResult[];
  days: DayResult[];
  subs: Substitute[];
  events: EngineEvent[];
}

/** The period and day close (close.ts), reached through Engine.closer. */
export interface Closer {
  emitPeriod(e: Engine): void;
  closeDay(e: Engine): void;
}

/** Plan tables the engine runs on (plan sections ENGINE, CHANNELS, OUT_MINUTE, OUT_CLOSE, LISTS). */
export interface EnginePlan {
  eng: Float64Array;
  ch: Float64Array;
  om: Float64Array;
  oc: Float64Array;
  lists: Float64Array;
}

export interface Engine {
  /** Minute-path tables in RAM: scalars, channels, outputs (minute fields). */
  eng: Float64Array;
  ch: Float64Array;
  om: Float64Array;
  /** Period-close fields of the outputs and the lists (may stay views into flash). */
  oc: Float64Array;
  lists: Float64Array;
  nCh: number;
  nOut: number;
  periodMs: number;
  g: Float64Array;
  mAcc: Float64Array;
  /** Per channel, samples per status. */
  mSt: Uint16Array;
  pAcc: Float64Array;
  /** Per output, minutes per status. */
  pSt: Uint16Array;
  /** Per output and 15-minute quadrant: usable minutes [0..3], minutes in a non-operating state [4..7]. */
  pQuad: Uint8Array;
  dAcc: Float64Array;
  /** Per output, periods per status (invalid periods counted under their cause). */
  dSt: Uint16Array;
  mrr: Float64Array;
  cal: Float64Array;
  /** Part 75 state per substituted output of a Part 75 plan (created by the period close; empty otherwise). */
  p75: (P75State | null)[];
  /** The last closed minute: per channel and per output (MV.FIELDS each). */
  cm: Float64Array;
  mv: Float64Array;
  out: EngineOutput;
  closer: () => Closer;
  /** Called after every closed minute with its start (tests and diagnostics; null on the device). */
  onMinute: ((startMs: number, e: Engine) => void) | null;
}

export function newOutput(): EngineOutput {
  return { periods: [], days: [], subs: [], events: [] };
}

function resetMinuteAcc(e: Engine, c: number): void {
  const a = e.mAcc;
  const b = c * MA.FIELDS;
  a[b + MA.SEEN] = 0;
  a[b + MA.N] = 0;
  a[b + MA.SUM] = 0;
  a[b + MA.RAW_SUM] = 0;
  a[b + MA.MIN] = Infinity;
  a[b + MA.MAX] = -Infinity;
  a[b + MA.BITS] = -1;
  a[b + MA.REASONS] = 0;
  e.mSt.fill(0, c * S.COUNT, (c + 1) * S.COUNT);
}

export function resetPeriodAcc(e: Engine, o: number): void {
  const a = e.pAcc;
  const b = o * PA.FIELDS;
  a.fill(0, b, b + PA.FIELDS);
  a[b + PA.MIN] = Infinity;
  a[b + PA.MAX] = -Infinity;
  a[b + PA.FIRST_VALID] = -1;
  a[b + PA.LAST_VALID] = -1;
  a[b + PA.BITS] = -1;
  e.pSt.fill(0, o * S.COUNT, (o + 1) * S.COUNT);
  e.pQuad.fill(0, o * 8, o * 8 + 8);
}

export function resetDayAcc(e: Engine, o: number): void {
  const a = e.dAcc;
  const b = o * DA.FIELDS;
  a.fill(0, b, b + DA.FIELDS);
  a[b + DA.MIN] = Infinity;
  a[b + DA.MAX] = -Infinity;
  e.dSt.fill(0, o * S.COUNT, (o + 1) * S.COUNT);
}

/** Calibration-range surveillance state is kept only when some output has a valid calibration range. */
function hasCalRange(oc: Float64Array, nOut: number): boolean {
  for (let o = 0; o < nOut; o++) if (!isNaN(oc[o * OutClose.FIELDS + OutClose.CAL_RANGE_MAX])) return true;
  return false;
}

/** An engine over a plan's tables, with fresh state (the period close creates Part 75 state where it needs it). */
export function createEngine(plan: EnginePlan, closer: () => Closer): Engine {
  const eng = new Float64Array(plan.eng);
  const nCh = eng[Eng.N_CHANNELS];
  const nOut = eng[Eng.N_OUTPUTS];
  const e: Engine = {
    eng: eng,
    ch: new Float64Array(plan.ch),
    om: new Float64Array(plan.om),
    oc: plan.oc,
    lists: plan.lists,
    nCh: nCh,
    nOut: nOut,
    periodMs: eng[Eng.PERIOD_MINUTES] * MINUTE_MS,
    g: new Float64Array(G.FIELDS),
    mAcc: new Float64Array(nCh * MA.FIELDS),
    mSt: new Uint16Array(nCh * S.COUNT),
    pAcc: new Float64Array(nOut * PA.FIELDS),
    pSt: new Uint16Array(nOut * S.COUNT),
    pQuad: new Uint8Array(nOut * 8),
    dAcc: new Float64Array(nOut * DA.FIELDS),
    dSt: new Uint16Array(nOut * S.COUNT),
    mrr: new Float64Array(eng[Eng.SUBSTITUTION] === 1 ? nOut * MRR.FIELDS : 0),
    cal: new Float64Array(hasCalRange(plan.oc, nOut) ? nOut * CAL.FIELDS : 0),
    p75: [],
    cm: new Float64Array(nCh * MV.FIELDS),
    mv: new Float64Array(nOut * MV.FIELDS),
    out: newOutput(),
    closer: closer,
    onMinute: null,
  };
  e.g[G.MINUTE_START] = -1;
  e.g[G.PERIOD_START] = -1;
  e.g[G.DAY_START] = -1;
  e.g[G.LAST_NOW] = -1;
  for (let c = 0; c < nCh; c++) {
    resetMinuteAcc(e, c);
    e.mAcc[c * MA.FIELDS + MA.LAST_T] = -1;
  }
  for (let o = 0; o < nOut; o++) {
    resetPeriodAcc(e, o);
    resetDayAcc(e, o);
    if (e.mrr.length) e.mrr[o * MRR.FIELDS + MRR.YEAR] = -1;
    if (e.cal.length && !isNaN(plan.oc[o * OutClose.FIELDS + OutClose.CAL_RANGE_MAX])) {
      e.cal[o * CAL.FIELDS + CAL.ON] = 1;
      e.cal[o * CAL.FIELDS + CAL.WEEK_START] = -1;
    }
  }
  return e;
}

export function event(e: Engine, kind: number, fromMs: number, toMs: number, out: number, detail: string): void {
  e.out.events.push({ kind: kind, fromMs: fromMs, toMs: toMs, out: out, detail: detail });
}

function start(e: Engine, t: number): void {
  const g = e.g;
  g[G.STARTED] = 1;
  g[G.MINUTE_START] = floorTo(t, MINUTE_MS);
  g[G.PERIOD_START] = floorTo(t, e.periodMs);
  g[G.DAY_START] = floorTo(t, DAY_MS);
  g[G.HAS_DATA] = 0;
}

// ---- closing a minute ----

/** The closed minute of one sampled channel from its accumulator. */
function sampledChannel(e: Engine, c: number, minSamples: number, spm: number): void {
  const a = e.mAcc;
  const b = c * MA.FIELDS;
  const m = e.cm;
  const k = c * MV.FIELDS;
  const seen = a[b + MA.SEEN];
  if (seen === 0) {
    m[k + MV.V] = NaN;
    m[k + MV.RAW] = NaN;
    m[k + MV.ST] = S.COMMS_LOSS;
    m[k + MV.N] = 0;
    m[k + MV.REASONS] = R.NO_SAMPLES;
    m[k + MV.BITS] = -1;
    return;
  }
  const n = a[b + MA.N];
  const sb = c * S.COUNT;
  let st: number = S.VALID;
  if (n < minSamples) {
    const missing = spm > seen ? spm - seen : 0;
    st = dominantCause(e.mSt, sb, n > 0 ? 0 : missing);
  }
  let reasons = a[b + MA.REASONS];
  if (st !== S.VALID && st !== S.OUT_OF_CAL_RANGE && n > 0) reasons |= R.FEW_SAMPLES;
  if (e.mSt[sb + S.CALIBRATION] > 0 || e.mSt[sb + S.MAINTENANCE] > 0) reasons |= R.QA_ACTIVITY;
  m[k + MV.V] = n > 0 ? a[b + MA.SUM] / n : NaN;
  m[k + MV.RAW] = n > 0 ? a[b + MA.RAW_SUM] / n : NaN;
  m[k + MV.ST] = st;
  m[k + MV.N] = n;
  m[k + MV.REASONS] = reasons;
  m[k + MV.BITS] = a[b + MA.BITS];
}

/** Derived channel (NOx = NO + NO2): sum of its components in ppm. */
function derivedChannel(e: Engine, c: number): void {
  const ch = e.ch;
  const m = e.cm;
  const base = c * Ch.FIELDS;
  const at = ch[base + Ch.SUM_AT];
  const count = ch[base + Ch.SUM_N];
  const vm = e.eng[Eng.VM_L_PER_MOL];
  let v = 0;
  let st: number = S.VALID;
  let n = Infinity;
  let reasons = 0;
  let bits = -1;
  for (let j = 0; j < count; j++) {
    const k = e.lists[at + j];
    const km = k * MV.FIELDS;
    const toPpm = ch[k * Ch.FIELDS + Ch.TO_PPM];
    const x = m[km + MV.V];
    // mg/m3 components at reference conditions: ppm = mg * Vm / M
    v += toPpm > 0 ? x * toPpm : (x * vm) / ch[k * Ch.FIELDS + Ch.MOLAR_MASS];
    const kst = m[km + MV.ST];
    if (kst !== S.VALID && kst !== S.OUT_OF_CAL_RANGE) reasons |= R.INPUT_INVALID;
    st = combineStatus(st, kst);
    if (m[km + MV.N] < n) n = m[km + MV.N];
    reasons |= m[km + MV.REASONS];
    bits = orBits(bits, m[km + MV.BITS]);
  }
  const k = c * MV.FIELDS;
  m[k + MV.V] = v;
  m[k + MV.RAW] = NaN;
  m[k + MV.ST] = st;
  m[k + MV.N] = n;
  m[k + MV.REASONS] = reasons;
  m[k + MV.BITS] = bits;
}

/** A context input (moisture, T, P) as [value, status, samples] into ctx at `at`. */
function contextInput(e: Engine, refCh: number, k: number, ctx: Float64Array, at: number): void {
  if (refCh === -2) {
    ctx[at] = NaN;
    ctx[at + 1] = S.FAULT;
    ctx[at + 2] = 0;
  } else if (refCh === -1) {
    ctx[at] = k;
    ctx[at + 1] = S.VALID;
    ctx[at + 2] = Infinity;
  } else {
    const mk = refCh * MV.FIELDS;
    ctx[at] = e.cm[mk + MV.V] * e.ch[refCh * Ch.FIELDS + Ch.TO_WORKING];
    ctx[at + 1] = e.cm[mk + MV.ST];
    ctx[at + 2] = e.cm[mk + MV.N];
  }
}

// Scratch for the minute's context: moisture, temperature, static and ambient pressure, each [v, st, n].
const CTX = new Float64Array(12);

/** Mass rate of a MASS output from its dry concentration and the dry normal flow, in the output's unit. */
export function massFor(e: Engine, o: number, dry: number, flow: number): number {
  const route = e.om[o * OutMin.FIELDS + OutMin.ROUTE];
  if (route === MassRouteCode.MG_KG) return (dry * flow) / 1000000;
  if (route === MassRouteCode.MG_T) return (dry * flow) / 1000000 / 1000;
  const m = e.ch[e.om[o * OutMin.FIELDS + OutMin.CH] * Ch.FIELDS + Ch.MOLAR_MASS];
  const t = ((dry / 100) * flow * (m / e.eng[Eng.VM_L_PER_MOL])) / 1000;
  return route === MassRouteCode.PCT_T ? t : t * 1000;
}

/** Runs every output of the plan for the closed minute (channels in e.cm, outputs into e.mv). */
function computeMinute(e: Engine): void {
  const eng = e.eng;
  const om = e.om;
  const cm = e.cm;
  const mv = e.mv;
  const ctx = CTX;
  contextInput(e, eng[Eng.MOIST_CH], eng[Eng.MOIST_K], ctx, 0);
  contextInput(e, eng[Eng.TEMP_CH], eng[Eng.TEMP_K], ctx, 3);
  contextInput(e, eng[Eng.PS_CH], eng[Eng.PS_K], ctx, 6);
  contextInput(e, eng[Eng.PA_CH], eng[Eng.PA_K], ctx, 9);
  const h = ctx[0] / 100;
  let hSt = ctx[1];
  const hN = ctx[2];
  let hReasons = 0;
  if ((hSt === S.VALID || hSt === S.OUT_OF_CAL_RANGE) && !(h >= 0 && h < 1)) {
    hSt = S.FAULT;
    hReasons = R.MOISTURE_RANGE;
  }
  const tv = ctx[3];
  const ps = ctx[6];
  const ba = ctx[9];
  const tpSt = combineStatus(combineStatus(ctx[4], ctx[7]), ctx[10]);
  const tpN = Math.min(ctx[5], ctx[8], ctx[11]);
  const tRef = eng[Eng.T_REF_K];
  const pRef = eng[Eng.P_REF_PA];
  const cOff = eng[Eng.CELSIUS_OFFSET_K];
  const vmol = eng[Eng.VM_L_PER_MOL];
  let o2 = NaN;
  let o2St: number = S.FAULT;
  let o2N = 0;
  let o2Reasons = 0;
  const o2Ch = eng[Eng.O2_CH];
  if (o2Ch >= 0) {
    const k = o2Ch * MV.FIELDS;
    const wet = e.ch[o2Ch * Ch.FIELDS + Ch.WET] === 1;
    o2 = wet ? cm[k + MV.V] / (1 - h) : cm[k + MV.V];
    o2St = wet ? combineStatus(cm[k + MV.ST], hSt) : cm[k + MV.ST];
    o2N = wet ? Math.min(cm[k + MV.N], hN) : cm[k + MV.N];
    o2Reasons = cm[k + MV.REASONS] | (wet ? hReasons : 0);
  }
  const o2Usable = o2St === S.VALID || o2St === S.OUT_OF_CAL_RANGE;
  const o2K = eng[Eng.O2_K];
  const o2Cap = eng[Eng.O2_CAP];
  const fn = eng[Eng.FLOW_NDRY] * MV.FIELDS;
  for (let i = 0; i < e.nOut; i++) {
    const ob = i * OutMin.FIELDS;
    const kind = om[ob + OutMin.KIND];
    const c = om[ob + OutMin.CH];
    const k = c * MV.FIELDS;
    let v = NaN;
    let st: number = S.VALID;
    let n = 0;
    let reasons = 0;
    let bits = -1;
    if (c >= 0) {
      v = cm[k + MV.V];
      st = cm[k + MV.ST];
      n = cm[k + MV.N];
      reasons = cm[k + MV.REASONS];
      bits = cm[k + MV.BITS];
    }
    if (kind === OutKind.FLOW_ACT) {
      if (c >= 0) v = eng[Eng.FLOW_VELOCITY_CH] >= 0 ? 3600 * v * eng[Eng.FLOW_AREA] * eng[Eng.FLOW_KV] : v * e.ch[c * Ch.FIELDS + Ch.TO_WORKING];
    } else if (kind === OutKind.FLOW_NDRY) {
      const a = om[ob + OutMin.SRC] * MV.FIELDS;
      v = ((mv[a + MV.V] * tRef) / (cOff + tv)) * ((ba + ps) / pRef) * (1 - h);
      st = combineStatus(combineStatus(mv[a + MV.ST], tpSt), hSt);
      n = Math.min(mv[a + MV.N], tpN, hN);
      reasons = mv[a + MV.REASONS] | hReasons;
      bits = mv[a + MV.BITS];
    } else if (kind === OutKind.DRY) {
      const route = om[ob + OutMin.ROUTE];
      if (route === DryRoute.ACTUAL_TO_REFERENCE) {
        v = ((v * pRef) / (ba + ps)) * ((cOff + tv) / tRef);
        st = combineStatus(st, tpSt);
        n = Math.min(n, tpN);
      } else if (route === DryRoute.PPM_TO_MG) v = (v * e.ch[c * Ch.FIELDS + Ch.MOLAR_MASS]) / vmol;
      else if (route === DryRoute.PCT_TO_MG) v = (v * 10000 * e.ch[c * Ch.FIELDS + Ch.MOLAR_MASS]) / vmol;
      if (om[ob + OutMin.WET] === 1) {
        v = v / (1 - h);
        st = combineStatus(st, hSt);
        n = Math.min(n, hN);
        reasons |= hReasons;
      }
    } else if (kind === OutKind.REF) {
      const a = om[ob + OutMin.SRC] * MV.FIELDS;
      v = mv[a + MV.V];
      st = combineStatus(mv[a + MV.ST], o2St);
      n = Math.min(mv[a + MV.N], o2N);
      reasons = mv[a + MV.REASONS] | o2Reasons;
      let o2Used = o2;
      if (o2Usable) {
        if (!(o2 < o2K)) {
          st = S.FAULT;
          reasons |= R.O2_RANGE;
        } else if (!isNaN(o2Cap)) {
          if (o2 > o2Cap) {
            o2Used = o2Cap;
            reasons |= R.DILUENT_CAP;
          }
        } else if (o2 >= eng[Eng.O2_LIMIT]) {
          st = S.FAULT;
          reasons |= R.O2_GUARD;
        }
      }
      // the factor is formed first, so a correction to the measured O2 is exactly the identity
      v = v * ((o2K - om[ob + OutMin.O2_REF]) / (o2K - o2Used));
    } else if (kind === OutKind.MASS) {
      const a = om[ob + OutMin.SRC] * MV.FIELDS;
      v = massFor(e, i, mv[a + MV.V], mv[fn + MV.V]);
      st = combineStatus(mv[a + MV.ST], mv[fn + MV.ST]);
      n = Math.min(mv[a + MV.N], mv[fn + MV.N]);
      reasons = mv[a + MV.REASONS] | mv[fn + MV.REASONS];
    } else if (kind === OutKind.CO2E) {
      v = 0;
      n = Infinity;
      const at = om[ob + OutMin.TERMS_AT];
      const terms = om[ob + OutMin.TERMS_N];
      for (let j = 0; j < terms; j++) {
        const t = at + 3 * j;
        const kk = e.lists[t] * MV.FIELDS;
        v += e.lists[t + 1] * (mv[kk + MV.V] / e.lists[t + 2]);
        st = combineStatus(st, mv[kk + MV.ST]);
        if (mv[kk + MV.N] < n) n = mv[kk + MV.N];
        reasons |= mv[kk + MV.REASONS];
      }
    }
    if (st !== S.VALID && st !== S.OUT_OF_CAL_RANGE && c >= 0 && (cm[k + MV.ST] === S.VALID || cm[k + MV.ST] === S.OUT_OF_CAL_RANGE)) {
      reasons |= R.INPUT_INVALID;
    }
    const w = i * MV.FIELDS;
    mv[w + MV.V] = v;
    mv[w + MV.RAW] = kind === OutKind.MEASURED && c >= 0 ? cm[k + MV.RAW] : NaN;
    mv[w + MV.ST] = st;
    mv[w + MV.N] = n;
    mv[w + MV.REASONS] = reasons;
    mv[w + MV.BITS] = bits;
  }
}

/** Adds the closed minute of output o at `offset` minutes into the period. */
function addMinute(e: Engine, o: number, offset: number, bySamples: boolean): void {
  const a = e.pAcc;
  const b = o * PA.FIELDS;
  const m = e.mv;
  const k = o * MV.FIELDS;
  const status = m[k + MV.ST];
  const reasons = m[k + MV.REASONS];
  a[b + PA.MINUTES]++;
  e.pSt[o * S.COUNT + status]++;
  a[b + PA.REASONS] = a[b + PA.REASONS] | reasons;
  a[b + PA.BITS] = orBits(a[b + PA.BITS], m[k + MV.BITS]);
  if (status === S.CALIBRATION || status === S.MAINTENANCE || (reasons & R.QA_ACTIVITY) !== 0) a[b + PA.QA]++;
  const q = Math.floor(offset / 15);
  if ((status === S.STOPPED || status === S.STARTUP_SHUTDOWN) && q < 4) e.pQuad[o * 8 + 4 + q]++;
  const v = m[k + MV.V];
  if (!(status === S.VALID || status === S.OUT_OF_CAL_RANGE) || isNaN(v)) return;
  const samples = m[k + MV.N];
  const raw = m[k + MV.RAW];
  a[b + PA.VALID]++;
  a[b + PA.SAMPLES] += samples;
  const w = bySamples ? samples : 1;
  a[b + PA.SUM] += v * w;
  a[b + PA.WEIGHT] += w;
  if (!isNaN(raw)) a[b + PA.RAW_SUM] += raw * w;
  if (v < a[b + PA.MIN]) a[b + PA.MIN] = v;
  if (v > a[b + PA.MAX]) a[b + PA.MAX] = v;
  if (q < 4) e.pQuad[o * 8 + q]++;
  if (a[b + PA.FIRST_VALID] < 0) a[b + PA.FIRST_VALID] = offset;
  a[b + PA.LAST_VALID] = offset;
}

function closeMinute(e: Engine): void {
  const g = e.g;
  const eng = e.eng;
  const minSamples = eng[Eng.MINUTE_MIN_SAMPLES];
  const spm = eng[Eng.SAMPLES_PER_MINUTE];
  for (let c = 0; c < e.nCh; c++) if (e.ch[c * Ch.FIELDS + Ch.SUM_N] === 0) sampledChannel(e, c, minSamples, spm);
  for (let c = 0; c < e.nCh; c++) if (e.ch[c * Ch.FIELDS + Ch.SUM_N] > 0) derivedChannel(e, c);
  computeMinute(e);
  const offset = (g[G.MINUTE_START] - g[G.PERIOD_START]) / MINUTE_MS;
  const bySamples = eng[Eng.BY_SAMPLES] === 1;
  for (let o = 0; o < e.nOut; o++) addMinute(e, o, offset, bySamples);
  for (let c = 0; c < e.nCh; c++) resetMinuteAcc(e, c);
  g[G.HAS_DATA] = 0;
  g[G.MINUTES_CLOSED]++;
  if (e.onMinute) e.onMinute(g[G.MINUTE_START], e);
}

/** Closes the open period and moves on; closes the day when the period ends it. */
function closePeriod(e: Engine): void {
  const g = e.g;
  const closer = e.closer();
  closer.emitPeriod(e);
  g[G.PERIOD_START] += e.periodMs;
  if (g[G.PERIOD_START] >= g[G.DAY_START] + DAY_MS) {
    closer.closeDay(e);
    g[G.DAY_START] += DAY_MS;
  }
}

function clockJump(e: Engine, toMinute: number): void {
  const g = e.g;
  event(e, EventCode.CLOCK_JUMP, g[G.MINUTE_START], toMinute, -1, '');
  if (g[G.HAS_DATA]) closeMinute(e);
  const closer = e.closer();
  closer.emitPeriod(e);
  closer.closeDay(e);
  start(e, toMinute);
}

/** Closes every minute before `target` (a minute start), with the periods and days they complete. */
function moveTo(e: Engine, target: number): void {
  const g = e.g;
  if (target - g[G.MINUTE_START] > e.eng[Eng.MAX_GAP_MS]) {
    clockJump(e, target);
    return;
  }
  while (g[G.MINUTE_START] < target) {
    const periodEnd = g[G.PERIOD_START] + e.periodMs;
    if (g[G.HAS_DATA]) {
      closeMinute(e);
      g[G.MINUTE_START] += MINUTE_MS;
    } else g[G.MINUTE_START] = target < periodEnd ? target : periodEnd;
    if (g[G.MINUTE_START] >= periodEnd) closePeriod(e);
  }
}

// ---- samples ----

/**
 * Feeds one sample of channel `c` taken at `t` (integer ms): its engineering value (NaN when none was obtained), its
 * normalized status and the analyzer's native status word (-1: none). Never throws: bad samples are counted.
 */
export function pushSample(e: Engine, c: number, t: number, value: number, status: number, native: number): void {
  const g = e.g;
  const ch = e.ch;
  const cb = c * Ch.FIELDS;
  if (!(c >= 0 && c < e.nCh) || ch[cb + Ch.SUM_N] > 0) {
    g[G.UNKNOWN_CHANNEL]++;
    return;
  }
  // an integer ms timestamp in [1970, 10000): the same test as isTimestamp, inlined on this per-sample path with
  // operators only (a call such as Math.floor costs the interpreter several times more than an operator)
  if (!(t >= 0 && t < 253402300800000 && t % 1 === 0)) {
    g[G.BAD_TIME]++;
    return;
  }
  if (!g[G.STARTED]) start(e, t);
  const m = t - (t % MINUTE_MS);
  const open = g[G.MINUTE_START];
  if (m < open) {
    g[G.LATE]++;
    return;
  }
  const a = e.mAcc;
  const b = c * MA.FIELDS;
  if (t <= a[b + MA.LAST_T]) {
    g[G.NON_MONOTONIC]++;
    return;
  }
  if (m > open) moveTo(e, m);
  a[b + MA.SEEN]++;
  if (native >= 0 && native < 4294967296 && native % 1 === 0) {
    const bits = a[b + MA.BITS];
    a[b + MA.BITS] = bits < 0 ? native : bits | native;
  }
  g[G.HAS_DATA] = 1;
  a[b + MA.LAST_T] = t;
  const st = e.mSt;
  const sb = c * S.COUNT;
  if (status !== S.VALID && status !== S.OUT_OF_CAL_RANGE) {
    st[sb + (status >= 0 && status < S.COUNT && status % 1 === 0 ? status : S.FAULT)]++;
    return;
  }
  // value - value is 0 exactly for finite numbers (NaN for NaN and the infinities)
  if (typeof value !== 'number' || value - value !== 0) {
    st[sb + S.FAULT]++;
    a[b + MA.REASONS] = a[b + MA.REASONS] | R.NOT_FINITE;
    return;
  }
  const y = value * ch[cb + Ch.GAIN] + ch[cb + Ch.OFFSET];
  if (y > ch[cb + Ch.RANGE_MAX]) {
    st[sb + S.OVERRANGE]++;
    a[b + MA.REASONS] = a[b + MA.REASONS] | R.ABOVE_RANGE;
    return;
  }
  const z = ch[cb + Ch.CAL_A] + ch[cb + Ch.CAL_B] * y;
  if (z < ch[cb + Ch.MIN_VALID] || z > ch[cb + Ch.MAX_VALID]) {
    st[sb + S.FAULT]++;
    a[b + MA.REASONS] = a[b + MA.REASONS] | (z < ch[cb + Ch.MIN_VALID] ? R.BELOW_MIN : R.PHYSICAL);
    return;
  }
  st[sb + status]++;
  a[b + MA.N]++;
  a[b + MA.SUM] += z;
  a[b + MA.RAW_SUM] += y;
  if (z < a[b + MA.MIN]) a[b + MA.MIN] = z;
  if (z > a[b + MA.MAX]) a[b + MA.MAX] = z;
}

/**
 * Closes every minute that ended at least closeDelayMs before nowMs, with the periods and days it completes.
 * Never throws on bad input: a time that is not an integer ms timestamp is counted.
 */
export function advance(e: Engine, nowMs: number): void {
  const g = e.g;
  if (!isTimestamp(nowMs)) {
    g[G.BAD_TIME]++;
    return;
  }
  if (nowMs < g[G.LAST_NOW]) {
    g[G.CLOCK_BACK]++;
    event(e, EventCode.CLOCK_BACK, g[G.LAST_NOW], nowMs, -1, '');
  }
  g[G.LAST_NOW] = nowMs;
  if (!g[G.STARTED]) return;
  const target = floorTo(nowMs - e.eng[Eng.CLOSE_DELAY_MS], MINUTE_MS);
  if (target > g[G.MINUTE_START]) moveTo(e, target);
}

/** Hands over everything produced since the last call. */
export function takeOutput(e: Engine): EngineOutput {
  const o = e.out;
  e.out = newOutput();
  return o;
}

/** True when the engine holds output that has not been taken. */
export function hasOutput(e: Engine): boolean {
  const o = e.out;
  return o.periods.length > 0 || o.days.length > 0 || o.subs.length > 0 || o.events.length > 0;
}
