// A virtual RS-485 bus: a discrete-event model of one half-duplex line at a given baud rate and framing. Bytes take
// their wire time (start + data + parity + stop bits each), one talker at a time; the master receives them in
// random 1..64-byte chunks with a small delivery delay, as Espruino's UART task hands them to JS (ESP32:
// pollSerialDevices in targets/esp32/jshardwareUart.c; IO events of at most IOEVENT_MAX_LEN = 64 bytes,
// src/jsdevices.h).
// Virtual analyzers answer after a turnaround latency. Fault injection on the response path: CRC corruption,
// dropped bytes, noise bursts, slow and missing responses, exception codes. All randomness comes from one seed.

import type { UartTx } from '../../protocol/ports';
import { encodeExceptionResponse } from '../../protocol/modbus/codec';
import { LineSettings, charBits } from '../../protocol/modbus/line';
import type { VirtualAnalyzer } from './analyzer';
import { Prng } from '../prng';

export interface FaultConfig {
  /** Probability that a response has one bit flipped. */
  crcCorruption: number;
  /** Probability that a response loses one byte. */
  dropByte: number;
  /** Probability that a burst of 1..noiseMaxBytes random bytes precedes a response. */
  noiseBurst: number;
  noiseMaxBytes: number;
  /** Probability that a response comes slowDelayMs late. */
  slowResponse: number;
  slowDelayMs: number;
  /** Probability that the analyzer does not answer. */
  missingResponse: number;
  /** Probability that the analyzer answers with exceptionCode instead. */
  exception: number;
  exceptionCode: number;
}

export function noFaults(): FaultConfig {
  return {
    crcCorruption: 0,
    dropByte: 0,
    noiseBurst: 0,
    noiseMaxBytes: 8,
    slowResponse: 0,
    slowDelayMs: 2000,
    missingResponse: 0,
    exception: 0,
    exceptionCode: 6,
  };
}

export interface BusTimingModel {
  /** Analyzer turnaround: from the end of the request to the first response byte. */
  minLatencyMs: number;
  maxLatencyMs: number;
  /** Extra delay before a received chunk reaches the master's handler. */
  maxDeliveryJitterMs: number;
}

export function defaultTimingModel(): BusTimingModel {
  return { minLatencyMs: 5, maxLatencyMs: 15, maxDeliveryJitterMs: 5 };
}

export interface BusStats {
  /** Wire time of everything transmitted, µs. */
  busyUs: number;
  masterBytes: number;
  slaveBytes: number;
  noiseBytes: number;
  corrupted: number;
  dropped: number;
  slow: number;
  missing: number;
  exceptions: number;
}

export interface FrameLog {
  from: 'master' | 'slave' | 'noise';
  startMs: number;
  endMs: number;
  bytes: number;
}

const FRAME_LOG_KEEP = 10000;

interface BusEvent {
  t: number;
  seq: number;
  run: () => void;
}

export class VirtualBus {
  readonly line: LineSettings;
  readonly stats: BusStats = {
    busyUs: 0,
    masterBytes: 0,
    slaveBytes: 0,
    noiseBytes: 0,
    corrupted: 0,
    dropped: 0,
    slow: 0,
    missing: 0,
    exceptions: 0,
  };
  /** The most recent frames on the wire (at least FRAME_LOG_KEEP), oldest first. */
  readonly frames: FrameLog[] = [];
  faults: FaultConfig;
  /** Overrides for one slave address (e.g. a silent analyzer: { missingResponse: 1 }). */
  readonly faultsBySlave: { [address: number]: Partial<FaultConfig> } = {};
  timing: BusTimingModel;
  now = 0;
  /** Receives the byte chunks the master's UART delivers. */
  onMasterReceive: (chunk: Uint8Array, tMs: number) => void = () => {};
  /** The master's transmit port. */
  readonly masterTx: UartTx;
  private readonly rng: Prng;
  private readonly analyzers: VirtualAnalyzer[] = [];
  /**
   * Silence that ends any partial request at the slaves (their 3.5-character timer). A bridge to a real line whose
   * bus clock runs faster than the wire widens it by the same factor.
   */
  slaveSilenceMs: number;
  /** When the slaves last heard a master byte (slave-side framing). */
  private slavesHeardAt = -1;
  /** When the last slave answer or noise burst ended: a turnaround also ends any partial request. */
  private answerEndedAt = -1;
  private readonly queue: BusEvent[] = [];
  private seq = 0;
  private wireFreeAt = 0;
  private lastDelivery = 0;
  private readonly charMs: number;

  constructor(line: LineSettings, seed: number, faults: FaultConfig, timing: BusTimingModel) {
    this.line = line;
    this.rng = new Prng(seed);
    this.faults = faults;
    this.timing = timing;
    this.charMs = (charBits(line) * 1000) / line.baud;
    this.slaveSilenceMs = 3.5 * this.charMs;
    const bus = this;
    this.masterTx = {
      write(bytes: Uint8Array): void {
        bus.transmit('master', bytes.slice());
      },
    };
  }

  attach(a: VirtualAnalyzer): void {
    this.analyzers.push(a);
  }

