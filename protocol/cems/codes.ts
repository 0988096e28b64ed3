// Normalized status and reason codes as numbers (const enums: inlined by the bundler, no memory on the device), and
// the small pure functions over them that the minute path and the period close share. The status order is the one
// of STATUS_LIST (protocol/sample.ts), which records carry on the wire.

export const enum S {
  VALID = 0,
  CALIBRATION = 1,
  MAINTENANCE = 2,
  FAULT = 3,
  WARMING_UP = 4,
  OVERRANGE = 5,
  OUT_OF_CAL_RANGE = 6,
  COMMS_LOSS = 7,
  STOPPED = 8,
  MANUAL = 9,
  SUBSTITUTED = 10,
  INSUFFICIENT_DATA = 11,
  STARTUP_SHUTDOWN = 12,
  COUNT = 13,
}

/** Why a value is flagged: a bitmask carried next to the status of every minute, period and day value. */
export const enum R {
  /** NaN or Infinity reported as a measurement. */
  NOT_FINITE = 1,
  /** Below the channel's minimum (negative concentration, ...). */
  BELOW_MIN = 2,
  /** Above the analyzer's measuring range. */
  ABOVE_RANGE = 4,
  /** Physically impossible (O2 or H2O above 100 %, ...). */
  PHYSICAL = 8,
  /** No sample at all for the channel in the minute. */
  NO_SAMPLES = 16,
  /** Dry O2 at or above the O2 constant (21 / 20.9): no reference correction possible. */
  O2_RANGE = 32,
  /** Dry O2 at or above the configured guard. */
  O2_GUARD = 64,
  /** Moisture at or above 100 %. */
  MOISTURE_RANGE = 128,
  /** Computed from an input that is not valid. */
  INPUT_INVALID = 256,
  /** Part 75 diluent cap applied (MODC 14). */
  DILUENT_CAP = 512,
  /** Part 75 negative hourly value reported as zero (MODC 21). */
  NEGATIVE_TO_ZERO = 1024,
  /** Above the EN 14181 valid calibration range. */
  OUT_OF_CAL_RANGE = 2048,
  /** Calibration or maintenance samples in the interval. */
  QA_ACTIVITY = 4096,
  /** Fewer valid samples than the minute rule asks. */
  FEW_SAMPLES = 8192,
}

/** Part 75 MODCs (§75.57 Table 4a) as numbers; records write them as two digits ("06"). */
export const enum Modc {
  NONE = 0,
  PRIMARY = 1,
  BEFORE_AFTER = 6,
  INITIAL = 7,
  P90 = 8,
  P95 = 9,
  MAX_LOOKBACK = 10,
  MAX_POTENTIAL = 12,
  DILUENT_CAP = 14,
  NEGATIVE_TO_ZERO = 21,
}

/**
 * Which of two non-usable statuses explains an invalid value better (lower rank wins): a fault or lost communication
 * outranks a planned calibration, which outranks plant states. Indexed by status code.
 */
const RANK = '\x0c\x02\x03\x00\x04\x05\x0b\x01\x06\x08\x0a\x09\x07';

export function rank(s: number): number {
  return RANK.charCodeAt(s);
}

/** A value with this status enters averages (an out-of-calibration-range value is a measurement, counted apart). */
export function isUsable(s: number): boolean {
  return s === S.VALID || s === S.OUT_OF_CAL_RANGE;
}

/** Status of a value computed from two inputs: usable only when both are; otherwise the better explanation. */
export function combineStatus(a: number, b: number): number {
  const ua = a === S.VALID || a === S.OUT_OF_CAL_RANGE;
  const ub = b === S.VALID || b === S.OUT_OF_CAL_RANGE;
  if (ua && ub) return S.VALID;
  if (ua) return b;
  if (ub) return a;
  return RANK.charCodeAt(a) <= RANK.charCodeAt(b) ? a : b;
}

/**
 * Most frequent non-usable status among counts[at .. at + S.COUNT) (ties broken by rank); COMMS_LOSS when there are
 * none. `missing` counts as COMMS_LOSS.
 */
export function dominantCause(counts: Uint16Array, at: number, missing: number): number {
  let best = S.COMMS_LOSS as number;
  let bestN = missing;
  for (let i = 0; i < S.COUNT; i++) {
    if (i === S.VALID || i === S.OUT_OF_CAL_RANGE) continue;
    const n = counts[at + i];
    if (n > bestN || (n === bestN && n > 0 && RANK.charCodeAt(i) < RANK.charCodeAt(best))) {
      best = i;
      bestN = n;
    }
  }
  return best;
}

/** OR of analyzer status words; -1 means no analyzer status register contributed. */
export function orBits(acc: number, bits: number): number {
  if (bits < 0) return acc;
  return acc < 0 ? bits : acc | bits;
}
