// US Part 75 §75.31/§75.33 standard missing-data substitution for concentrations: tiers by percent monitor data
// availability (PMA, §75.32) and gap length, resolved when the gap ends (the hour after the gap is part of the
// formula). State is plain data (numbers and typed arrays); the period close (close.ts) keeps one per substituted
// output. (EU MRR Annex VIII Eq. 4 is a running mean and deviation, kept in the engine's MRR rows.)
import { Modc } from './codes';

/** §75.33 lookback of quality-assured hours for percentiles and maxima. */
export const P75_LOOKBACK_H = 720;
/** §75.32: PMA-based procedures start after 720 quality-assured operating hours (SO2, CO2, O2, moisture). */
export const P75_INITIAL_QA_H = 720;
/** §75.32 Eq. 9: PMA over the last 8,760 operating hours once that many exist (Eq. 8 before). */
export const P75_PMA_WINDOW_H = 8760;

export interface P75GapHour {
  startMs: number;
  /** Dry normal flow mean of the hour (NaN when the flow hour was invalid), for the substitute mass rate. */
  flow: number;
}

export interface P75State {
  /** Ring of the last P75_LOOKBACK_H valid hourly values (float32: 2.9 KB per substituted output). */
  look: Float32Array;
  lookHead: number;
  lookN: number;
  /** Quality-assured operating hours since start (the initial 720-h threshold). */
  qaHours: number;
  /** Operating hours and hours with valid data since start (PMA Eq. 8). */
  opHours: number;
  availHours: number;
  /** Availability of the last P75_PMA_WINDOW_H operating hours, one bit each (PMA Eq. 9). */
  ring: Uint8Array;
  ringHead: number;
  ringAvail: number;
  /** Last valid hourly value before the current gap (NaN: none). */
  before: number;
  gap: P75GapHour[];
}

export function newP75State(): P75State {
  return {
    look: new Float32Array(P75_LOOKBACK_H),
    lookHead: 0,
    lookN: 0,
    qaHours: 0,
    opHours: 0,
    availHours: 0,
    ring: new Uint8Array(P75_PMA_WINDOW_H / 8),
    ringHead: 0,
    ringAvail: 0,
    before: NaN,
    gap: [],
  };
}

function ringPush(s: P75State, avail: number): void {
  const byte = s.ringHead >> 3;
  const bit = 1 << (s.ringHead & 7);
  if (s.opHours >= P75_PMA_WINDOW_H && (s.ring[byte] & bit) !== 0) s.ringAvail--;
  s.ring[byte] = avail ? s.ring[byte] | bit : s.ring[byte] & ~bit;
  s.ringAvail += avail;
  s.ringHead = s.ringHead + 1 === P75_PMA_WINDOW_H ? 0 : s.ringHead + 1;
  s.opHours++;
  s.availHours += avail;
}

/** PMA as (available, operating) hours: Eq. 8 before 8,760 operating hours, Eq. 9 (rolling 8,760 h) after. */
export function p75Availability(s: P75State): { avail: number; op: number } {
  if (s.opHours >= P75_PMA_WINDOW_H) return { avail: s.ringAvail, op: P75_PMA_WINDOW_H };
  return { avail: s.availHours, op: s.opHours };
}

/** Nearest-rank percentile (k = ceil(p/100 * n)) of the lookback values; p an integer percent. */
function lookbackPercentile(s: P75State, pct: number): number {
  const sorted = new Float32Array(s.lookN);
  for (let i = 0; i < s.lookN; i++) sorted[i] = s.look[i];
  sorted.sort(function (a: number, b: number): number {
    return a - b;
  });
  let k = Math.floor((pct * s.lookN + 99) / 100);
  if (k < 1) k = 1;
  return sorted[k - 1];
}

function lookbackExtreme(s: P75State, lowest: boolean): number {
  let x = s.look[0];
  for (let i = 1; i < s.lookN; i++) {
    const v = s.look[i];
    if (lowest ? v < x : v > x) x = v;
  }
  return x;
}

export interface P75Fill {
  v: number;
  modc: number;
  /** PMA in % at the time of the fill (NaN during the initial period). */
  pma: number;
  gapHours: number;
}

/** The value §75.31/§75.33 gives every hour of a gap that ends with the valid hour `after`. */
export function p75FillValue(s: P75State, after: number, mpc: number, inverse: boolean): P75Fill {
  const gapHours = s.gap.length;
  const ba = isNaN(s.before) ? after : (s.before + after) / 2;
  if (s.qaHours < P75_INITIAL_QA_H || s.lookN === 0) return { v: ba, modc: Modc.INITIAL, pma: NaN, gapHours: gapHours };
  const a = p75Availability(s);
  const pma = (a.avail * 100) / a.op;
  const fill = function (v: number, modc: number): P75Fill {
    return { v: v, modc: modc, pma: pma, gapHours: gapHours };
  };
  // The greater (for O2: the lesser) of a percentile and the before/after mean.
  const worseOf = function (candidate: number, code: number): P75Fill {
    const worse = inverse ? candidate < ba : candidate > ba;
    return worse ? fill(candidate, code) : fill(ba, Modc.BEFORE_AFTER);
  };
  if (a.avail * 100 >= 95 * a.op) {
    return gapHours <= 24 ? fill(ba, Modc.BEFORE_AFTER) : worseOf(lookbackPercentile(s, inverse ? 10 : 90), Modc.P90);
  }
  if (a.avail * 100 >= 90 * a.op) {
    return gapHours <= 8 ? fill(ba, Modc.BEFORE_AFTER) : worseOf(lookbackPercentile(s, inverse ? 5 : 95), Modc.P95);
  }
  if (a.avail * 100 >= 80 * a.op) return fill(lookbackExtreme(s, inverse), Modc.MAX_LOOKBACK);
  return fill(mpc, Modc.MAX_POTENTIAL);
}

/** An invalid operating hour: joins the open gap and counts as unavailable. */
export function p75Missing(s: P75State, startMs: number, flow: number): void {
  ringPush(s, 0);
  s.gap.push({ startMs: startMs, flow: flow });
}

/**
 * A valid hour. Returns the fill for the gap it closes (null when there was none); the caller emits one substitute
 * per s.gap entry before calling p75Closed.
 */
export function p75Valid(s: P75State, v: number, mpc: number, inverse: boolean): P75Fill | null {
  const fill = s.gap.length ? p75FillValue(s, v, mpc, inverse) : null;
  ringPush(s, 1);
  s.qaHours++;
  s.look[s.lookHead] = v + 0; // + 0 turns -0 into +0 so equal values sort and compare identically
  s.lookHead = s.lookHead + 1 === P75_LOOKBACK_H ? 0 : s.lookHead + 1;
  if (s.lookN < P75_LOOKBACK_H) s.lookN++;
  s.before = v;
  return fill;
}

/** Forgets the gap after its substitutes were emitted. */
export function p75Closed(s: P75State): void {
  s.gap = [];
}
