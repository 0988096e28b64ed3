import { describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/sample';
import { ModbusConfig, resolveModbusConfig } from '../../protocol/modbus/config';
import { Poller } from '../../protocol/modbus/poller';
import { SimulatedBus, simulate } from '../../host-sim/modbus/sim';
import { defaultSchedule } from '../../host-sim/modbus/analyzer';
import { noFaults } from '../../host-sim/modbus/virtual-bus';
import { mixedPlant } from './helpers';

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

describe('poll scheduler on the virtual bus', () => {
  it('polls every channel at its period with the planned reads and decodes the served values exactly', () => {
    const mismatches: string[] = [];
    const [sim] = simulate(mixedPlant(), { seed: 1, startMs: T0, onSample: checkServed(mismatches, true) });
    const plans = sim.poller.groups.map((g) => [g.device.dev.id, g.periodMs, g.reads.map((r) => [r.req.fc, r.req.address, r.req.quantity])]);
    expect(plans).toEqual([
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
    const h = sim.poller.health();
    expect(h.counters.timeouts + h.counters.crcErrors + h.counters.retries).toBe(0);
    expect(h.devices.map((d) => d.state)).toEqual(['OK', 'OK', 'OK']);
    expect(h.overruns).toBe(0);
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
    const cfg: ModbusConfig = mixedPlant();
    const [sim] = simulate(cfg, { seed: 3, startMs: T0 });
    sim.bus.faultsBySlave[2] = { missingResponse: 1 };
    sim.runUntil(T0 + 10000);
    const lost = sim.drain().filter((s) => s.channel === 'co2');
    expect(lost.length).toBeGreaterThanOrEqual(7);
    for (const s of lost) expect(s).toMatchObject({ valid: false, status: 'COMMS_LOSS', native: -1 });
    expect(lost.every((s) => Number.isNaN(s.value))).toBe(true);
    const x = sim.poller.health().devices[1];
    expect(x.state).toBe('OFFLINE');
    expect(x.ok).toBe(0);
    // 3 polls with 2 retries each, then 1 attempt per poll once offline.
    expect(x.sent).toBe(3 * 3 + (x.reads - 3));
    expect(x.timeouts).toBe(x.sent);
    expect(x.lastOkMs).toBe(-1);
    const gm = sim.poller.health().devices[0];
    expect(gm.state).toBe('OK');
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
    const c = sim.poller.health().counters;
    const busy = sim.poller.master.busy ? 1 : 0;
    expect(c.sent).toBe(c.ok + c.exceptions + c.crcErrors + c.timeouts + c.invalid + c.broadcasts + busy);
    if (!busy) expect(c.bytesIn).toBe(c.bytesFramed + c.bytesDiscarded);
    expect(c.crcErrors).toBeGreaterThan(0);
    expect(c.exceptions).toBeGreaterThan(0);
    expect(c.resyncs).toBeGreaterThan(0);
    const devs = sim.poller.health().devices;
    expect(devs.reduce((a, d) => a + d.sent, 0)).toBe(c.sent - busy);
    expect(devs.reduce((a, d) => a + d.crcErrors, 0)).toBe(c.crcErrors);
    expect(sim.bus.stats.corrupted + sim.bus.stats.dropped + sim.bus.stats.noiseBytes).toBeGreaterThan(0);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const faults = { ...noFaults(), crcCorruption: 0.1, noiseBurst: 0.1 };
      const [sim] = simulate(mixedPlant(), { seed, startMs: T0, faults });
      sim.runUntil(T0 + 20000);
      return JSON.stringify(sim.drain()) + JSON.stringify(sim.poller.health());
    };
    expect(run(11)).toBe(run(11));
    expect(run(11)).not.toBe(run(12));
  });

  it('keeps one transaction on the bus at a time', () => {
    const [bus] = resolveModbusConfig(mixedPlant());
    const sim = new SimulatedBus(mixedPlant(), bus, { seed: 5, startMs: T0, faults: { ...noFaults(), missingResponse: 0.3 } });
    const m = sim.poller.master;
    const start = m.start.bind(m);
    let overlaps = 0;
    m.start = (...args: Parameters<typeof m.start>) => {
      if (m.busy) overlaps++;
      start(...args);
    };
    sim.runUntil(T0 + 20000);
    expect(overlaps).toBe(0);
    // Request frames never start before the previous answer or timeout: frames on the wire never overlap.
    const f = sim.bus.frames;
    for (let i = 1; i < f.length; i++) expect(f[i].startMs).toBeGreaterThanOrEqual(f[i - 1].endMs - 1e-9);
    expect(new Poller(bus, { write: () => {} }, () => {}).nextWakeMs()).toBe(0);
  });
});
