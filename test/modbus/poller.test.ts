import { describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/sample';
import { S } from '../../protocol/cems/codes';
import { encodeExceptionResponse, encodeReadResponse } from '../../protocol/modbus/codec';
import { C, DeviceState, H, M, Outcome, type RtuBus } from '../../protocol/modbus/rtu-master';
import { pollerTick, pollerWake } from '../../protocol/modbus/rtu-poller';
import { Group, OrderCode, Read, ValueCode } from '../../protocol/plan/format';
import { SimulatedBus, simulate } from '../../host-sim/modbus/sim';
import { compileRtuPlan, createSampleBus } from '../../host-sim/modbus/rtu-host';
import { defaultSchedule } from '../../host-sim/modbus/analyzer';
import { noFaults } from '../../host-sim/modbus/virtual-bus';
import { KitPlan } from '../kit/modbus-plan';
import { attemptsBalance, harness, line9600, mixedPlant, pollRound } from './helpers';

const T0 = Date.UTC(2026, 0, 15, 10);
const REGISTER_OF: { [channel: string]: [string, string] } = {
  so2: ['gm32', 'c1'],
  no: ['gm32', 'c2'],
  no2: ['gm32', 'c3'],
  nh3: ['gm32', 'c4'],
  co2: ['xstream', 'conc1'],
  o2: ['xstream', 'conc2'],
  so2_t100: ['t100', 'so2Range1'],
  cell_temp: ['t100', 'reactionCellTemp'],
};

/**
 * Every valid sample carries exactly a value the analyzer served (bit-exact float32): the one just served or, when a
 * slow answer to a retried request arrived late, the one before.
 */
function checkServed(mismatches: string[], strict: boolean) {
  return (s: Sample, sim: SimulatedBus): void => {
    if (!s.valid) {
      if (!Number.isNaN(s.value) && s.status === 'COMMS_LOSS') mismatches.push('value on comms loss ' + s.channel);
      return;
    }
    const [dev, reg] = REGISTER_OF[s.channel];
    const h = sim.analyzers[dev].history[reg];
    const ok = strict ? Object.is(h[h.length - 1], s.value) : h.slice(-3).some((v) => Object.is(v, s.value));
    if (!ok) mismatches.push(s.channel + ' ' + s.value + ' not in ' + h.join(','));
  };
}

/** Health field `f` of device `d` (index on the bus). */
function health(r: RtuBus, d: number, f: H): number {
  return r.h[d * H.FIELDS + f];
}

/** Device (index on the bus) of the read in flight, -1 when the bus is idle. */
function deviceInFlight(r: RtuBus): number {
  return r.s[M.BUSY] ? r.p.groups[r.s[M.ACTIVE] * Group.FIELDS + Group.DEVICE] - r.firstDevice : -1;
}

describe('poll scheduler on the virtual bus', () => {
  it('polls every channel at its period with the planned reads and decodes the served values exactly', () => {
    const mismatches: string[] = [];
    const [sim] = simulate(mixedPlant(), { seed: 1, startMs: T0, onSample: checkServed(mismatches, true) });
    const p = sim.plan.rtu;
    const groups = [];
    for (let g = 0; g < p.groups.length / Group.FIELDS; g++) {
      const row = (f: Group) => p.groups[g * Group.FIELDS + f];
      const reads = [];
      for (let i = row(Group.FIRST_READ); i < row(Group.FIRST_READ) + row(Group.N_READS); i++) {
        reads.push([p.reads[i * Read.FIELDS + Read.FC], p.reads[i * Read.FIELDS + Read.ADDRESS], p.reads[i * Read.FIELDS + Read.QUANTITY]]);
      }
      groups.push([sim.plan.buses[0].devices[row(Group.DEVICE)].id, row(Group.PERIOD_MS), reads]);
    }
    expect(groups).toEqual([
      ['gm32', 1000, [[4, 5000, 37]]],
      ['gm32', 5000, [[4, 5051, 3]]],
      ['xstream', 1000, [[3, 6044, 4]]],
      ['t100', 2000, [[2, 0, 25], [4, 34, 2]]],
      ['t100', 10000, [[4, 46, 2]]],
    ]);
    sim.runUntil(T0 + 60000 - 1);
    const samples = sim.drain();
    const count: { [c: string]: number } = {};
    for (const s of samples) count[s.channel] = (count[s.channel] ?? 0) + 1;
    expect(count).toEqual({ so2: 60, no: 60, no2: 60, nh3: 12, co2: 60, o2: 60, so2_t100: 30, cell_temp: 6 });
    expect(samples.every((s) => s.valid && s.status === 'VALID' && Number.isInteger(s.tMs))).toBe(true);
    expect(mismatches).toEqual([]);
    const c = sim.rtu.c;
    expect(c[C.TIMEOUTS] + c[C.CRC_ERRORS] + c[C.RETRIES]).toBe(0);
    expect([0, 1, 2].map((d) => health(sim.rtu, d, H.STATE))).toEqual([DeviceState.OK, DeviceState.OK, DeviceState.OK]);
    expect(sim.rtu.s[M.OVERRUNS]).toBe(0);
    expect(samples.find((s) => s.channel === 'so2')!.source).toBe('rtu:bus1:1:SICK_GM32');
  });

  it('maps calibration, fault and warm-up states to status, keeps native bits and never reports 0.0 as a value', () => {
    const sched = { ...defaultSchedule(), warmupMs: 10000, calOffsetMs: 20000, calPhaseMs: 10000, calPeriodMs: 3600000 };
    sched.faults = [{ startMs: 45000, endMs: 55000 }];
    const [sim] = simulate(mixedPlant(), {
      seed: 2,
      startMs: T0,
      powerOnMs: T0,
      schedules: { gm32: sched, t100: sched, xstream: sched },
    });
    sim.runUntil(T0 + 60000);
    const so2 = sim.drain().filter((s) => s.channel === 'so2' || s.channel === 'so2_t100');
    const at = (ch: string, t: number) => so2.find((s) => s.channel === ch && s.tMs >= T0 + t)!;
    expect(at('so2', 2000)).toMatchObject({ status: 'MAINTENANCE', valid: false, native: 4 });
    expect(at('so2', 2000).value).toBeNaN();
    expect(at('so2', 15000)).toMatchObject({ status: 'VALID', valid: true, native: 0 });
    const zero = at('so2', 22000);
    expect(zero).toMatchObject({ status: 'CALIBRATION', valid: false, native: 256 });
    expect(Number.isNaN(zero.value) || Math.abs(zero.value) < 2).toBe(true);
    expect(at('so2', 32000)).toMatchObject({ status: 'CALIBRATION', native: 256 });
    expect(at('so2', 32000).value).toBeGreaterThan(390);
    expect(at('so2', 46000)).toMatchObject({ status: 'FAULT', valid: false, native: 1 });
    expect(at('so2', 46000).value).toBeNaN();
    expect(at('so2_t100', 23000)).toMatchObject({ status: 'CALIBRATION', native: (1 << 19) | (1 << 16) });
    expect(at('so2_t100', 33000)).toMatchObject({ status: 'CALIBRATION', native: (1 << 19) | (1 << 17) });
    expect(at('so2_t100', 47000)).toMatchObject({ status: 'FAULT', native: 1 << 15 });
    expect(at('so2_t100', 57000)).toMatchObject({ status: 'VALID', valid: true, native: 1 << 19 });
  });

  it('marks a silent analyzer COMMS_LOSS, reports it offline and stops retrying it', () => {
    const [sim] = simulate(mixedPlant(), { seed: 3, startMs: T0 });
    sim.bus.faultsBySlave[2] = { missingResponse: 1 };
    sim.runUntil(T0 + 10000);
    const lost = sim.drain().filter((s) => s.channel === 'co2');
    expect(lost.length).toBeGreaterThanOrEqual(7);
    for (const s of lost) expect(s).toMatchObject({ valid: false, status: 'COMMS_LOSS', native: -1 });
    expect(lost.every((s) => Number.isNaN(s.value))).toBe(true);
    const x = (f: H) => health(sim.rtu, 1, f);
    // An attempt counts into the device when it is sent; its read counts when it is over.
    const inFlight = deviceInFlight(sim.rtu) === 1 ? 1 : 0;
    expect(x(H.STATE)).toBe(DeviceState.OFFLINE);
    expect(x(H.OK)).toBe(0);
    // 3 polls with 2 retries each, then 1 attempt per poll once offline.
    expect(x(H.SENT)).toBe(3 * 3 + (x(H.READS) - 3) + inFlight);
    expect(x(H.TIMEOUTS)).toBe(x(H.SENT) - inFlight);
    expect(x(H.LAST_OK_MS)).toBe(-1);
    expect(health(sim.rtu, 0, H.STATE)).toBe(DeviceState.OK);
  });

  it('survives a hostile bus: no valid sample ever carries a wrong value and every attempt and byte is counted', () => {
    const mismatches: string[] = [];
    const faults = {
      ...noFaults(),
      crcCorruption: 0.15,
      dropByte: 0.1,
      noiseBurst: 0.2,
      slowResponse: 0.05,
      slowDelayMs: 700,
      missingResponse: 0.05,
      exception: 0.05,
      exceptionCode: 6,
    };
    const [sim] = simulate(mixedPlant(), { seed: 4, startMs: T0, faults, onSample: checkServed(mismatches, false) });
    sim.runUntil(T0 + 300000);
    const samples = sim.drain();
    expect(mismatches).toEqual([]);
    const bad = samples.filter((s) => !s.valid);
    expect(bad.length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.valid).length).toBeGreaterThan(samples.length * 0.8);
    for (const s of bad) {
      expect(['COMMS_LOSS', 'FAULT', 'CALIBRATION', 'MAINTENANCE']).toContain(s.status);
      if (s.status === 'COMMS_LOSS') expect(s.value).toBeNaN();
    }
    const c = sim.rtu.c;
    const busy = sim.rtu.s[M.BUSY];
    expect(attemptsBalance(c, busy)).toBe(true);
    if (!busy) expect(c[C.BYTES_IN]).toBe(c[C.BYTES_FRAMED] + c[C.BYTES_DISCARDED]);
    expect(c[C.CRC_ERRORS]).toBeGreaterThan(0);
    expect(c[C.EXCEPTIONS]).toBeGreaterThan(0);
    expect(c[C.RESYNCS]).toBeGreaterThan(0);
    const sum = (f: H) => [0, 1, 2].reduce((a, d) => a + health(sim.rtu, d, f), 0);
    expect(sum(H.SENT)).toBe(c[C.SENT]);
    expect(sum(H.CRC_ERRORS)).toBe(c[C.CRC_ERRORS]);
    expect(sum(H.TIMEOUTS)).toBe(c[C.TIMEOUTS]);
    expect(sim.bus.stats.corrupted + sim.bus.stats.dropped + sim.bus.stats.noiseBytes).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const faults = { ...noFaults(), crcCorruption: 0.1, noiseBurst: 0.1 };
      const [sim] = simulate(mixedPlant(), { seed, startMs: T0, faults });
      sim.runUntil(T0 + 20000);
      return JSON.stringify([sim.drain(), Array.from(sim.rtu.c), Array.from(sim.rtu.h)]);
    };
    expect(run(11)).toBe(run(11));
    expect(run(11)).not.toBe(run(12));
  });

  it('keeps one transaction on the bus at a time', () => {
    const plan = compileRtuPlan(mixedPlant());
    const sim = new SimulatedBus(mixedPlant(), plan, 0, { seed: 5, startMs: T0, faults: { ...noFaults(), missingResponse: 0.3 } });
    const tx = sim.rtu.tx;
    let overlaps = 0;
    sim.rtu.tx = {
      write: (b) => {
        // The attempt being written is the only one not yet over.
        if (!attemptsBalance(sim.rtu.c, 1)) overlaps++;
        tx.write(b);
      },
    };
    sim.runUntil(T0 + 20000);
    expect(sim.rtu.c[C.SENT]).toBeGreaterThan(50);
    expect(overlaps).toBe(0);
    // Request frames never start before the previous answer or timeout: frames on the wire never overlap.
    const f = sim.bus.frames;
    for (let i = 1; i < f.length; i++) expect(f[i].startMs).toBeGreaterThanOrEqual(f[i - 1].endMs - 1e-9);
    expect(pollerWake(createSampleBus(plan, 0, { write: () => {} }, () => {}))).toBe(0);
  });
});

