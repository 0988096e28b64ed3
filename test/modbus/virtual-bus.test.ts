import { describe, expect, it } from 'vitest';
import { encodeRequest, readRequest } from '../../protocol/modbus/codec';
import { VirtualAnalyzer, defaultSchedule, modelFor } from '../../host-sim/modbus/analyzer';
import { VirtualBus, defaultTimingModel, noFaults } from '../../host-sim/modbus/virtual-bus';
import { Prng } from '../../host-sim/prng';

const LINE = { baud: 9600, dataBits: 8, parity: 'even' as const, stopBits: 1 };
const T = Date.UTC(2026, 0, 15, 0);

function rig(faults = noFaults()) {
  const bus = new VirtualBus(LINE, 1, faults, defaultTimingModel());
  const gm32 = new VirtualAnalyzer({ address: 1, model: modelFor('SICK_GM32'), schedule: defaultSchedule(), seed: 2, powerOnMs: T - 3600000 });
  bus.attach(gm32);
  bus.now = T;
  const chunks: { t: number; n: number }[] = [];
  const got: number[] = [];
  bus.onMasterReceive = (c, t) => {
    chunks.push({ t, n: c.length });
    got.push(...c);
  };
  return { bus, gm32, chunks, got };
}

describe('virtual RS-485 bus', () => {
  it('models wire time per character (8E1: 11 bits) and answers after a turnaround in 1..64-byte chunks', () => {
    const { bus, chunks, got } = rig();
    const req = encodeRequest(readRequest(1, 4, 5000, 120));
    bus.masterTx.write(req);
    while (bus.nextEventMs() >= 0) bus.runNext();
    const [tx, rx] = bus.frames;
    expect(tx).toMatchObject({ from: 'master', bytes: 8 });
    expect(tx.endMs - tx.startMs).toBeCloseTo((8 * 11 * 1000) / 9600, 3);
    expect(rx).toMatchObject({ from: 'slave', bytes: 245 });
    expect(rx.endMs - rx.startMs).toBeCloseTo((245 * 11 * 1000) / 9600, 3);
    expect(rx.startMs - tx.endMs).toBeGreaterThanOrEqual(5);
    expect(rx.startMs - tx.endMs).toBeLessThanOrEqual(15);
    expect(got.length).toBe(245);
    expect(chunks.every((c) => c.n >= 1 && c.n <= 64)).toBe(true);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i].t).toBeGreaterThanOrEqual(chunks[i - 1].t);
    expect(chunks[chunks.length - 1].t).toBeGreaterThanOrEqual(rx.endMs);
    expect(bus.stats.busyUs).toBeCloseTo(((8 + 245) * 11 * 1e6) / 9600, 3);
  });

  it('injects each kind of fault, deterministically', () => {
    const run = () => {
      const { bus, got } = rig({ ...noFaults(), crcCorruption: 0.3, dropByte: 0.3, noiseBurst: 0.3, missingResponse: 0.1, exception: 0.1, slowResponse: 0.1 });
      for (let i = 0; i < 200; i++) {
        bus.masterTx.write(encodeRequest(readRequest(1, 4, 5000, 3)));
        bus.runUntil(bus.now + 3000);
      }
      return { stats: { ...bus.stats }, got: got.join(',') };
    };
    const a = run();
    expect(a.stats.corrupted).toBeGreaterThan(30);
    expect(a.stats.dropped).toBeGreaterThan(30);
    expect(a.stats.noiseBytes).toBeGreaterThan(30);
    expect(a.stats.missing).toBeGreaterThan(5);
    expect(a.stats.exceptions).toBeGreaterThan(5);
    expect(a.stats.slow).toBeGreaterThan(5);
    expect(run()).toEqual(a);
  });
});

describe('virtual analyzers', () => {
  it('follow a diurnal load with noise, and write the served values in the profile layout', () => {
    const sched = { ...defaultSchedule(), calPeriodMs: 0 };
    const a = new VirtualAnalyzer({ address: 1, model: modelFor('SICK_GM32'), schedule: sched, seed: 3, powerOnMs: T - 3600000 });
    const mean = (hourUtc: number) => {
      let s = 0;
      for (let i = 0; i < 50; i++) {
        a.update(T + hourUtc * 3600000 + i * 1000);
        s += a.current.c1;
      }
      return s / 50;
    };
    const night = mean(3);
    const afternoon = mean(15);
    expect(afternoon).toBeGreaterThan(night * 1.4);
    const b = a.registerBytes(4, 5000, 3);
    expect(new DataView(b.buffer).getFloat32(0)).toBe(a.current.c1);
    expect((b[4] << 8) | b[5]).toBe(0);
  });

  it('walk through warm-up, calibration, fault and maintenance states', () => {
    const sched = { warmupMs: 1000, calPeriodMs: 10000, calOffsetMs: 2000, calPhaseMs: 1000, faults: [{ startMs: 5000, endMs: 6000 }], maintenance: [{ startMs: 7000, endMs: 8000 }] };
    const a = new VirtualAnalyzer({ address: 1, model: modelFor('TELEDYNE_T'), schedule: sched, seed: 4, powerOnMs: T });
    const states = [500, 1500, 2500, 3500, 4500, 5500, 7500, 12500].map((t) => a.state(T + t));
    expect(states).toEqual(['warmup', 'normal', 'zero', 'span', 'normal', 'fault', 'maintenance', 'zero']);
    a.update(T + 5500);
    expect(a.current.so2Range1).toBe(0);
    expect(a.nativeStatus.warnings).toBe(1 << 15);
  });

  it('seeded PRNG repeats per seed', () => {
    const x = new Prng(5);
    const y = new Prng(5);
    const seq = Array.from({ length: 5 }, () => x.next());
    expect(Array.from({ length: 5 }, () => y.next())).toEqual(seq);
    expect(new Prng(6).next()).not.toBe(seq[0]);
  });
});
