// Why a value is flagged: a bitmask carried next to the status of every minute, period and day value.

export const R_NOT_FINITE = 1; // NaN or Infinity reported as a measurement
export const R_BELOW_MIN = 2; // below the channel's minimum (negative concentration, ...)
export const R_ABOVE_RANGE = 4; // above the analyzer's measuring range
export const R_PHYSICAL = 8; // physically impossible (O2 or H2O above 100 %, ...)
export const R_NO_SAMPLES = 16; // no sample at all for the channel in the minute
export const R_O2_RANGE = 32; // dry O2 at or above the O2 constant (21 / 20.9): no reference correction possible
export const R_O2_GUARD = 64; // dry O2 at or above the configured guard
export const R_MOISTURE_RANGE = 128; // moisture at or above 100 %
export const R_INPUT_INVALID = 256; // computed from an input that is not valid
export const R_DILUENT_CAP = 512; // Part 75 diluent cap applied (MODC 14)
export const R_NEGATIVE_TO_ZERO = 1024; // Part 75 negative hourly value reported as zero (MODC 21)
export const R_OUT_OF_CAL_RANGE = 2048; // above the EN 14181 valid calibration range
export const R_QA_ACTIVITY = 4096; // calibration or maintenance samples in the interval
export const R_FEW_SAMPLES = 8192; // fewer valid samples than the minute rule asks

const NAMES = [
  'NOT_FINITE',
  'BELOW_MIN',
  'ABOVE_RANGE',
  'PHYSICAL',
  'NO_SAMPLES',
  'O2_RANGE',
  'O2_GUARD',
  'MOISTURE_RANGE',
  'INPUT_INVALID',
  'DILUENT_CAP',
  'NEGATIVE_TO_ZERO',
  'OUT_OF_CAL_RANGE',
  'QA_ACTIVITY',
  'FEW_SAMPLES',
];

export function reasonNames(mask: number): string[] {
  const out: string[] = [];
  let bit = 1;
  for (let i = 0; i < NAMES.length; i++) {
    if (mask & bit) out.push(NAMES[i]);
    bit = bit * 2;
  }
  return out;
}