/** Slave 9, two reads per poll (input registers 0..1, holding register 10), one float32 channel on each. */
function twoReads(over = {}): KitPlan {
  const k = new KitPlan(9, line9600({ retries: 2, ...over }), 1000);
  k.channel(k.read(4, 0, 2), 0, ValueCode.FLOAT32, OrderCode.ABCD, 1, 1, 0);
  k.channel(k.read(3, 10, 1), 0, ValueCode.INT16, OrderCode.ABCD, 1, 1, 0);
  return k;
}

describe('poll scheduler on a one-device plan', () => {
  it('turns exceptions 01-04 into FAULT and other exceptions into COMMS_LOSS, without retries', () => {
    for (const [code, status] of [[1, S.FAULT], [2, S.FAULT], [3, S.FAULT], [4, S.FAULT], [5, S.COMMS_LOSS], [6, S.COMMS_LOSS], [10, S.COMMS_LOSS], [11, S.COMMS_LOSS]]) {
      const h = harness(twoReads());
      const e = pollRound(h, [encodeExceptionResponse(9, 4, code), encodeReadResponse(9, 3, new Uint8Array([0, 7]))], 0);
      expect(e.map(([acq, , value, st]) => [acq, value, st])).toEqual([[0, NaN, status], [1, 7, S.VALID]]);
      expect(h.written.length).toBe(2);
      expect([h.r.h[H.STATE], h.r.h[H.LAST_EXCEPTION], h.r.h[H.EXCEPTIONS], h.r.h[H.FAILED_READS]]).toEqual([DeviceState.OK, code, 1, 0]);
    }
  });

  it('skips the rest of a device poll after a timeout', () => {
    const h = harness(twoReads());
    for (let t = 0; h.emitted.length === 0; t++) pollerTick(h.r, t);
    // Three attempts at the first read; the second read is not even tried.
    expect(h.written.length).toBe(3);
    expect(h.emitted.map(([acq, , value, st]) => [acq, value, st])).toEqual([[0, NaN, S.COMMS_LOSS], [1, NaN, S.COMMS_LOSS]]);
    expect(Array.from(h.r.outcome)).toEqual([Outcome.TIMEOUT, Outcome.SKIPPED]);
    expect([h.r.h[H.READS], h.r.h[H.FAILED_READS], h.r.h[H.STATE]]).toEqual([1, 2, DeviceState.DEGRADED]);
  });

  it('polls an offline device with one attempt per read and brings it back when it answers', () => {
    const h = harness(twoReads({ offlineAfter: 2 }));
    const attempts: number[] = [];
    let t = 0;
    for (let polled = 0; attempts.length < 4; t++) {
      pollerTick(h.r, t);
      if (h.emitted.length > 2 * attempts.length) {
        attempts.push(h.written.length - polled);
        polled = h.written.length;
      }
    }
    expect(attempts).toEqual([3, 3, 1, 1]);
    expect(h.r.h[H.STATE]).toBe(DeviceState.OFFLINE);
    const due = pollerWake(h.r);
    const e = pollRound(h, [encodeReadResponse(9, 4, new Uint8Array([0x41, 0xac, 0, 0])), encodeReadResponse(9, 3, new Uint8Array([0xff, 0xfe]))], due);
    expect(e.map(([acq, , value, st]) => [acq, value, st])).toEqual([[0, 21.5, S.VALID], [1, -2, S.VALID]]);
    // The second answer came 10 ms after the gap that followed the first.
    expect([h.r.h[H.STATE], h.r.h[H.CONSECUTIVE_FAILURES], h.r.h[H.LAST_OK_MS]]).toEqual([DeviceState.OK, 0, due + 10 + 4 + 10]);
  });

  it('counts an overrun when a poll starts more than one period after it was due', () => {
    const k = new KitPlan(9, line9600({ responseTimeoutMs: 1500, retries: 0 }), 1000);
    k.channel(k.read(4, 0, 2), 0, ValueCode.FLOAT32, OrderCode.ABCD, 1, 1, 0);
    const h = harness(k);
    for (let t = 0; t <= 5000; t++) pollerTick(h.r, t);
    // Each unanswered poll takes 1509 ms plus the gap: the poll due at 2000 starts at 3026.
    expect(h.emitted.map(([, t]) => t)).toEqual([1509, 3022, 4535]);
    expect(h.r.s[M.OVERRUNS]).toBe(1);
  });
});
