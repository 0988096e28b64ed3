// Closing a period and a day: the jurisdiction's validity rule on the period accumulators, the reported value
// (IED confidence-interval subtraction, Part 75 bias adjustment, MODCs, negative-to-zero), substitutes (MRR Eq. 4 at
// once, Part 75 when the gap ends), EN 14181 calibration-range surveillance, and the day values. Runs once per period,
// so on the device it is a Storage module loaded for the close and released afterwards (firmware/modules/close.ts).
import { Eng, OutClose, PeriodRuleKind, DayRuleKind, SubstitutionCode } from '../plan/format';
import { Modc, R, S, dominantCause } from './codes';
import {
  CAL,
  DA,
  DR,
  EventCode,
  G,
  MRR,
  PA,
  PR,
  SubstMethod,
  event,
  massFor,
  resetDayAcc,
  resetPeriodAcc,
  type Engine,
} from './engine';
import { DAY_MS, utcYear } from './time';
import { newP75State, p75Closed, p75Missing, p75Valid, type P75State } from './p75';
import { calRangeAdd } from './calrange';
import { sqrt } from './numbers';

/** Verdict of the period being closed (scratch: status, cause, mean). */
const VERDICT = new Float64Array(3);

function ruleMet(e: Engine, o: number): boolean {
  const a = e.pAcc;
  const b = o * PA.FIELDS;
  const eng = e.eng;
  const minutes = eng[Eng.PERIOD_MINUTES];
  const kind = eng[Eng.RULE_KIND];
  const valid = a[b + PA.VALID];
  if (kind === PeriodRuleKind.MIN_MINUTES) return valid >= eng[Eng.RULE_N];
  if (kind === PeriodRuleKind.MINUTE_FRACTION) return valid * eng[Eng.RULE_DEN] >= eng[Eng.RULE_NUM] * minutes;
  if (kind === PeriodRuleKind.SAMPLE_FRACTION) {
    return a[b + PA.SAMPLES] * eng[Eng.RULE_DEN] >= eng[Eng.RULE_NUM] * minutes * eng[Eng.SAMPLES_PER_MINUTE];
  }
  // QUADRANT, §75.10(d)(1): in an hour with calibration/QA/maintenance, two valid points 15 min apart suffice; else
  // one valid minute in every quadrant the unit operated (a quadrant operated unless all 15 minutes were stopped).
  if (a[b + PA.QA] > 0 && valid >= 2 && a[b + PA.LAST_VALID] - a[b + PA.FIRST_VALID] >= 15) return true;
  for (let q = 0; q < 4; q++) if (e.pQuad[o * 8 + 4 + q] < 15 && e.pQuad[o * 8 + q] < 1) return false;
  return true;
}

/** The verdict of output o's open period into VERDICT: VALID, STOPPED or INSUFFICIENT_DATA with its cause. */
function evaluatePeriod(e: Engine, o: number): void {
  const a = e.pAcc;
  const b = o * PA.FIELDS;
  const minutes = e.eng[Eng.PERIOD_MINUTES];
  VERDICT[2] = a[b + PA.WEIGHT] > 0 ? a[b + PA.SUM] / a[b + PA.WEIGHT] : NaN;
  VERDICT[1] = -1;
  let stopped = 0;
  for (let q = 0; q < 4; q++) stopped += e.pQuad[o * 8 + 4 + q];
  if (stopped >= minutes) VERDICT[0] = S.STOPPED;
  else if (a[b + PA.VALID] > 0 && ruleMet(e, o)) VERDICT[0] = S.VALID;
  else {
    VERDICT[0] = S.INSUFFICIENT_DATA;
    VERDICT[1] = dominantCause(e.pSt, o * S.COUNT, minutes - a[b + PA.MINUTES]);
  }
}

