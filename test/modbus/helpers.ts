// Shared test helpers for the Modbus tests.
import type { ModbusConfig } from '../../protocol/modbus/config';
import { C, M, type RtuBus } from '../../protocol/modbus/rtu-master';
import { createRtuBus } from '../../protocol/modbus/rtu-poller';
import { Read } from '../../protocol/plan/format';
import { KitPlan, pollRound as kitPollRound, type KitLine } from '../kit/modbus-plan';

/** 9600 8N1 (a 8-byte request is on the wire for 9 ms), 500 ms response and 80 ms silence timeouts, 4 ms gap. */
export function line9600(over: Partial<KitLine> = {}): KitLine {
  return { baud: 9600, charBits: 10, responseTimeoutMs: 500, silenceTimeoutMs: 80, interFrameMs: 4, retries: 0, offlineAfter: 3, ...over };
}

export type Emitted = [acq: number, tMs: number, value: number, status: number, native: number];

export interface Harness {
  r: RtuBus;
  written: Uint8Array[];
  emitted: Emitted[];
}

/** The runtime on the plan of `kit`, recording what it writes and emits. */
export function harness(kit: KitPlan): Harness {
  const written: Uint8Array[] = [];
  const emitted: Emitted[] = [];
  const r = createRtuBus(kit.tables(), 0, { write: (b) => void written.push(b.slice()) }, (...e) => void emitted.push(e));
  return { r, written, emitted };
}

/**
 * A harness for driving the master's transactions directly (startRead, masterBytes, masterTick): the group is made
 * active as the poller does before it starts one of its reads, so that attempts count into its device.
 */
export function masterHarness(kit: KitPlan): Harness {
  const h = harness(kit);
  h.r.s[M.ACTIVE] = 0;
  return h;
}

/** Response data the runtime keeps for read `read`. */
export function readData(r: RtuBus, read: number): Uint8Array {
  const at = r.p.reads[read * Read.FIELDS + Read.DATA_AT];
  return r.data.subarray(at, at + r.p.reads[read * Read.FIELDS + Read.BYTE_COUNT]);
}

/** One poll round (kit pollRound) from `t`; returns what it emitted. */
export function pollRound(h: Harness, responses: Uint8Array[], t: number): Emitted[] {
  const before = h.emitted.length;
  kitPollRound(h.r, responses, t);
  return h.emitted.slice(before);
}

/** Every attempt is accounted for in exactly one outcome counter. */
export function attemptsBalance(c: Float64Array, inFlight: number): boolean {
  return c[C.SENT] === c[C.OK] + c[C.EXCEPTIONS] + c[C.CRC_ERRORS] + c[C.TIMEOUTS] + c[C.INVALID] + inFlight;
}

/** Every byte received is in a frame or discarded (nothing pending once the transaction is over). */
export function bytesBalance(c: Float64Array, pending: number): boolean {
  return c[C.BYTES_IN] === c[C.BYTES_FRAMED] + c[C.BYTES_DISCARDED] + pending;
}

export function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    if (c > prev) out.push(bytes.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  return out;
}

/** A mixed plant on one 9600 8N1 bus: a GM32 (two poll periods), an X-STREAM and a Teledyne T100 (discrete-input status). */
export function mixedPlant(): ModbusConfig {
  return {
    buses: [{ id: 'bus1', port: 'Serial2', baud: 9600, responseTimeoutMs: 500, silenceTimeoutMs: 100, retries: 2 }],
    devices: [
      {
        id: 'gm32',
        bus: 'bus1',
        address: 1,
        profile: 'SICK_GM32',
        channels: [
          { id: 'so2', register: 'c1', periodMs: 1000 },
          { id: 'no', register: 'c2', periodMs: 1000 },
          { id: 'no2', register: 'c3', periodMs: 1000 },
          { id: 'nh3', register: 'c4', periodMs: 5000 },
        ],
      },
      {
        id: 'xstream',
        bus: 'bus1',
        address: 2,
        profile: 'EMERSON_XSTREAM',
        channels: [
          { id: 'co2', register: 'conc1', periodMs: 1000 },
          { id: 'o2', register: 'conc2', periodMs: 1000 },
        ],
      },
      {
        id: 't100',
        bus: 'bus1',
        address: 3,
        profile: 'TELEDYNE_T',
        channels: [
          { id: 'so2_t100', register: 'so2Range1', periodMs: 2000 },
          { id: 'cell_temp', register: 'reactionCellTemp', periodMs: 10000 },
        ],
      },
    ],
  };
}
