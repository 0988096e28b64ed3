// Shared test helpers for the Modbus tests.
import { RtuMaster, MasterCounters, MasterTiming, newMasterCounters } from '../../protocol/modbus/master';

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
