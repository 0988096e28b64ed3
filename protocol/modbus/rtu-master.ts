// RTU master transaction on one bus: one read request in flight, its response framed out of the byte stream by
// expected length + CRC, judged against the request, retried on failure. UART bytes arrive in arbitrary chunks
// (1..64 bytes on Espruino: IOEVENT_MAX_LEN, src/jsdevices.h) and the 3.5-character gap cannot be observed from JS
// (the ESP32 UART task polls every 5 ms, pollSerialDevices in targets/esp32/jshardwareUart.c), so frames are
// found by what they must look like: a candidate that fails its CRC is dropped one byte at a time, so a genuine frame
// hidden behind garbage or a false start is still found. Every attempt ends in exactly one counter: ok, exceptions,
// crcErrors, timeouts or invalid. State lives in typed arrays (fields M.*, C.*, H.*); the request frames are the plan's.
import { Bus, Group, Read } from '../plan/format';
import type { UartTx } from '../ports';
import { crcMatches } from './crc16';

/** Master and scheduler scalars (RtuBus.s). */
export const enum M {
  BUSY,
  /** Outcome of the last finished transaction (Outcome.*). */
  OUTCOME,
  /** Read in flight (absolute index), -1 none. */
  READ,
  /** Data bytes the normal response carries. */
  EXPECT,
  ATTEMPTS_LEFT,
  WAITING_RESEND,
  RESEND_AT,
  TX_END,
  LAST_RX,
  /** Framer: pending bytes buf[HEAD, TAIL). */
  HEAD,
  TAIL,
  /** A candidate failed its CRC since the last accepted frame or reset. */
  CRC_FAILED,
  DISCARDING,
  /** Exception code of the last exception response. */
  EXCEPTION,
  /** Poll group being read (absolute index), -1 none; position in its reads. */
  ACTIVE,
  READ_POS,
  BUS_FREE_AT,
  /** A read timed out in this round: the remaining reads of the device are skipped. */
  SKIP_REST,
  /** Poll groups that started later than one period after they were due. */
  OVERRUNS,
  FIELDS,
}

/** Bus counters (RtuBus.c). */
export const enum C {
  BYTES_IN,
  BYTES_FRAMED,
  BYTES_DISCARDED,
  FRAMES,
  CRC_REJECTS,
  RESYNCS,
  SENT,
  RETRIES,
  OK,
  EXCEPTIONS,
  CRC_ERRORS,
  TIMEOUTS,
  INVALID,
  /** Bytes that arrived while no request was pending (also counted in BYTES_DISCARDED). */
  UNSOLICITED,
  FIELDS,
}

/** Device health (RtuBus.h, one row per device of the bus). */
export const enum H {
  /** DeviceState. */
  STATE,
  /** Reads finished (after retries), and those that finally failed (timeout, CRC, invalid) or were skipped. */
  READS,
  FAILED_READS,
  SENT,
  OK,
  EXCEPTIONS,
  TIMEOUTS,
  CRC_ERRORS,
  INVALID,
  RETRIES,
  LAST_EXCEPTION,
  LAST_OUTCOME,
  LAST_OK_MS,
  LAST_FAIL_MS,
  CONSECUTIVE_FAILURES,
  FIELDS,
}

export const enum DeviceState {
  UNKNOWN = 0,
  OK = 1,
  DEGRADED = 2,
  OFFLINE = 3,
}

export const enum Outcome {
  NONE = 0,
  OK = 1,
  EXCEPTION = 2,
  CRC = 3,
  TIMEOUT = 4,
  INVALID = 5,
  SKIPPED = 7,
}

/** Plan tables of the Modbus runtime (shared by all buses). */
export interface RtuPlan {
  buses: Float64Array;
  devices: Float64Array;
  groups: Float64Array;
  reads: Float64Array;
  adus: Uint8Array;
  acq: Float64Array;
  rules: Float64Array;
}

