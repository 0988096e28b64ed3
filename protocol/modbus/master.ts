// RTU master transaction state machine: one request in flight on a bus, its response framed out of the byte stream
// by expected length + CRC (StreamFramer), judged against the request, retried on failure. Time is passed in as
// `now` (ms); the caller drives it with onBytes(chunk, now) and tick(now) and writes through the UartTx port.
// Every attempt ends in exactly one counter: ok, exceptions, crcErrors, timeouts, invalid or broadcasts.

import type { UartTx } from '../ports';
import { errorCode } from '../errors';
import { ModbusRequest, ModbusResponse, parseResponse, readByteCount, isReadFc, BROADCAST_ADDRESS } from './codec';
import { FrameMeasurer, FramerCounters, StreamFramer } from './framer';

export const OUTCOME_NONE = 0;
export const OUTCOME_OK = 1;
export const OUTCOME_EXCEPTION = 2;
export const OUTCOME_CRC = 3;
export const OUTCOME_TIMEOUT = 4;
export const OUTCOME_INVALID = 5;
export const OUTCOME_BROADCAST = 6;

export const OUTCOME_NAMES = ['none', 'ok', 'exception', 'crc', 'timeout', 'invalid', 'broadcast'];

export interface MasterTiming {
  /** From the end of the request on the wire to the first response byte. */
  responseTimeoutMs: number;
  /** A started frame is abandoned after this long without another byte. */
  silenceTimeoutMs: number;
  /** Bus idle time before (re)sending. */
  interFrameMs: number;
  /** Time a broadcast is given before the bus is used again (slaves process it silently). */
  broadcastDelayMs: number;
  /** Wire time of a request of n bytes, ms. */
  wireMs: (bytes: number) => number;
}

export interface MasterCounters extends FramerCounters {
  /** Request frames written (first attempts + retries). */
  sent: number;
  retries: number;
  ok: number;
  exceptions: number;
  crcErrors: number;
  timeouts: number;
  /** CRC-valid frames that do not answer the request (wrong byte count, wrong echo). */
  invalid: number;
  broadcasts: number;
  /** Bytes that arrived while no request was pending (also counted in bytesDiscarded). */
  unsolicitedBytes: number;
}

export function newMasterCounters(): MasterCounters {
  return {
    bytesIn: 0,
    bytesFramed: 0,
    bytesDiscarded: 0,
    frames: 0,
    crcRejects: 0,
    resyncs: 0,
    sent: 0,
    retries: 0,
    ok: 0,
    exceptions: 0,
    crcErrors: 0,
    timeouts: 0,
    invalid: 0,
    broadcasts: 0,
    unsolicitedBytes: 0,
  };
}

const SLICE = 64;

export class RtuMaster implements FrameMeasurer {
  counters: MasterCounters;
  busy: boolean;
  /** Final outcome of the last finished transaction (OUTCOME_*). */
  outcome: number;
  /** Last finished transaction: the parsed response (OK/EXCEPTION), else null. */
  response: ModbusResponse | null;
  /** Error code of the last INVALID response. */
  invalidReason: string;
  private tx: UartTx;
  private timing: MasterTiming;
  private framer: StreamFramer;
  private req: ModbusRequest | null;
  private adu: Uint8Array | null;
  private expectBytes: number;
  private attemptsLeft: number;
  private waitingResend: boolean;
  private resendAt: number;
  private txEnd: number;
  private lastRx: number;

  constructor(tx: UartTx, timing: MasterTiming, counters: MasterCounters) {
    this.tx = tx;
    this.timing = timing;
    this.counters = counters;
    this.framer = new StreamFramer(this, counters);
    this.busy = false;
    this.outcome = OUTCOME_NONE;
    this.response = null;
    this.invalidReason = '';
    this.req = null;
    this.adu = null;
    this.expectBytes = -1;
    this.attemptsLeft = 0;
    this.waitingResend = false;
    this.resendAt = 0;
    this.txEnd = 0;
    this.lastRx = -1;
  }

  /** FrameMeasurer: only a frame from the addressed slave with the expected function (or its exception) fits. */
  measure(buf: Uint8Array, start: number, avail: number): number {
    const req = this.req;
    if (req === null || buf[start] !== req.slave) return 0;
    if (avail < 2) return -1;
    const fc = buf[start + 1];
    if (fc === (req.fc | 0x80)) return 5;
    if (fc !== req.fc) return 0;
    if (this.expectBytes < 0) return 8;
    if (avail < 3) return -1;
    return buf[start + 2] === this.expectBytes ? this.expectBytes + 5 : 0;
  }

