// Byte-stream framing of requests for the virtual slaves (slave.ts). Bytes arrive in arbitrary chunks, so frames are
// found by what they must look like: a measurer says how long a frame starting here would be, and the CRC decides. A
// candidate that fails is dropped one byte at a time, so a genuine frame hidden behind garbage is still found. (The
// device's master frames responses the same way, on typed-array state: protocol/modbus/rtu-master.ts.)

import { MAX_ADU } from '../../protocol/modbus/codec';
import { crcMatches } from '../../protocol/modbus/crc16';

/**
 * Says how long a frame starting at buf[start] would be, given the `avail` bytes present:
 * > 0 the full length (>= 4, <= 256), -1 need more bytes to tell, 0 these bytes cannot start a frame.
 */
export interface FrameMeasurer {
  measure(buf: Uint8Array, start: number, avail: number): number;
}

export interface FramerCounters {
  /** Bytes pushed in. */
  bytesIn: number;
  /** Bytes that ended up in accepted frames. */
  bytesFramed: number;
  /** Bytes dropped: garbage, false starts, frames that failed their CRC, overflow, leftovers at reset. */
  bytesDiscarded: number;
  /** Frames accepted (length and CRC right). */
  frames: number;
  /** Complete-length candidates whose CRC did not match. */
  crcRejects: number;
  /** Times the framer lost sync (a run of discarded bytes began). */
  resyncs: number;
}

export function newFramerCounters(): FramerCounters {
  return { bytesIn: 0, bytesFramed: 0, bytesDiscarded: 0, frames: 0, crcRejects: 0, resyncs: 0 };
}

const CAPACITY = 2 * MAX_ADU;

export class StreamFramer {
  /** Accepted frame: buf[frameStart, frameStart + frameLength), valid until the next push/take/reset. */
  buf: Uint8Array;
  head: number;
  tail: number;
  counters: FramerCounters;
  measurer: FrameMeasurer;
  private discarding: boolean;

  constructor(measurer: FrameMeasurer, counters: FramerCounters) {
    this.buf = new Uint8Array(CAPACITY);
    this.head = 0;
    this.tail = 0;
    this.counters = counters;
    this.measurer = measurer;
    this.discarding = false;
  }

  private countDiscarded(n: number): void {
    this.counters.bytesDiscarded += n;
    if (!this.discarding) {
      this.discarding = true;
      this.counters.resyncs++;
    }
  }

  private discard(n: number): void {
    this.head += n;
    this.countDiscarded(n);
  }

  private compact(): void {
    const b = this.buf;
    const n = this.tail - this.head;
    for (let i = 0; i < n; i++) b[i] = b[this.head + i];
    this.head = 0;
    this.tail = n;
  }

  /**
   * Appends received bytes. Call next() after every push of up to 256 bytes: then nothing valid is ever dropped;
   * otherwise the oldest bytes make room (counted as discarded).
   */
  push(chunk: Uint8Array): void {
    let n = chunk.length;
    let src = chunk;
    this.counters.bytesIn += n;
    if (n > CAPACITY) {
      this.reset();
      this.countDiscarded(n - CAPACITY);
      src = chunk.subarray(n - CAPACITY, n);
      n = CAPACITY;
    }
    if (this.tail + n > CAPACITY) {
      const excess = this.tail - this.head + n - CAPACITY;
      if (excess > 0) this.discard(excess);
      this.compact();
    }
    this.buf.set(src, this.tail);
    this.tail += n;
  }

  /**
   * Scans the pending bytes; returns the length of a valid frame starting at `head` (call take() after use), or 0
   * when none is complete yet.
   */
  next(): number {
    while (this.tail > this.head) {
      const len = this.measurer.measure(this.buf, this.head, this.tail - this.head);
      if (len < 0) return 0;
      if (len === 0 || len > MAX_ADU) {
        this.discard(1);
        continue;
      }
      if (this.tail - this.head < len) return 0;
      if (crcMatches(this.buf, this.head, len)) {
        this.discarding = false;
        return len;
      }
      this.counters.crcRejects++;
      this.discard(1);
    }
    return 0;
  }

  /** Consumes the frame next() returned. */
  take(len: number): void {
    this.head += len;
    this.counters.bytesFramed += len;
    this.counters.frames++;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    }
  }

  /** Drops everything pending (counted as discarded). */
  reset(): void {
    if (this.tail > this.head) this.discard(this.tail - this.head);
    this.head = 0;
    this.tail = 0;
    this.discarding = false;
  }
}