/** One bus at run time. */
export interface RtuBus {
  p: RtuPlan;
  /** Bus index and the offset of its row in p.buses. */
  bus: number;
  row: number;
  tx: UartTx;
  s: Float64Array;
  c: Float64Array;
  /** Device health rows, indexed by (device - first device of the bus). */
  h: Float64Array;
  firstDevice: number;
  /** Next due time per poll group of the bus (-1: not yet scheduled). */
  due: Float64Array;
  /** Framer buffer (two maximal ADUs). */
  buf: Uint8Array;
  /** Response data of every read of the bus (Read.DATA_AT), and per read: outcome and exception. */
  data: Uint8Array;
  outcome: Uint8Array;
  exception: Uint8Array;
  /** Sample hand-over: acquired channel, time, value (NaN: none), status code, native status word (-1: none). */
  emit: (acq: number, tMs: number, value: number, status: number, native: number) => void;
}

const MAX_ADU = 256;
const CAPACITY = 2 * MAX_ADU;
const SLICE = 64;

function countDiscarded(r: RtuBus, n: number): void {
  r.c[C.BYTES_DISCARDED] += n;
  if (!r.s[M.DISCARDING]) {
    r.s[M.DISCARDING] = 1;
    r.c[C.RESYNCS]++;
  }
}

function discard(r: RtuBus, n: number): void {
  r.s[M.HEAD] += n;
  countDiscarded(r, n);
}

/** Drops everything pending (counted as discarded) and forgets CRC failures. */
function framerReset(r: RtuBus): void {
  const s = r.s;
  if (s[M.TAIL] > s[M.HEAD]) discard(r, s[M.TAIL] - s[M.HEAD]);
  s[M.HEAD] = 0;
  s[M.TAIL] = 0;
  s[M.DISCARDING] = 0;
  s[M.CRC_FAILED] = 0;
}

/** Appends received bytes; the oldest bytes make room when more than the buffer holds are pending. */
function framerPush(r: RtuBus, chunk: Uint8Array): void {
  const s = r.s;
  let n = chunk.length;
  let src = chunk;
  r.c[C.BYTES_IN] += n;
  if (n > CAPACITY) {
    framerReset(r);
    countDiscarded(r, n - CAPACITY);
    src = chunk.subarray(n - CAPACITY, n);
    n = CAPACITY;
  }
  if (s[M.TAIL] + n > CAPACITY) {
    const excess = s[M.TAIL] - s[M.HEAD] + n - CAPACITY;
    if (excess > 0) discard(r, excess);
    const b = r.buf;
    const head = s[M.HEAD];
    const pending = s[M.TAIL] - head;
    for (let i = 0; i < pending; i++) b[i] = b[head + i];
    s[M.HEAD] = 0;
    s[M.TAIL] = pending;
  }
  r.buf.set(src, s[M.TAIL]);
  s[M.TAIL] += n;
}

/**
 * Length of a frame starting at buf[start] from the `avail` bytes present: > 0 the full length, -1 need more bytes
 * to tell, 0 these bytes cannot start a frame. Only a frame from the addressed slave with the expected function
 * (or its exception) fits.
 */
function measure(r: RtuBus, start: number, avail: number): number {
  const req = r.s[M.READ] * Read.FIELDS;
  const slave = r.p.adus[r.p.reads[req + Read.ADU_AT]];
  const buf = r.buf;
  if (buf[start] !== slave) return 0;
  if (avail < 2) return -1;
  const fc = buf[start + 1];
  const want = r.p.reads[req + Read.FC];
  if (fc === (want | 0x80)) return 5;
  if (fc !== want) return 0;
  if (avail < 3) return -1;
  return buf[start + 2] === r.s[M.EXPECT] ? r.s[M.EXPECT] + 5 : 0;
}

/** Length of a valid frame at HEAD (consume it with take), or 0 when none is complete yet. */
function framerNext(r: RtuBus): number {
  const s = r.s;
  while (s[M.TAIL] > s[M.HEAD]) {
    const len = measure(r, s[M.HEAD], s[M.TAIL] - s[M.HEAD]);
    if (len < 0) return 0;
    if (len === 0 || len > MAX_ADU) {
      discard(r, 1);
      continue;
    }
    if (s[M.TAIL] - s[M.HEAD] < len) return 0;
    if (crcMatches(r.buf, s[M.HEAD], len)) {
      s[M.DISCARDING] = 0;
      s[M.CRC_FAILED] = 0;
      return len;
    }
    r.c[C.CRC_REJECTS]++;
    s[M.CRC_FAILED] = 1;
    discard(r, 1);
  }
  return 0;
}

