// EN 14181:2014 6.5 valid calibration range surveillance: valid normalized short-term averages above the range are
// counted per UTC week (Monday 00:00). A new QAL2 is due when more than 40 % of one week's averages are outside, or
// when more than 5 % of all averages since the calibration have been outside for more than 5 consecutive weeks.
// State: one row of CAL.* per output in a Float64Array (engine.ts).
import { CAL } from './engine';
import { floorTo } from './numbers';
import { DAY_MS } from './time';

const WEEK_MS = 7 * DAY_MS;
/** The Unix epoch is a Thursday: shifting by 3 days aligns weeks to Monday. */
const MONDAY_SHIFT_MS = 3 * DAY_MS;

export function weekStart(t: number): number {
  return floorTo(t + MONDAY_SHIFT_MS, WEEK_MS) - MONDAY_SHIFT_MS;
}

/** Closes the current week of the row at `b`; returns the trigger that fired ('' for none). */
function closeWeek(s: Float64Array, b: number): string {
  let trigger = '';
  const weekTotal = s[b + CAL.WEEK_TOTAL];
  if (weekTotal > 0 && s[b + CAL.WEEK_OUTSIDE] * 100 > 40 * weekTotal) trigger = 'WEEK_OVER_40_PCT';
  const total = s[b + CAL.TOTAL];
  if (total > 0 && s[b + CAL.OUTSIDE] * 100 > 5 * total) s[b + CAL.WEEKS_OVER_5]++;
  else s[b + CAL.WEEKS_OVER_5] = 0;
  if (!trigger && s[b + CAL.WEEKS_OVER_5] > 5) trigger = 'OVER_5_PCT_FOR_5_WEEKS';
  s[b + CAL.WEEK_TOTAL] = 0;
  s[b + CAL.WEEK_OUTSIDE] = 0;
  return trigger;
}

/**
 * Counts one valid period average starting at t into the row at `b`. Returns the QAL2 trigger of any week that
 * closed before it ('' for none).
 */
export function calRangeAdd(s: Float64Array, b: number, t: number, outside: boolean): string {
  const w = weekStart(t);
  let trigger = '';
  if (s[b + CAL.WEEK_START] < 0) s[b + CAL.WEEK_START] = w;
  else if (w > s[b + CAL.WEEK_START]) {
    trigger = closeWeek(s, b);
    s[b + CAL.WEEK_START] = w;
  }
  s[b + CAL.WEEK_TOTAL]++;
  s[b + CAL.TOTAL]++;
  if (outside) {
    s[b + CAL.WEEK_OUTSIDE]++;
    s[b + CAL.OUTSIDE]++;
  }
  return trigger;
}