/** Output o's period row (PR.*) from its accumulator and VERDICT. */
function periodValue(e: Engine, o: number, rows: Float64Array): void {
  const a = e.pAcc;
  const b = o * PA.FIELDS;
  const oc = e.oc;
  const cb = o * OutClose.FIELDS;
  const r = o * PR.FIELDS;
  const minutes = e.eng[Eng.PERIOD_MINUTES];
  const mean = VERDICT[2];
  let status = VERDICT[0];
  let reasons = a[b + PA.REASONS];
  let reported = NaN;
  let ciSubtracted = 0;
  let modc: number = Modc.NONE;
  if (status === S.VALID) {
    reported = mean;
    const ci = oc[cb + OutClose.CI_PCT];
    if (ci > 0) {
      const elv = oc[cb + OutClose.ELV_DAILY];
      ciSubtracted = (ci * elv) / 100;
      const validated = mean - ciSubtracted;
      reported = validated > 0 ? validated : 0;
    }
    const baf = oc[cb + OutClose.BAF];
    if (baf !== 1) reported = reported * baf;
    if (e.eng[Eng.USES_MODC]) {
      modc = oc[cb + OutClose.MODC];
      if (reasons & R.DILUENT_CAP) modc = Modc.DILUENT_CAP;
      if (reported < 0 && oc[cb + OutClose.NEGATIVE_TO_ZERO]) {
        reported = 0;
        modc = Modc.NEGATIVE_TO_ZERO;
        reasons |= R.NEGATIVE_TO_ZERO;
      }
    }
    if (mean > oc[cb + OutClose.CAL_RANGE_MAX]) {
      status = S.OUT_OF_CAL_RANGE;
      reasons |= R.OUT_OF_CAL_RANGE;
    }
  }
  const valid = a[b + PA.VALID];
  const weight = a[b + PA.WEIGHT];
  rows[r + PR.MEAN] = mean;
  rows[r + PR.RAW] = oc[cb + OutClose.MEASURED] && weight > 0 ? a[b + PA.RAW_SUM] / weight : NaN;
  rows[r + PR.REPORTED] = reported;
  rows[r + PR.STATUS] = status;
  rows[r + PR.CAUSE] = VERDICT[1];
  rows[r + PR.MODC] = modc;
  rows[r + PR.BITS] = a[b + PA.BITS];
  rows[r + PR.REASONS] = reasons;
  rows[r + PR.N_VALID] = valid;
  rows[r + PR.N_MINUTES] = a[b + PA.MINUTES];
  rows[r + PR.SAMPLES] = a[b + PA.SAMPLES];
  rows[r + PR.MIN] = valid > 0 ? a[b + PA.MIN] : NaN;
  rows[r + PR.MAX] = valid > 0 ? a[b + PA.MAX] : NaN;
  rows[r + PR.CI_SUBTRACTED] = ciSubtracted;
  rows[r + PR.TOTAL] = VERDICT[0] === S.VALID && oc[cb + OutClose.HAS_TOTAL] ? (reported * minutes) / 60 : NaN;
  rows[r + PR.PENDING] = 0;
}

/** Counts a closed period into output o's day. */
function addPeriodToDay(e: Engine, o: number, reported: number, total: number, outOfCal: boolean): void {
  const d = e.dAcc;
  const b = o * DA.FIELDS;
  const status = VERDICT[0];
  d[b + DA.PERIODS]++;
  e.dSt[o * S.COUNT + (VERDICT[1] >= 0 ? VERDICT[1] : status)]++;
  if (status === S.STOPPED) {
    d[b + DA.NON_OPERATING]++;
    return;
  }
  if (status !== S.VALID) return;
  const mean = VERDICT[2];
  d[b + DA.VALID]++;
  if (outOfCal) d[b + DA.OUT_OF_CAL]++;
  d[b + DA.SUM] += mean;
  d[b + DA.SUM_REPORTED] += reported;
  if (mean < d[b + DA.MIN]) d[b + DA.MIN] = mean;
  if (mean > d[b + DA.MAX]) d[b + DA.MAX] = mean;
  if (!isNaN(total)) d[b + DA.TOTAL] += total;
}

function substitute(e: Engine, o: number, startMs: number, periods: number, v: number, method: number, code: number, pma: number, gap: number, basis: number): void {
  e.out.subs.push({ out: o, startMs: startMs, periods: periods, v: v, method: method, code: code, pma: pma, gap: gap, basis: basis });
  // Substitutes of periods in the open day count into its totals.
  if (startMs >= e.g[G.DAY_START]) {
    const minutes = e.eng[Eng.PERIOD_MINUTES];
    const total = e.oc[o * OutClose.FIELDS + OutClose.HAS_TOTAL] ? (v * minutes * periods) / 60 : NaN;
    const b = o * DA.FIELDS;
    for (let k = 0; k < periods; k++) {
      e.dAcc[b + DA.SUBSTITUTED]++;
      if (k === 0 && !isNaN(total)) e.dAcc[b + DA.TOTAL] += total;
    }
  }
}