/**
 * At silence with a candidate still incomplete: that candidate was a false start, so a complete valid frame may sit
 * behind it. Returns its length after discarding what precedes it, or 0.
 */
function framerSalvage(r: RtuBus): number {
  const s = r.s;
  for (let i = s[M.HEAD] + 1; i < s[M.TAIL]; i++) {
    const avail = s[M.TAIL] - i;
    const len = measure(r, i, avail);
    if (len >= 4 && len <= avail && crcMatches(r.buf, i, len)) {
      discard(r, i - s[M.HEAD]);
      s[M.DISCARDING] = 0;
      s[M.CRC_FAILED] = 0;
      return len;
    }
  }
  return 0;
}

function framerTake(r: RtuBus, len: number): void {
  const s = r.s;
  s[M.HEAD] += len;
  r.c[C.BYTES_FRAMED] += len;
  r.c[C.FRAMES]++;
  if (s[M.HEAD] === s[M.TAIL]) {
    s[M.HEAD] = 0;
    s[M.TAIL] = 0;
  }
}

/** Whole milliseconds `bytes` characters occupy on the wire, rounded up. */
export function wireMs(r: RtuBus, bytes: number): number {
  return Math.ceil((bytes * r.p.buses[r.row + Bus.CHAR_BITS] * 1000) / r.p.buses[r.row + Bus.BAUD]);
}

/** Counts an attempt outcome into the bus and into the device being read. */
function count(r: RtuBus, c: number, h: number): void {
  r.c[c]++;
  const dev = r.p.groups[r.s[M.ACTIVE] * Group.FIELDS + Group.DEVICE] - r.firstDevice;
  r.h[dev * H.FIELDS + h]++;
}

function send(r: RtuBus, now: number): void {
  const s = r.s;
  const req = s[M.READ] * Read.FIELDS;
  const at = r.p.reads[req + Read.ADU_AT];
  const len = r.p.reads[req + Read.ADU_LEN];
  framerReset(r);
  s[M.ATTEMPTS_LEFT]--;
  s[M.WAITING_RESEND] = 0;
  s[M.LAST_RX] = -1;
  count(r, C.SENT, H.SENT);
  s[M.TX_END] = now + wireMs(r, len);
  r.tx.write(r.p.adus.subarray(at, at + len));
}

/** Starts reading plan read `read`: `retries` extra attempts on CRC errors, timeouts and invalid answers. */
export function startRead(r: RtuBus, read: number, retries: number, now: number): void {
  const s = r.s;
  s[M.READ] = read;
  s[M.EXPECT] = r.p.reads[read * Read.FIELDS + Read.BYTE_COUNT];
  s[M.ATTEMPTS_LEFT] = 1 + retries;
  s[M.BUSY] = 1;
  s[M.OUTCOME] = Outcome.NONE;
  send(r, now);
}

function finish(r: RtuBus, outcome: number): void {
  r.s[M.OUTCOME] = outcome;
  r.s[M.BUSY] = 0;
}

/** An attempt failed: count it, then retry (after the inter-frame gap) or finish. Returns true when finished. */
function fail(r: RtuBus, outcome: number, now: number): boolean {
  if (outcome === Outcome.CRC) count(r, C.CRC_ERRORS, H.CRC_ERRORS);
  else if (outcome === Outcome.TIMEOUT) count(r, C.TIMEOUTS, H.TIMEOUTS);
  else count(r, C.INVALID, H.INVALID);
  framerReset(r);
  if (r.s[M.ATTEMPTS_LEFT] > 0) {
    count(r, C.RETRIES, H.RETRIES);
    r.s[M.WAITING_RESEND] = 1;
    r.s[M.RESEND_AT] = now + r.p.buses[r.row + Bus.INTER_FRAME_MS];
    return false;
  }
  finish(r, outcome);
  return true;
}

