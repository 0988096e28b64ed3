// EN 14181:2014 6.5 valid calibration range surveillance: valid normalized short-term averages above the range are
// counted per UTC week (Monday 00:00). A new QAL2 is due when more than 40 % of one week's averages are outside, or
// when more than 5 % of all averages since the calibration have been outside for more than 5 consecutive weeks.
import { floorTo } from './numbers';
import { DAY_MS } from './time';

const WEEK_MS = 7 * DAY_MS;
/** The Unix epoch is a Thursday: shifting by 3 days aligns weeks to Monday. */
const MONDAY_SHIFT_MS = 3 * DAY_MS;

export interface CalRangeState {
  /** Calibration id the counts belong to: a new QAL2 restarts them. */
  calId: string;
  weekStartMs: number;
  weekTotal: number;
  weekOutside: number;
  total: number;
  outside: number;
  /** Consecutive closed weeks with the cumulative share above 5 %. */
  weeksOver5: number;
}

export function newCalRangeState(calId: string): CalRangeState {
  return { calId: calId, weekStartMs: -1, weekTotal: 0, weekOutside: 0, total: 0, outside: 0, weeksOver5: 0 };
}

export function weekStart(t: number): number {
  return floorTo(t + MONDAY_SHIFT_MS, WEEK_MS) - MONDAY_SHIFT_MS;
}

/** Closes the current week; returns the trigger that fired ('' for none). */
function closeWeek(s: CalRangeState): string {
  let trigger = '';
  if (s.weekTotal > 0 && s.weekOutside * 100 > 40 * s.weekTotal) trigger = 'WEEK_OVER_40_PCT';
  if (s.total > 0 && s.outside * 100 > 5 * s.total) s.weeksOver5++;
  else s.weeksOver5 = 0;
  if (!trigger && s.weeksOver5 > 5) trigger = 'OVER_5_PCT_FOR_5_WEEKS';
  s.weekTotal = 0;
  s.weekOutside = 0;
  return trigger;
}

/**
 * Counts one valid period average starting at t. Returns the QAL2 trigger of any week that closed before it
 * ('' for none).
 */
export function calRangeAdd(s: CalRangeState, t: number, outside: boolean): string {
  const w = weekStart(t);
  let trigger = '';
  if (s.weekStartMs < 0) s.weekStartMs = w;
  else if (w > s.weekStartMs) {
    trigger = closeWeek(s);
    s.weekStartMs = w;
  }
  s.weekTotal++;
  s.total++;
  if (outside) {
    s.weekOutside++;
    s.outside++;
  }
  return trigger;
}
