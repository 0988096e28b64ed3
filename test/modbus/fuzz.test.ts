import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes } from '../../protocol/bytes';
import {
  ModbusRequest,
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  readByteCount,
  readRequest,
} from '../../protocol/modbus/codec';
import { C, M, Outcome, masterBytes, masterDeadline, masterTick, startRead } from '../../protocol/modbus/rtu-master';
import { RegisterStore, RtuSlave } from '../../host-sim/modbus/slave';
import { Prng } from '../../host-sim/prng';
import { writeCoilsRequest, writeRegisterRequest, writeRegistersRequest } from '../kit/modbus-codec';
import { KitPlan } from '../kit/modbus-plan';
import { Harness, attemptsBalance, bytesBalance, line9600, masterHarness, readData } from './helpers';

const rng = new Prng(0x5eed);

function randomRead(slave: number): ModbusRequest {
  const fc = rng.between(1, 4);
  return readRequest(slave, fc, rng.int(60000), fc <= 2 ? rng.between(1, 2000) : rng.between(1, 125));
}

function randomRequest(slave: number): ModbusRequest {
  const k = rng.int(8);
  if (k < 4) return randomRead(slave);
  if (k === 4) return writeRegisterRequest(slave, rng.int(65536), rng.int(65536));
  if (k === 5) return { slave, fc: 5, address: rng.int(65536), quantity: 1, data: new Uint8Array([rng.chance(0.5) ? 0xff : 0, 0]) };
  if (k === 6) return writeCoilsRequest(slave, rng.int(60000), Array.from(rng.bytes(rng.between(1, 100))).map((b) => b & 1));
  return writeRegistersRequest(slave, rng.int(60000), Array.from({ length: rng.between(1, 123) }, () => rng.int(65536)));
}

/** A correct answer to a read: its data or (10 %) an exception. */
function answer(req: ModbusRequest): { adu: Uint8Array; data: Uint8Array | null } {
  if (rng.chance(0.1)) return { adu: encodeExceptionResponse(req.slave, req.fc, rng.between(1, 11)), data: null };
  const data = rng.bytes(readByteCount(req.fc, req.quantity));
  return { adu: encodeReadResponse(req.slave, req.fc, data), data };
}

function noise(max: number, req: ModbusRequest): Uint8Array {
  const parts: Uint8Array[] = [rng.bytes(rng.int(max + 1))];
  // Sometimes a complete frame from another slave, or a false start (our slave + our function code).
  if (rng.chance(0.2)) parts.push(encodeReadResponse((req.slave % 247) + 1, 3, rng.bytes(rng.between(2, 20))));
  if (rng.chance(0.2)) parts.push(new Uint8Array([req.slave, req.fc, rng.int(256), rng.int(256)]));
  return concatBytes(parts);
}

/** Feeds bytes in random 1..64-byte chunks. */
function feed(h: Harness, bytes: Uint8Array, t: number): void {
  let i = 0;
  while (i < bytes.length) {
    const n = Math.min(bytes.length - i, rng.between(1, 64));
    masterBytes(h.r, bytes.subarray(i, i + n), t);
    i += n;
  }
}

/** Runs the clock until the transaction ends; bounded, so a hang fails the test. */
function drain(h: Harness, t: number): number {
  for (let k = 0; k < 100 && h.r.s[M.BUSY]; k++) {
    t = Math.max(t + 1, masterDeadline(h.r));
    masterTick(h.r, t);
  }
  expect(h.r.s[M.BUSY]).toBe(0);
  return t + 10;
}

const BATCH = 250;

/**
 * Runs `cases` transactions, in batches of reads of one random slave on one master (state carries over from one
 * transaction to the next); every attempt and byte of each batch is accounted for. Returns the summed counters.
 */
function transactions(cases: number, run: (h: Harness, read: number, req: ModbusRequest) => void): Float64Array {
  const totals = new Float64Array(C.FIELDS);
  for (let done = 0; done < cases; ) {
    const slave = rng.between(1, 247);
    const kit = new KitPlan(slave, line9600(), 1000);
    const reqs: ModbusRequest[] = [];
    for (let i = 0; i < BATCH && done + i < cases; i++) {
      const req = randomRead(slave);
      kit.read(req.fc, req.address, req.quantity);
      reqs.push(req);
    }
    const h = masterHarness(kit);
    reqs.forEach((req, i) => run(h, i, req));
    done += reqs.length;
    expect(attemptsBalance(h.r.c, 0) && bytesBalance(h.r.c, 0)).toBe(true);
    for (let f = 0; f < C.FIELDS; f++) totals[f] += h.r.c[f];
  }
  return totals;
}

