// Shared test helpers for the Modbus tests.
import { RtuMaster, MasterCounters, MasterTiming, newMasterCounters } from '../../protocol/modbus/master';
import type { ModbusConfig } from '../../protocol/modbus/config';

export interface Harness {
  master: RtuMaster;
  written: Uint8Array[];
  counters: MasterCounters;
}

export function timing(over: Partial<MasterTiming> = {}): MasterTiming {
  return {
    responseTimeoutMs: 500,
    silenceTimeoutMs: 80,
    interFrameMs: 4,
    broadcastDelayMs: 100,
    wireMs: (n) => Math.ceil((n * 10 * 1000) / 9600),
    ...over,
  };
}

export function harness(over: Partial<MasterTiming> = {}): Harness {
  const written: Uint8Array[] = [];
  const counters = newMasterCounters();
  const master = new RtuMaster({ write: (b) => written.push(b.slice()) }, timing(over), counters);
  return { master, written, counters };
}

/** Every attempt is accounted for in exactly one counter. */
export function attemptsBalance(c: MasterCounters, inFlight: number): boolean {
  return c.sent === c.ok + c.exceptions + c.crcErrors + c.timeouts + c.invalid + c.broadcasts + inFlight;
}

/** Every byte received is in a frame or discarded (nothing pending once the transaction is over). */
export function bytesBalance(c: MasterCounters, pending: number): boolean {
  return c.bytesIn === c.bytesFramed + c.bytesDiscarded + pending;
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