/** MRR: an invalid hour gets C* = mean + 2 sigma at once; its mass rate follows from C* and the hour's valid flow. */
function substituteMrr(e: Engine, o: number, reported: number, flow: number, startMs: number): void {
  const m = e.mrr;
  const b = o * MRR.FIELDS;
  const year = utcYear(startMs);
  if (m[b + MRR.YEAR] !== year) {
    m[b + MRR.YEAR] = year;
    m[b + MRR.N] = 0;
    m[b + MRR.MEAN] = 0;
    m[b + MRR.M2] = 0;
  }
  const status = VERDICT[0];
  if (status === S.VALID) {
    // Welford's update over the valid hourly values of the reporting year
    m[b + MRR.N]++;
    const d = reported - m[b + MRR.MEAN];
    m[b + MRR.MEAN] += d / m[b + MRR.N];
    m[b + MRR.M2] += d * (reported - m[b + MRR.MEAN]);
    return;
  }
  if (status === S.STOPPED) return;
  const n = m[b + MRR.N];
  if (n < 2) {
    event(e, EventCode.SUBSTITUTION_UNAVAILABLE, startMs, startMs + e.periodMs, o, 'FEWER_THAN_2_VALID_HOURS');
    return;
  }
  const c = m[b + MRR.MEAN] + 2 * sqrt(m[b + MRR.M2] / (n - 1));
  substitute(e, o, startMs, 1, c, SubstMethod.MRR_EQ4, 0, NaN, 1, n);
  const mass = e.oc[o * OutClose.FIELDS + OutClose.MASS_OF];
  if (mass < 0) return;
  if (isNaN(flow)) {
    event(e, EventCode.SUBSTITUTION_UNAVAILABLE, startMs, startMs + e.periodMs, mass, 'FLOW_INVALID');
    return;
  }
  substitute(e, mass, startMs, 1, massFor(e, mass, c, flow), SubstMethod.MRR_EQ4, 0, NaN, 1, n);
}

function p75StateOf(e: Engine, o: number): P75State {
  let st = e.p75[o];
  if (!st) {
    st = newP75State();
    e.p75[o] = st;
  }
  return st;
}

/** Part 75: invalid hours wait for the end of their gap; the closing valid hour fills them (runs of consecutive hours). */
function substituteP75(e: Engine, o: number, reported: number, flow: number, startMs: number): boolean {
  const status = VERDICT[0];
  if (status === S.STOPPED) return false;
  const st = p75StateOf(e, o);
  if (status !== S.VALID) {
    p75Missing(st, startMs, flow);
    return true;
  }
  const gap = st.gap;
  const cb = o * OutClose.FIELDS;
  const fill = p75Valid(st, reported, e.oc[cb + OutClose.MPC], e.oc[cb + OutClose.INVERSE] === 1);
  if (!fill) return false;
  let runStart = 0;
  for (let i = 1; i <= gap.length; i++) {
    if (i === gap.length || gap[i].startMs !== gap[i - 1].startMs + e.periodMs) {
      substitute(e, o, gap[runStart].startMs, i - runStart, fill.v, SubstMethod.P75, fill.modc, fill.pma, fill.gapHours, st.lookN);
      runStart = i;
    }
  }
  const mass = e.oc[cb + OutClose.MASS_OF];
  if (mass >= 0) {
    for (let i = 0; i < gap.length; i++) {
      const h = gap[i];
      if (isNaN(h.flow)) {
        event(e, EventCode.SUBSTITUTION_UNAVAILABLE, h.startMs, h.startMs + e.periodMs, mass, 'FLOW_INVALID');
        continue;
      }
      substitute(e, mass, h.startMs, 1, massFor(e, mass, fill.v, h.flow), SubstMethod.P75, fill.modc, fill.pma, fill.gapHours, st.lookN);
    }
  }
  p75Closed(st);
  return false;
}