/** A CRC-valid frame of `len` bytes at HEAD: the answer (data kept for the read), an exception, or invalid. */
function accept(r: RtuBus, len: number, now: number): boolean {
  const s = r.s;
  const b = r.buf;
  const head = s[M.HEAD];
  const read = s[M.READ];
  const fc = r.p.reads[read * Read.FIELDS + Read.FC];
  let exception = -1;
  if (b[head + 1] === (fc | 0x80)) {
    // exception codes start at 1 (Modbus Application Protocol v1.1b3 section 7): code 0 is an invalid answer
    if (len === 5 && b[head + 2] > 0) exception = b[head + 2];
  } else if (b[head + 2] === s[M.EXPECT] && len === s[M.EXPECT] + 5) {
    exception = 0;
    const at = r.p.reads[read * Read.FIELDS + Read.DATA_AT];
    r.data.set(b.subarray(head + 3, head + 3 + s[M.EXPECT]), at);
  }
  framerTake(r, len);
  if (exception < 0) return fail(r, Outcome.INVALID, now);
  framerReset(r);
  if (exception > 0) {
    s[M.EXCEPTION] = exception;
    count(r, C.EXCEPTIONS, H.EXCEPTIONS);
    finish(r, Outcome.EXCEPTION);
  } else {
    count(r, C.OK, H.OK);
    finish(r, Outcome.OK);
  }
  return true;
}

/** Feeds received bytes; returns true when this finished the transaction. */
export function masterBytes(r: RtuBus, chunk: Uint8Array, now: number): boolean {
  const s = r.s;
  if (!s[M.BUSY] || s[M.WAITING_RESEND]) {
    r.c[C.BYTES_IN] += chunk.length;
    r.c[C.BYTES_DISCARDED] += chunk.length;
    r.c[C.UNSOLICITED] += chunk.length;
    return false;
  }
  s[M.LAST_RX] = now;
  for (let off = 0; off < chunk.length; off += SLICE) {
    const end = off + SLICE < chunk.length ? off + SLICE : chunk.length;
    framerPush(r, off === 0 && end === chunk.length ? chunk : chunk.subarray(off, end));
    const len = framerNext(r);
    if (len > 0) {
      const done = accept(r, len, now);
      // Bytes after the frame in this chunk belong to nothing we asked for.
      const rest = chunk.length - end;
      r.c[C.BYTES_IN] += rest;
      r.c[C.BYTES_DISCARDED] += rest;
      return done;
    }
  }
  return false;
}

/** Advances timeouts and pending resends; returns true when this finished the transaction. */
export function masterTick(r: RtuBus, now: number): boolean {
  const s = r.s;
  if (!s[M.BUSY]) return false;
  if (s[M.WAITING_RESEND]) {
    if (now >= s[M.RESEND_AT]) send(r, now);
    return false;
  }
  const crc = s[M.CRC_FAILED];
  const pending = s[M.TAIL] - s[M.HEAD];
  if (pending > 0 || crc) {
    if (now - s[M.LAST_RX] < r.p.buses[r.row + Bus.SILENCE_TIMEOUT_MS]) return false;
    const len = pending > 0 ? framerSalvage(r) : 0;
    if (len > 0) return accept(r, len, now);
    return fail(r, crc ? Outcome.CRC : Outcome.TIMEOUT, now);
  }
  if (now >= s[M.TX_END] + r.p.buses[r.row + Bus.RESPONSE_TIMEOUT_MS]) return fail(r, Outcome.TIMEOUT, now);
  return false;
}

/** The next time masterTick() has something to do, or -1 when idle. */
export function masterDeadline(r: RtuBus): number {
  const s = r.s;
  if (!s[M.BUSY]) return -1;
  if (s[M.WAITING_RESEND]) return s[M.RESEND_AT];
  if (s[M.TAIL] > s[M.HEAD] || s[M.CRC_FAILED]) return s[M.LAST_RX] + r.p.buses[r.row + Bus.SILENCE_TIMEOUT_MS];
  return s[M.TX_END] + r.p.buses[r.row + Bus.RESPONSE_TIMEOUT_MS];
}