function mutate(adu: Uint8Array): { bytes: Uint8Array; flipsOnly: boolean } {
  const b = adu.slice();
  const k = rng.int(6);
  if (k <= 1) {
    const flips = rng.between(1, 3);
    const seen = new Set<number>();
    while (seen.size < flips) seen.add(rng.int(b.length * 8));
    for (const bit of seen) b[bit >> 3] ^= 1 << (bit & 7);
    return { bytes: b, flipsOnly: true };
  }
  if (k === 2) return { bytes: b.subarray(0, rng.int(b.length)), flipsOnly: false };
  if (k === 3) {
    const at = rng.int(b.length + 1);
    return { bytes: concatBytes([b.subarray(0, at), rng.bytes(rng.between(1, 4)), b.subarray(at)]), flipsOnly: false };
  }
  if (k === 4) {
    const at = rng.int(b.length);
    return { bytes: concatBytes([b.subarray(0, at), b.subarray(at + 1)]), flipsOnly: false };
  }
  const at = rng.int(b.length);
  b.set(rng.bytes(Math.min(b.length - at, rng.between(1, 8))), at);
  return { bytes: b, flipsOnly: false };
}

const EMBEDDED = 40000;
const MUTATED = 40000;
const RANDOM = 15000;
const SLAVE_SIDE = 10000;

describe('fuzzing the RTU framer and decoder', () => {
  it('handles ' + (EMBEDDED + MUTATED + RANDOM + SLAVE_SIDE) + ' random, mutated and noise-embedded frames', () => {
    const started = Date.now();
    let t = 0;
    let cases = 0;

    // Valid answers hidden in noise are always found, byte-exact.
    const embedded = transactions(EMBEDDED, (h, read, req) => {
      const a = answer(req);
      startRead(h.r, read, 0, t);
      feed(h, concatBytes([noise(40, req), a.adu, rng.bytes(rng.int(20))]), t + 5);
      t = drain(h, t + 5);
      expect(h.r.s[M.OUTCOME]).toBe(a.data ? Outcome.OK : Outcome.EXCEPTION);
      if (a.data) expect(bytesEqual(readData(h.r, read), a.data)).toBe(true);
      cases++;
    });
    expect(embedded[C.OK] + embedded[C.EXCEPTIONS]).toBe(EMBEDDED);
    expect(embedded[C.SENT]).toBe(EMBEDDED);

    // Mutated answers: never an exception escaping, never a hang, every attempt and byte accounted for.
    const mutated = transactions(MUTATED, (h, read, req) => {
      const mut = mutate(answer(req).adu);
      startRead(h.r, read, rng.int(2), t);
      feed(h, mut.bytes, t + 5);
      t = drain(h, t + 5);
      // CRC-16/MODBUS detects every 1..3-bit error in frames this short.
      if (mut.flipsOnly) expect(h.r.s[M.OUTCOME]).not.toBe(Outcome.OK);
      cases++;
    });
    expect(mutated[C.CRC_ERRORS] + mutated[C.TIMEOUTS] + mutated[C.INVALID]).toBeGreaterThan(MUTATED / 2);

    // Pure garbage.
    const garbage = transactions(RANDOM, (h, read) => {
      startRead(h.r, read, 0, t);
      feed(h, rng.bytes(rng.int(300)), t + 5);
      t = drain(h, t + 5);
      cases++;
    });
    expect(garbage[C.OK]).toBe(0);

    // Slave side: garbage and mutated requests never throw; valid requests in the stream are answered.
    const store: RegisterStore = {
      readBits: () => 0,
      readRegisters: () => 0,
      writeCoils: () => 0,
      writeRegisters: () => 0,
    };
    const slave = new RtuSlave(17, store);
    let answered = 0;
    let sent = 0;
    for (let i = 0; i < SLAVE_SIDE; i++, cases++) {
      slave.reset();
      const adu = encodeRequest(randomRequest(17));
      const valid = rng.chance(0.5);
      if (valid) sent++;
      const bytes = concatBytes([rng.bytes(rng.int(30)), valid ? adu : mutate(adu).bytes]);
      let k = 0;
      while (k < bytes.length) {
        const n = Math.min(bytes.length - k, rng.between(1, 64));
        answered += slave.onBytes(bytes.subarray(k, k + n)).length;
        k += n;
      }
    }
    expect(answered).toBeGreaterThanOrEqual(sent);
    slave.reset(); // what the last stream left pending is discarded
    expect(slave.counters.bytesIn).toBe(slave.counters.bytesFramed + slave.counters.bytesDiscarded);

    expect(cases).toBeGreaterThanOrEqual(100000);
    console.log('modbus fuzz: ' + cases + ' cases in ' + (Date.now() - started) + ' ms');
  });
});