  /**
   * Starts a transaction: writes `adu` (the encoded `req`) now; `retries` extra attempts on CRC errors, timeouts
   * and invalid answers (not on exceptions: the slave answered).
   */
  start(req: ModbusRequest, adu: Uint8Array, retries: number, now: number): void {
    this.req = req;
    this.adu = adu;
    this.expectBytes = isReadFc(req.fc) ? readByteCount(req.fc, req.quantity) : -1;
    this.attemptsLeft = 1 + retries;
    this.busy = true;
    this.outcome = OUTCOME_NONE;
    this.response = null;
    this.invalidReason = '';
    this.send(now);
  }

  private send(now: number): void {
    const adu = this.adu as Uint8Array;
    this.framer.reset();
    this.attemptsLeft--;
    this.waitingResend = false;
    this.lastRx = -1;
    this.counters.sent++;
    this.txEnd = now + this.timing.wireMs(adu.length);
    this.tx.write(adu);
  }

  private finish(outcome: number): void {
    this.outcome = outcome;
    this.busy = false;
    this.req = null;
    this.adu = null;
  }

  /** An attempt failed: count it, then retry (after the inter-frame gap) or finish. Returns true when finished. */
  private fail(outcome: number, now: number): boolean {
    if (outcome === OUTCOME_CRC) this.counters.crcErrors++;
    else if (outcome === OUTCOME_TIMEOUT) this.counters.timeouts++;
    else this.counters.invalid++;
    this.framer.reset();
    if (this.attemptsLeft > 0) {
      this.counters.retries++;
      this.waitingResend = true;
      this.resendAt = now + this.timing.interFrameMs;
      return false;
    }
    this.finish(outcome);
    return true;
  }

  private accept(len: number, now: number): boolean {
    const f = this.framer;
    let res: ModbusResponse | null = null;
    try {
      res = parseResponse(f.buf, f.head, len, this.req as ModbusRequest);
    } catch (e) {
      this.invalidReason = errorCode(e);
    }
    f.take(len);
    if (res === null) return this.fail(OUTCOME_INVALID, now);
    // The response is copied out of the framer buffer: the framer is reset on the next transaction.
    if (res.data !== null) res.data = new Uint8Array(res.data);
    this.response = res;
    f.reset();
    if (res.exception !== 0) {
      this.counters.exceptions++;
      this.finish(OUTCOME_EXCEPTION);
    } else {
      this.counters.ok++;
      this.finish(OUTCOME_OK);
    }
    return true;
  }

  /** Feeds received bytes; returns true when this finished the transaction. */
  onBytes(chunk: Uint8Array, now: number): boolean {
    if (!this.busy || this.waitingResend || this.req === null || this.req.slave === BROADCAST_ADDRESS) {
      this.counters.bytesIn += chunk.length;
      this.counters.bytesDiscarded += chunk.length;
      this.counters.unsolicitedBytes += chunk.length;
      return false;
    }
    this.lastRx = now;
    for (let off = 0; off < chunk.length; off += SLICE) {
      const end = Math.min(off + SLICE, chunk.length);
      this.framer.push(off === 0 && end === chunk.length ? chunk : chunk.subarray(off, end));
      const len = this.framer.next();
      if (len > 0) {
        const done = this.accept(len, now);
        // Bytes after the frame in this chunk belong to nothing we asked for.
        const rest = chunk.length - end;
        this.counters.bytesIn += rest;
        this.counters.bytesDiscarded += rest;
        return done;
      }
    }
    return false;
  }

  /** Advances timeouts and pending resends; returns true when this finished the transaction. */
  tick(now: number): boolean {
    if (!this.busy) return false;
    if (this.waitingResend) {
      if (now >= this.resendAt) this.send(now);
      return false;
    }
    const req = this.req as ModbusRequest;
    if (req.slave === BROADCAST_ADDRESS) {
      if (now < this.txEnd + this.timing.broadcastDelayMs) return false;
      this.counters.broadcasts++;
      this.finish(OUTCOME_BROADCAST);
      return true;
    }
    const crc = this.framer.crcFailedSinceSync;
    if (this.framer.pending() > 0 || crc) {
      if (now - this.lastRx < this.timing.silenceTimeoutMs) return false;
      const len = this.framer.pending() > 0 ? this.framer.salvage() : 0;
      if (len > 0) return this.accept(len, now);
      return this.fail(crc ? OUTCOME_CRC : OUTCOME_TIMEOUT, now);
    }
    if (now >= this.txEnd + this.timing.responseTimeoutMs) return this.fail(OUTCOME_TIMEOUT, now);
    return false;
  }

  /** The next time tick() has something to do, or -1 when idle. */
  nextDeadline(): number {
    if (!this.busy) return -1;
    if (this.waitingResend) return this.resendAt;
    const req = this.req as ModbusRequest;
    if (req.slave === BROADCAST_ADDRESS) return this.txEnd + this.timing.broadcastDelayMs;
    if (this.framer.pending() > 0 || this.framer.crcFailedSinceSync) return this.lastRx + this.timing.silenceTimeoutMs;
    return this.txEnd + this.timing.responseTimeoutMs;
  }
}
