// Byte-stream framing for RTU. UART bytes arrive in arbitrary chunks (1..64 bytes on Espruino) and the 3.5-character
// gap cannot be observed from JS (espruino.md section 7), so frames are found by what they must look like: a measurer says
// how long a frame starting here would be, and the CRC decides. A candidate that fails is dropped one byte at a time,
// so a genuine frame hidden behind garbage or a false start is still found.

import { crcMatches } from './crc16';
import { MAX_ADU } from './codec';

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
  /** A candidate failed its CRC since the last accepted frame or reset. */
  crcFailedSinceSync: boolean;
  private discarding: boolean;

  constructor(measurer: FrameMeasurer, counters: FramerCounters) {
    this.buf = new Uint8Array(CAPACITY);
    this.head = 0;
    this.tail = 0;
    this.counters = counters;
    this.measurer = measurer;
    this.crcFailedSinceSync = false;
    this.discarding = false;
  }

  pending(): number {
    return this.tail - this.head;
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
        this.crcFailedSinceSync = false;
        return len;
      }
      this.counters.crcRejects++;
      this.crcFailedSinceSync = true;
      this.discard(1);
    }
    return 0;
  }

  /**
   * Called when the line has gone silent with a candidate still incomplete: that candidate was a false start (noise
   * that looks like our slave and function, announcing more bytes than will come), so a complete valid frame may
   * sit behind it. Returns its length after discarding what precedes it, or 0. Run only at silence, not per chunk,
   * because it measures every pending position.
   */
  salvage(): number {
    for (let i = this.head + 1; i < this.tail; i++) {
      const avail = this.tail - i;
      const len = this.measurer.measure(this.buf, i, avail);
      if (len >= 4 && len <= avail && crcMatches(this.buf, i, len)) {
        this.discard(i - this.head);
        this.discarding = false;
        this.crcFailedSinceSync = false;
        return len;
      }
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

  /** Drops everything pending (counted as discarded) and forgets CRC failures. */
  reset(): void {
    if (this.tail > this.head) this.discard(this.tail - this.head);
    this.head = 0;
    this.tail = 0;
    this.discarding = false;
    this.crcFailedSinceSync = false;
  }
}
