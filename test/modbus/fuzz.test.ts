import { describe, expect, it } from 'vitest';
import { bytesEqual, concatBytes } from '../../protocol/bytes';
import {
  ModbusRequest,
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  encodeWriteResponse,
  readByteCount,
  readRequest,
  writeCoilsRequest,
  writeRegisterRequest,
  writeRegistersRequest,
} from '../../protocol/modbus/codec';
import { OUTCOME_EXCEPTION, OUTCOME_OK } from '../../protocol/modbus/master';
import { RegisterStore, RtuSlave } from '../../protocol/modbus/slave';
import { Prng } from '../../host-sim/prng';
import { attemptsBalance, bytesBalance, harness } from './helpers';

const rng = new Prng(0x5eed);

function randomRequest(): ModbusRequest {
  const slave = rng.between(1, 247);
  const k = rng.int(8);
  if (k < 4) {
    const fc = k + 1;
    return readRequest(slave, fc, rng.int(60000), fc <= 2 ? rng.between(1, 2000) : rng.between(1, 125));
  }
  if (k === 4) return writeRegisterRequest(slave, rng.int(65536), rng.int(65536));
  if (k === 5) return { slave, fc: 5, address: rng.int(65536), quantity: 1, data: new Uint8Array([rng.chance(0.5) ? 0xff : 0, 0]) };
  if (k === 6) return writeCoilsRequest(slave, rng.int(60000), Array.from(rng.bytes(rng.between(1, 100))).map((b) => b & 1));
  return writeRegistersRequest(slave, rng.int(60000), Array.from({ length: rng.between(1, 123) }, () => rng.int(65536)));
}

/** A correct answer: data for reads, the echo for writes, or (10 %) an exception. */
function answer(req: ModbusRequest): { adu: Uint8Array; data: Uint8Array | null; exception: boolean } {
  if (rng.chance(0.1)) return { adu: encodeExceptionResponse(req.slave, req.fc, rng.between(1, 11)), data: null, exception: true };
  if (req.fc <= 4) {
    const data = rng.bytes(readByteCount(req.fc, req.quantity));
    return { adu: encodeReadResponse(req.slave, req.fc, data), data, exception: false };
  }
  const echo = req.fc >= 15 ? req.quantity : (req.data![0] << 8) | req.data![1];
  return { adu: encodeWriteResponse(req.slave, req.fc, req.address, echo), data: null, exception: false };
}

function noise(max: number, req: ModbusRequest): Uint8Array {
  const parts: Uint8Array[] = [rng.bytes(rng.int(max + 1))];
  // Sometimes a complete frame from another slave, or a false start (our slave + our function code).
  if (rng.chance(0.2)) parts.push(encodeReadResponse((req.slave % 247) + 1, 3, rng.bytes(rng.between(2, 20))));
  if (rng.chance(0.2)) parts.push(new Uint8Array([req.slave, req.fc, rng.int(256), rng.int(256)]));
  return concatBytes(parts);
}

/** Feeds bytes in random 1..64-byte chunks; returns true when the transaction finished. */
function feed(h: ReturnType<typeof harness>, bytes: Uint8Array, t: number): boolean {
  let i = 0;
  let done = false;
  while (i < bytes.length) {
    const n = Math.min(bytes.length - i, rng.between(1, 64));
    if (h.master.onBytes(bytes.subarray(i, i + n), t)) done = true;
    i += n;
  }
  return done;
}

/** Runs the clock until the transaction ends; bounded, so a hang fails the test. */
function drain(h: ReturnType<typeof harness>, t: number): number {
  for (let k = 0; k < 100 && h.master.busy; k++) {
    t = Math.max(t + 1, h.master.nextDeadline());
    h.master.tick(t);
  }
  expect(h.master.busy).toBe(false);
  return t + 10;
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
    const h = harness();
    let found = 0;
    for (let i = 0; i < EMBEDDED; i++, cases++) {
      const req = randomRequest();
      const a = answer(req);
      h.master.start(req, encodeRequest(req), 0, t);
      feed(h, concatBytes([noise(40, req), a.adu, rng.bytes(rng.int(20))]), t + 5);
      t = drain(h, t + 5);
      expect(h.master.outcome).toBe(a.exception ? OUTCOME_EXCEPTION : OUTCOME_OK);
      if (a.data) expect(bytesEqual(h.master.response!.data!, a.data)).toBe(true);
      found++;
    }
    expect(found).toBe(EMBEDDED);
    expect(attemptsBalance(h.counters, 0) && bytesBalance(h.counters, 0)).toBe(true);
    expect(h.counters.ok + h.counters.exceptions).toBe(EMBEDDED);

    // Mutated answers: never an exception escaping, never a hang, every attempt and byte accounted for.
    const m = harness();
    for (let i = 0; i < MUTATED; i++, cases++) {
      const req = randomRequest();
      const a = answer(req);
      const mut = mutate(a.adu);
      m.master.start(req, encodeRequest(req), rng.int(2), t);
      feed(m, mut.bytes, t + 5);
      t = drain(m, t + 5);
      // CRC-16/MODBUS detects every 1..3-bit error in frames this short.
      if (mut.flipsOnly) expect(m.master.outcome).not.toBe(OUTCOME_OK);
    }
    expect(attemptsBalance(m.counters, 0) && bytesBalance(m.counters, 0)).toBe(true);
    expect(m.counters.crcErrors + m.counters.timeouts + m.counters.invalid).toBeGreaterThan(MUTATED / 2);

    // Pure garbage.
    const g = harness();
    for (let i = 0; i < RANDOM; i++, cases++) {
      const req = randomRequest();
      g.master.start(req, encodeRequest(req), 0, t);
      feed(g, rng.bytes(rng.int(300)), t + 5);
      t = drain(g, t + 5);
    }
    expect(attemptsBalance(g.counters, 0) && bytesBalance(g.counters, 0)).toBe(true);
    expect(g.counters.ok).toBe(0);

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
      const req = randomRequest();
      req.slave = 17;
      const adu = encodeRequest(req);
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
    expect(slave.counters.bytesIn).toBe(slave.counters.bytesFramed + slave.counters.bytesDiscarded);

    expect(cases).toBeGreaterThanOrEqual(100000);
    console.log('modbus fuzz: ' + cases + ' cases in ' + (Date.now() - started) + ' ms');
  });
});