  private schedule(t: number, run: () => void): void {
    const ev: BusEvent = { t: t, seq: this.seq++, run: run };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].t > t || (this.queue[i - 1].t === t && this.queue[i - 1].seq > ev.seq))) i--;
    this.queue.splice(i, 0, ev);
  }

  /** Time of the next pending event, -1 when none. */
  nextEventMs(): number {
    return this.queue.length > 0 ? this.queue[0].t : -1;
  }

  /** Runs the next event. */
  runNext(): void {
    const ev = this.queue.shift();
    if (ev === undefined) return;
    this.now = Math.max(this.now, ev.t);
    ev.run();
  }

  /** Runs every event up to and including time t. */
  runUntil(t: number): void {
    while (this.queue.length > 0 && this.queue[0].t <= t) this.runNext();
    this.now = Math.max(this.now, t);
  }

  /** Puts bytes on the wire; returns the time the last one has arrived. */
  private transmit(from: 'master' | 'slave' | 'noise', bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const start = Math.max(this.now, this.wireFreeAt);
    const end = start + bytes.length * this.charMs;
    this.wireFreeAt = end;
    this.stats.busyUs += bytes.length * this.charMs * 1000;
    if (from === 'master') this.stats.masterBytes += bytes.length;
    else if (from === 'slave') this.stats.slaveBytes += bytes.length;
    else this.stats.noiseBytes += bytes.length;
    if (from !== 'master') this.answerEndedAt = end;
    this.frames.push({ from: from, startMs: start, endMs: end, bytes: bytes.length });
    // Bounded, so that a long interactive session does not grow without end.
    if (this.frames.length >= 2 * FRAME_LOG_KEEP) this.frames.splice(0, this.frames.length - FRAME_LOG_KEEP);
    if (from === 'master') this.toSlaves(bytes, start);
    else this.toMaster(bytes, start);
  }

  /** Splits bytes into random 1..64-byte chunks, each delivered when its last byte has arrived. */
  private chunks(
    bytes: Uint8Array,
    start: number,
    deliver: (c: Uint8Array, t: number, first: number) => void,
    jitter: number,
  ): void {
    let i = 0;
    while (i < bytes.length) {
      const n = Math.min(bytes.length - i, this.rng.between(1, 64));
      const arrival = start + (i + n) * this.charMs;
      const t = Math.max(arrival + (jitter > 0 ? this.rng.next() * jitter : 0), this.lastDelivery);
      this.lastDelivery = t;
      const chunk = bytes.subarray(i, i + n);
      const first = start + (i + 1) * this.charMs;
      this.schedule(t, () => deliver(chunk, t, first));
      i += n;
    }
  }

  private toMaster(bytes: Uint8Array, start: number): void {
    this.chunks(bytes, start, (c, t) => this.onMasterReceive(c, t), this.timing.maxDeliveryJitterMs);
  }

  private toSlaves(bytes: Uint8Array, start: number): void {
    this.chunks(
      bytes,
      start,
      (c, t, first) => {
        const answered = this.answerEndedAt > this.slavesHeardAt && this.answerEndedAt <= first;
        const silent = this.slavesHeardAt >= 0 && (answered || first - this.slavesHeardAt > this.slaveSilenceMs);
        this.slavesHeardAt = t;
        for (const a of this.analyzers) {
          if (silent) a.slave.reset();
          a.clock = t;
          for (const res of a.slave.onBytes(c)) this.respond(a, res, t);
        }
      },
      0,
    );
  }

  private respond(a: VirtualAnalyzer, res: Uint8Array, t: number): void {
    const f: FaultConfig = { ...this.faults, ...this.faultsBySlave[a.address] };
    const r = this.rng;
    if (r.chance(f.missingResponse)) {
      this.stats.missing++;
      return;
    }
    let bytes = res;
    if (r.chance(f.exception)) {
      this.stats.exceptions++;
      bytes = encodeExceptionResponse(a.address, res[1] & 0x7f, f.exceptionCode);
    }
    if (r.chance(f.crcCorruption)) {
      this.stats.corrupted++;
      bytes = bytes.slice();
      bytes[r.int(bytes.length)] ^= 1 << r.int(8);
    }
    if (r.chance(f.dropByte)) {
      this.stats.dropped++;
      const k = r.int(bytes.length);
      const shorter = new Uint8Array(bytes.length - 1);
      shorter.set(bytes.subarray(0, k), 0);
      shorter.set(bytes.subarray(k + 1), k);
      bytes = shorter;
    }
    let latency = this.timing.minLatencyMs + r.next() * (this.timing.maxLatencyMs - this.timing.minLatencyMs);
    if (r.chance(f.slowResponse)) {
      this.stats.slow++;
      latency += f.slowDelayMs;
    }
    if (r.chance(f.noiseBurst)) {
      const noise = r.bytes(r.between(1, f.noiseMaxBytes));
      this.schedule(t + latency / 2, () => this.transmit('noise', noise));
    }
    const out = bytes;
    this.schedule(t + latency, () => this.transmit('slave', out));
  }
}