/** Emits the open period (values, substitutes, day counts) and clears its accumulators; time does not move. */
export function emitPeriod(e: Engine): void {
  const startMs = e.g[G.PERIOD_START];
  const empty = e.pAcc[PA.MINUTES] === 0;
  const rows = new Float64Array(e.nOut * PR.FIELDS);
  const flowIdx = e.eng[Eng.FLOW_NDRY];
  const method = e.eng[Eng.SUBSTITUTION];
  let flow = NaN;
  for (let o = 0; o < e.nOut; o++) {
    evaluatePeriod(e, o);
    periodValue(e, o, rows);
    const r = o * PR.FIELDS;
    const reported = rows[r + PR.REPORTED];
    if (o === flowIdx && VERDICT[0] === S.VALID) flow = reported;
    const outside = rows[r + PR.STATUS] === S.OUT_OF_CAL_RANGE;
    addPeriodToDay(e, o, reported, rows[r + PR.TOTAL], outside);
    const cal = e.cal;
    const cb = o * CAL.FIELDS;
    if (cal.length && cal[cb + CAL.ON] === 1 && VERDICT[0] === S.VALID) {
      const trigger = calRangeAdd(cal, cb, startMs, outside);
      if (trigger) event(e, EventCode.QAL2_TRIGGER, startMs, startMs + e.periodMs, o, trigger);
    }
    if (e.oc[o * OutClose.FIELDS + OutClose.SUBSTITUTE]) {
      if (method === SubstitutionCode.MRR_EQ4) substituteMrr(e, o, reported, flow, startMs);
      else if (method === SubstitutionCode.P75_STANDARD && substituteP75(e, o, reported, flow, startMs)) rows[r + PR.PENDING] = 1;
    }
    resetPeriodAcc(e, o);
  }
  if (!empty) e.out.periods.push({ startMs: startMs, rows: rows });
  else {
    const ev = e.out.events;
    const last = ev.length ? ev[ev.length - 1] : null;
    if (last && last.kind === EventCode.NO_DATA && last.toMs === startMs) last.toMs = startMs + e.periodMs;
    else event(e, EventCode.NO_DATA, startMs, startMs + e.periodMs, -1, '');
  }
}

/** Day values of every output (DR.*), then the day accumulators start over. */
export function closeDay(e: Engine): void {
  const eng = e.eng;
  const perDay = DAY_MS / e.periodMs;
  const kind = eng[Eng.DAY_RULE_KIND];
  const rows = new Float64Array(e.nOut * DR.FIELDS);
  for (let o = 0; o < e.nOut; o++) {
    const d = e.dAcc;
    const b = o * DA.FIELDS;
    const r = o * DR.FIELDS;
    const valid = d[b + DA.VALID];
    const nonOp = d[b + DA.NON_OPERATING];
    const invalid = perDay - valid - nonOp;
    let status: number = S.VALID;
    let cause = -1;
    if (nonOp >= perDay) status = S.STOPPED;
    else {
      let ok = valid > 0;
      if (kind === DayRuleKind.MIN_PERIODS) ok = valid >= eng[Eng.DAY_RULE_N];
      else if (kind === DayRuleKind.MAX_INVALID) ok = ok && invalid <= eng[Eng.DAY_RULE_N];
      if (!ok) {
        status = S.INSUFFICIENT_DATA;
        cause = dominantCause(e.dSt, o * S.COUNT, perDay - d[b + DA.PERIODS]);
      }
    }
    rows[r + DR.MEAN] = valid > 0 ? d[b + DA.SUM] / valid : NaN;
    rows[r + DR.REPORTED] = valid > 0 ? d[b + DA.SUM_REPORTED] / valid : NaN;
    rows[r + DR.STATUS] = status;
    rows[r + DR.CAUSE] = cause;
    rows[r + DR.N_VALID] = valid;
    rows[r + DR.N_INVALID] = status === S.STOPPED ? 0 : invalid;
    rows[r + DR.N_NON_OPERATING] = nonOp;
    rows[r + DR.N_SUBSTITUTED] = d[b + DA.SUBSTITUTED];
    rows[r + DR.N_OUT_OF_CAL] = d[b + DA.OUT_OF_CAL];
    rows[r + DR.MIN] = valid > 0 ? d[b + DA.MIN] : NaN;
    rows[r + DR.MAX] = valid > 0 ? d[b + DA.MAX] : NaN;
    rows[r + DR.TOTAL] = d[b + DA.TOTAL];
    resetDayAcc(e, o);
  }
  e.out.days.push({ startMs: e.g[G.DAY_START], rows: rows });
}
