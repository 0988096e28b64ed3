// Normalized status handling and the native code sets (cems.md §5): HJ 212 data flags and Part 75 MODCs.
// Status counts are kept as fixed arrays indexed by STATUS_LIST so averaging state stays plain, persistable data.
import { lookup } from '../own';
import { STATUS_LIST } from '../sample';

export { STATUS_LIST };

export const N_STATUS = STATUS_LIST.length;

export const S_VALID = 0;
export const S_CALIBRATION = 1;
export const S_MAINTENANCE = 2;
export const S_FAULT = 3;
export const S_OVERRANGE = 5;
export const S_OUT_OF_CAL_RANGE = 6;
export const S_COMMS_LOSS = 7;
export const S_STOPPED = 8;
export const S_SUBSTITUTED = 10;
export const S_INSUFFICIENT_DATA = 11;
export const S_STARTUP_SHUTDOWN = 12;

const INDEX: { [s: string]: number } = (function (): { [s: string]: number } {
  const d: { [s: string]: number } = {};
  for (let i = 0; i < STATUS_LIST.length; i++) d[STATUS_LIST[i]] = i;
  return d;
})();

/** Index of a status, or -1 for anything that is not a Status. */
export function statusIndex(s: string): number {
  const i = lookup(INDEX, s);
  return i !== undefined ? i : -1;
}

/**
 * Which of two non-usable statuses explains an invalid derived value better (lower rank wins): a fault or lost
 * communication outranks a planned calibration, which outranks plant states.
 */
const RANK: number[] = (function (): number[] {
  const order = [
    S_FAULT,
    S_COMMS_LOSS,
    S_CALIBRATION,
    S_MAINTENANCE,
    4, // WARMING_UP
    S_OVERRANGE,
    S_STOPPED,
    S_STARTUP_SHUTDOWN,
    9, // MANUAL
    S_INSUFFICIENT_DATA,
    S_SUBSTITUTED,
    S_OUT_OF_CAL_RANGE,
    S_VALID,
  ];
  const r: number[] = [];
  for (let i = 0; i < order.length; i++) r[order[i]] = i;
  return r;
})();

/** A value with this status enters averages (an out-of-calibration-range value is a measurement, counted apart). */
export function isUsable(s: number): boolean {
  return s === S_VALID || s === S_OUT_OF_CAL_RANGE;
}

/** The unit is not operating: excluded from validity rules instead of counted invalid. */
export function isNonOperating(s: number): boolean {
  return s === S_STOPPED || s === S_STARTUP_SHUTDOWN;
}

/** Calibration or maintenance: triggers the Part 75 two-point alternative (§75.10(d)(1)). */
export function isQaActivity(s: number): boolean {
  return s === S_CALIBRATION || s === S_MAINTENANCE;
}

/** Status of a value computed from two inputs: usable only when both are; otherwise the better explanation. */
export function combineStatus(a: number, b: number): number {
  if (isUsable(a) && isUsable(b)) return S_VALID;
  if (isUsable(a)) return b;
  if (isUsable(b)) return a;
  return RANK[a] <= RANK[b] ? a : b;
}

/** Most frequent non-usable status in a count array (ties broken by RANK); COMMS_LOSS when there are none. */
export function dominantCause(counts: ArrayLike<number>, missing: number): number {
  let best = S_COMMS_LOSS;
  let bestN = missing;
  for (let i = 0; i < N_STATUS; i++) {
    if (isUsable(i)) continue;
    const n = counts[i];
    if (n > bestN || (n === bestN && n > 0 && RANK[i] < RANK[best])) {
      best = i;
      bestN = n;
    }
  }
  return best;
}

/** HJ 212-2017 data flag (Table 8) for a normalized status. */
const HJ_FLAG: string[] = ['N', 'C', 'M', 'D', 'D', 'T', 'N', 'B', 'F', 'S', 'S', 'D', 'F'];

/** HJ 212 flag of a value; an invalid average reports the flag of its dominant cause. */
export function hjFlag(status: number, cause: number): string {
  if (status === S_INSUFFICIENT_DATA && cause >= 0) return HJ_FLAG[cause];
  return HJ_FLAG[status];
}

/** Part 75 MODCs used by the engine (§75.57 Table 4a). */
export const MODC_PRIMARY = '01';
export const MODC_BEFORE_AFTER = '06';
export const MODC_INITIAL = '07';
export const MODC_P90 = '08';
export const MODC_P95 = '09';
export const MODC_MAX_LOOKBACK = '10';
export const MODC_MAX_POTENTIAL = '12';
export const MODC_DILUENT_CAP = '14';
export const MODC_NEGATIVE_TO_ZERO = '21';

/** Native codes carried next to every value (cems.md §5). */
export interface NativeCodes {
  /** HJ 212 flag (N F M S D C T B). */
  hj: string;
  /** Part 75 MODC, '' when none applies (not a Part 75 value, or an invalid hour awaiting substitution). */
  modc: string;
  /** Analyzer status bits OR-ed over the contributing samples (-1 when the analyzer has no status register). */
  bits: number;
}
