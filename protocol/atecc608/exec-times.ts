// Command execution times of the ATECC608 in ms at clock divider M0 / M1 / M2 (ChipMode; cryptoauthlib
// lib/calib/calib_execution.c, device_execution_time_608_m0/m1/m2). The driver waits the typical time of the
// configured divider before its first poll, then polls until the command's maximum: the slower of twice the typical
// time and the M2 time, since no guaranteed maximum is published for the 608 (cryptoauthlib itself polls for up to
// 2.5 s).
import {
  OP_ECDH,
  OP_GENKEY,
  OP_INFO,
  OP_LOCK,
  OP_NONCE,
  OP_RANDOM,
  OP_READ,
  OP_SELFTEST,
  OP_SHA,
  OP_SIGN,
  OP_VERIFY,
  OP_WRITE,
} from './constants';
import { hex2 } from './status';

export type ClockDivider = 0 | 1 | 2;

interface ExecTime {
  opcode: number;
  /** ms at M0, M1, M2 */
  ms: number[];
  name: string;
}

function t(opcode: number, m0: number, m1: number, m2: number, name: string): ExecTime {
  return { opcode: opcode, ms: [m0, m1, m2], name: name };
}

const EXEC_TIMES: ExecTime[] = [
  t(OP_INFO, 5, 5, 5, 'Info'),
  t(OP_READ, 5, 5, 5, 'Read'),
  t(OP_RANDOM, 23, 23, 23, 'Random'),
  t(OP_NONCE, 20, 20, 20, 'Nonce'),
  t(OP_SHA, 36, 42, 75, 'SHA'),
  t(OP_GENKEY, 115, 215, 653, 'GenKey'),
  t(OP_SIGN, 115, 220, 665, 'Sign'),
  t(OP_VERIFY, 105, 295, 1085, 'Verify'),
  t(OP_ECDH, 75, 172, 531, 'ECDH'),
  t(OP_WRITE, 45, 45, 45, 'Write'),
  t(OP_LOCK, 35, 35, 35, 'Lock'),
  t(OP_SELFTEST, 250, 625, 2324, 'SelfTest'),
];

/** Commands the table does not know get this much time (the longest 608 command, SelfTest at M2). */
const UNKNOWN_MAX_MS = 2324;

function row(opcode: number): ExecTime | null {
  for (let i = 0; i < EXEC_TIMES.length; i++) if (EXEC_TIMES[i].opcode === opcode) return EXEC_TIMES[i];
  return null;
}

/** Typical execution time: the first poll happens after this long. */
export function typicalExecMs(opcode: number, divider: ClockDivider): number {
  const r = row(opcode);
  return r ? r.ms[divider] : 1;
}

/** Upper bound on polling before the driver reports ATECC_TIMEOUT. */
export function maxExecMs(opcode: number, divider: ClockDivider): number {
  const r = row(opcode);
  if (!r) return UNKNOWN_MAX_MS;
  const twice = 2 * r.ms[divider];
  return twice > r.ms[2] ? twice : r.ms[2];
}

/** Human name of an opcode, for error messages. */
export function opcodeName(opcode: number): string {
  const r = row(opcode);
  return r ? r.name : 'opcode 0x' + hex2(opcode);
}
