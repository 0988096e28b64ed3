// Averaging state and validity rules: sample -> 1-minute -> period (30/60 min) -> day. Every accumulator is a plain
// object of numbers and number arrays (no classes, no closures) so the whole state can be persisted and restored.
import type { DayRule, PeriodRule, Profile } from './profiles';
import {
  dominantCause,
  isNonOperating,
  isQaActivity,
  isUsable,
  N_STATUS,
  S_INSUFFICIENT_DATA,
  S_STOPPED,
  S_VALID,
} from './status';
import { R_QA_ACTIVITY } from './reasons';


// ---- samples -> minute (one accumulator per sampled channel) ----

export interface MinuteAcc {
  /** Samples received (valid or not). */
  seen: number;
  /** Valid samples and their sum, min, max (channel unit, after scale and calibration). */
  n: number;
  sum: number;
  /** Sum of the same samples before the calibration function (analyzer units after scaling). */
  rawSum: number;
  min: number;
  max: number;
  /** Samples per normalized status (index: STATUS_LIST). */
  st: Uint16Array;
  /** OR of the analyzer status words (-1: none). */
  bits: number;
  reasons: number;
}

export function resetMinuteAcc(a: MinuteAcc): void {
  a.seen = 0;
  a.n = 0;
  a.sum = 0;
  a.rawSum = 0;
  a.min = Infinity;
  a.max = -Infinity;
  for (let i = 0; i < N_STATUS; i++) a.st[i] = 0;
  a.bits = -1;
  a.reasons = 0;
}

/** An empty accumulator (its values are set by resetMinuteAcc alone). */
export function newMinuteAcc(): MinuteAcc {
  const a: MinuteAcc = { seen: 0, n: 0, sum: 0, rawSum: 0, min: 0, max: 0, st: new Uint16Array(N_STATUS), bits: 0, reasons: 0 };
  resetMinuteAcc(a);
  return a;
}

/** OR of analyzer status words; -1 means no analyzer status register contributed. */
export function orBits(acc: number, bits: number): number {
  if (bits < 0) return acc;
  return acc < 0 ? bits : acc | bits;
}

/** Status of a closed minute: VALID with enough valid samples, else the dominant cause (missing samples: COMMS_LOSS). */
export function minuteStatus(a: MinuteAcc, minSamples: number, expected: number): number {
  if (a.n >= minSamples) return S_VALID;
  const missing = expected > a.seen ? expected - a.seen : 0;
  return dominantCause(a.st, a.n > 0 ? 0 : missing);
}

// ---- minute -> period (one accumulator per output) ----

export interface PeriodAcc {
  /** Minutes with a value (any status). */
  minutes: number;
  /** Usable minutes and the valid samples behind them. */
  valid: number;
  samples: number;
  /** Weighted sum and weight of usable minute values (weight 1 or the minute's valid samples). */
  sum: number;
  weight: number;
  /** Weighted sum of the minutes' uncalibrated values (measured outputs only; NaN contributions are skipped). */
  rawSum: number;
  min: number;
  max: number;
  /** Minutes per normalized status. */
  st: Uint16Array;
  /** Per 15-minute quadrant: usable minutes, and minutes observed in a non-operating state. */
  quadValid: Uint8Array;
  quadStopped: Uint8Array;
  /** Minute offsets of the first and last usable minute (-1: none). */
  firstValid: number;
  lastValid: number;
  /** Minutes with calibration or maintenance activity. */
  qa: number;
  bits: number;
  reasons: number;
}

export function resetPeriodAcc(a: PeriodAcc): void {
  a.minutes = 0;
  a.valid = 0;
  a.samples = 0;
  a.sum = 0;
  a.weight = 0;
  a.rawSum = 0;
  a.min = Infinity;
  a.max = -Infinity;
  for (let i = 0; i < N_STATUS; i++) a.st[i] = 0;
  for (let q = 0; q < 4; q++) {
    a.quadValid[q] = 0;
    a.quadStopped[q] = 0;
  }
  a.firstValid = -1;
  a.lastValid = -1;
  a.qa = 0;
  a.bits = -1;
  a.reasons = 0;
}

/** An empty accumulator (its values are set by resetPeriodAcc alone). */
export function newPeriodAcc(): PeriodAcc {
  const a: PeriodAcc = {
    minutes: 0, valid: 0, samples: 0, sum: 0, weight: 0, rawSum: 0, min: 0, max: 0, st: new Uint16Array(N_STATUS),
    quadValid: new Uint8Array(4), quadStopped: new Uint8Array(4), firstValid: 0, lastValid: 0, qa: 0, bits: 0, reasons: 0,
  };
  resetPeriodAcc(a);
  return a;
}

/** Adds one minute value at `offset` minutes into the period. */
export function addMinute(
  a: PeriodAcc,
  offset: number,
  v: number,
  raw: number,
  status: number,
  samples: number,
  reasons: number,
  bits: number,
  bySamples: boolean,
): void {
  a.minutes++;
  a.st[status]++;
  a.reasons |= reasons;
  a.bits = orBits(a.bits, bits);
  if (isQaActivity(status) || (reasons & R_QA_ACTIVITY) !== 0) a.qa++;
  const q = Math.floor(offset / 15);
  if (isNonOperating(status) && q < 4) a.quadStopped[q]++;
  if (!isUsable(status) || isNaN(v)) return;
  a.valid++;
  a.samples += samples;
  const w = bySamples ? samples : 1;
  a.sum += v * w;
  a.weight += w;
  if (!isNaN(raw)) a.rawSum += raw * w;
  if (v < a.min) a.min = v;
  if (v > a.max) a.max = v;
  if (q < 4) a.quadValid[q]++;
  if (a.firstValid < 0) a.firstValid = offset;
  a.lastValid = offset;
}

