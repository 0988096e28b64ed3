// UTC period arithmetic on integer milliseconds. No Date: Espruino lacks Date.UTC and setUTC*, and civil dates are
// only needed for the calendar year (MRR reporting period).
import { floorTo } from './numbers';

export const MINUTE_MS = 60000;
export const DAY_MS = 86400000;

export function isTimestamp(t: unknown): t is number {
  return typeof t === 'number' && isFinite(t) && Math.floor(t) === t && t >= 0 && t < 253402300800000;
}

/** Start of the UTC period of length stepMs containing t (periods are aligned to the Unix epoch, i.e. UTC). */
export function periodStart(t: number, stepMs: number): number {
  return floorTo(t, stepMs);
}

/** Gregorian UTC year of t (H. Hinnant's civil_from_days, integer arithmetic only). */
export function utcYear(t: number): number {
  const z = Math.floor(t / DAY_MS) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}
