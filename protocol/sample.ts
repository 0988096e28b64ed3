// The hand-over between acquisition (protocol/modbus) and the emissions engine (protocol/cems).

/**
 * Normalized status of a value. The native code (analyzer bits, HJ 212 flag, Part 75 MODC) always travels next to it.
 * VALID          measured, instrument normal
 * CALIBRATION    zero/span check or calibration in progress (HJ 212 C)
 * MAINTENANCE    maintenance mode / function check (HJ 212 M)
 * FAULT          instrument failure (HJ 212 D)
 * WARMING_UP     instrument not yet ready after power-up
 * OVERRANGE      above the measuring range (HJ 212 T, MODC 20)
 * OUT_OF_CAL_RANGE outside the EN 14181 valid calibration range (still a measurement, counted and reported)
 * COMMS_LOSS     no answer / corrupt answer from the analyzer (HJ 212 B)
 * STOPPED        instrument or unit stopped (HJ 212 F)
 * MANUAL         manually entered value (HJ 212 S)
 * SUBSTITUTED    filled by a substitution method (method and native code are carried with it)
 * INSUFFICIENT_DATA an average that fails its validity rule
 * STARTUP_SHUTDOWN plant start-up or shut-down period
 */
export type Status =
  | 'VALID'
  | 'CALIBRATION'
  | 'MAINTENANCE'
  | 'FAULT'
  | 'WARMING_UP'
  | 'OVERRANGE'
  | 'OUT_OF_CAL_RANGE'
  | 'COMMS_LOSS'
  | 'STOPPED'
  | 'MANUAL'
  | 'SUBSTITUTED'
  | 'INSUFFICIENT_DATA'
  | 'STARTUP_SHUTDOWN';

/**
 * Every Status, in a fixed order. The order is part of the record format (records carry the index), so new statuses
 * are only ever appended.
 */
export const STATUS_LIST: Status[] = [
  'VALID',
  'CALIBRATION',
  'MAINTENANCE',
  'FAULT',
  'WARMING_UP',
  'OVERRANGE',
  'OUT_OF_CAL_RANGE',
  'COMMS_LOSS',
  'STOPPED',
  'MANUAL',
  'SUBSTITUTED',
  'INSUFFICIENT_DATA',
  'STARTUP_SHUTDOWN',
];

/** One acquired reading of one channel. A reading that could not be obtained is still a Sample, with valid=false. */
export interface Sample {
  /** Channel id from the configuration (e.g. "so2", "o2", "flow_v"). */
  channel: string;
  /** Acquisition time, integer ms since the Unix epoch (UTC). */
  tMs: number;
  /** Engineering value after register decoding and scale/offset; NaN when no value was obtained. */
  value: number;
  /** True only when a value was obtained and the analyzer reports a status that makes it a measurement. */
  valid: boolean;
  status: Status;
  /** Analyzer-native status bits as read (or -1 when the profile has no status register). */
  native: number;
  /** Where it came from, for the audit trail, e.g. "rtu:bus1:3:GM32". */
  source: string;
}