export interface PeriodVerdict {
  /** VALID, STOPPED (unit not operating) or INSUFFICIENT_DATA. */
  status: number;
  /** Dominant cause of an invalid period (-1 otherwise). */
  cause: number;
  mean: number;
}

/** A quadrant counts as operating unless all 15 of its minutes were observed in a non-operating state. */
function quadrantOperating(a: PeriodAcc, q: number): boolean {
  return a.quadStopped[q] < 15;
}

function ruleMet(a: PeriodAcc, rule: PeriodRule, periodMinutes: number, samplesPerMinute: number): boolean {
  switch (rule.kind) {
    case 'MIN_MINUTES':
      return a.valid >= rule.n;
    case 'MINUTE_FRACTION':
      return a.valid * rule.den >= rule.num * periodMinutes;
    case 'SAMPLE_FRACTION':
      return a.samples * rule.den >= rule.num * periodMinutes * samplesPerMinute;
    case 'QUADRANT': {
      // §75.10(d)(1): in an hour with calibration/QA/maintenance, two valid points 15 min apart suffice.
      if (a.qa > 0 && a.valid >= 2 && a.lastValid - a.firstValid >= 15) return true;
      for (let q = 0; q < 4; q++) if (quadrantOperating(a, q) && a.quadValid[q] < 1) return false;
      return true;
    }
  }
  return false;
}

export function evaluatePeriod(a: PeriodAcc, p: Profile, samplesPerMinute: number): PeriodVerdict {
  const mean = a.weight > 0 ? a.sum / a.weight : NaN;
  let stopped = 0;
  for (let q = 0; q < 4; q++) stopped += a.quadStopped[q];
  if (stopped >= p.periodMinutes) return { status: S_STOPPED, cause: -1, mean: mean };
  if (a.valid > 0 && ruleMet(a, p.periodRule, p.periodMinutes, samplesPerMinute)) {
    return { status: S_VALID, cause: -1, mean: mean };
  }
  return { status: S_INSUFFICIENT_DATA, cause: dominantCause(a.st, p.periodMinutes - a.minutes), mean: mean };
}

// ---- period -> day (one accumulator per output) ----

export interface DayAcc {
  /** Periods closed in this day, and how many were valid / non-operating / substituted / out of calibration range. */
  periods: number;
  valid: number;
  nonOperating: number;
  substituted: number;
  outOfCal: number;
  /** Sums of valid period means and of their reported (validated / bias-adjusted) values. */
  sum: number;
  sumReported: number;
  min: number;
  max: number;
  /** Sum of period totals (mass or volume), including substituted periods. */
  total: number;
  /** Periods per normalized status (invalid periods counted under their cause). */
  st: Uint16Array;
}

export function resetDayAcc(a: DayAcc): void {
  a.periods = 0;
  a.valid = 0;
  a.nonOperating = 0;
  a.substituted = 0;
  a.outOfCal = 0;
  a.sum = 0;
  a.sumReported = 0;
  a.min = Infinity;
  a.max = -Infinity;
  a.total = 0;
  for (let i = 0; i < N_STATUS; i++) a.st[i] = 0;
}

/** An empty accumulator (its values are set by resetDayAcc alone). */
export function newDayAcc(): DayAcc {
  const a: DayAcc = { periods: 0, valid: 0, nonOperating: 0, substituted: 0, outOfCal: 0, sum: 0, sumReported: 0, min: 0, max: 0, total: 0, st: new Uint16Array(N_STATUS) };
  resetDayAcc(a);
  return a;
}

export function addPeriod(a: DayAcc, verdict: PeriodVerdict, reported: number, total: number, outOfCal: boolean): void {
  a.periods++;
  a.st[verdict.cause >= 0 ? verdict.cause : verdict.status]++;
  if (verdict.status === S_STOPPED) {
    a.nonOperating++;
    return;
  }
  if (verdict.status !== S_VALID) return;
  a.valid++;
  if (outOfCal) a.outOfCal++;
  a.sum += verdict.mean;
  a.sumReported += reported;
  if (verdict.mean < a.min) a.min = verdict.mean;
  if (verdict.mean > a.max) a.max = verdict.mean;
  if (!isNaN(total)) a.total += total;
}

/** A substitute value filled into an invalid period of the still-open day. */
export function addSubstitute(a: DayAcc, total: number): void {
  a.substituted++;
  if (!isNaN(total)) a.total += total;
}

export interface DayVerdict {
  status: number;
  cause: number;
  /** Periods the day should have had that were neither valid nor non-operating (incl. never observed). */
  invalid: number;
}

export function evaluateDay(a: DayAcc, rule: DayRule, periodsPerDay: number): DayVerdict {
  const invalid = periodsPerDay - a.valid - a.nonOperating;
  if (a.nonOperating >= periodsPerDay) return { status: S_STOPPED, cause: -1, invalid: 0 };
  let ok = a.valid > 0;
  if (rule.kind === 'MIN_PERIODS') ok = a.valid >= rule.n;
  else if (rule.kind === 'MAX_INVALID') ok = ok && invalid <= rule.n;
  if (ok) return { status: S_VALID, cause: -1, invalid: invalid };
  return { status: S_INSUFFICIENT_DATA, cause: dominantCause(a.st, periodsPerDay - a.periods), invalid: invalid };
}
