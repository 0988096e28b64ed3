// Bad input: impossible readings are flagged with a reason, clock steps never count a period twice, and no exception
// escapes the engine whatever is pushed into it.
import { describe, expect, it } from 'vitest';
import { R, S } from '../../protocol/cems/codes';
import { advance, EventCode, G, MA, pushSample } from '../../protocol/cems/engine';
import { Eng } from '../../protocol/plan/format';
import { BENCH_CHANNELS, benchConfig } from '../kit/cems-bench';
import { channelOf } from '../kit/engine';
import {
  DAY,
  HOUR,
  MIN,
  T0,
  engine,
  feedMinute,
  feedStackMinute,
  flush,
  gasConfig,
  minuteValue,
  periodOf,
  push,
  takeOutputView,
  type OutputView,
  type TestEngine,
} from './helpers';
import { seededRandom } from '../../host-sim/prng';

/** The reason bitmask `reasons` has every bit of `bits`. */
function expectReasons(reasons: number, bits: number): void {
  expect(reasons & bits).toBe(bits);
}

function oneMinute(config: object, feed: (e: TestEngine) => void) {
  const e = engine(config);
  feed(e);
  const out = flush(e, T0 + MIN);
  expect(out.minutes).toHaveLength(1);
  return { e, out, m: (q: string) => minuteValue(e, out.minutes[0], q) };
}

describe('impossible readings', () => {
  it('NaN, Infinity and negative concentrations are faults with a reason; valid samples still average', () => {
    const { m, e } = oneMinute(gasConfig('EU_IED_LCP'), (e) => {
      feedStackMinute(e, T0, 12, 100, () => 'VALID');
      push(e, 'so2', T0 + 59000, NaN);
      push(e, 'so2', T0 + 59100, Infinity);
      push(e, 'so2', T0 + 59200, -5);
    });
    const so2 = m('so2');
    expect(so2.st).toBe('VALID');
    expect(so2.v).toBe(100);
    expect(so2.reasons).toBe(R.NOT_FINITE | R.BELOW_MIN);
    expect(e.e.g[G.LATE]).toBe(0);
    expect(e.e.g[G.NON_MONOTONIC]).toBe(0);
  });

  it('a minute of only NaN readings is a FAULT minute and every derived value says its input is invalid', () => {
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => {
      feedMinute(e, ['o2'], T0, 12, 6);
      feedMinute(e, ['so2'], T0 + 100, 12, NaN);
    });
    expect(m('so2').st).toBe('FAULT');
    expect(m('so2.ref').st).toBe('FAULT');
    expectReasons(m('so2.ref').reasons, R.NOT_FINITE);
  });

  it('O2 >= 21 % (or >= 100 %) makes the O2-referenced value a fault, never a division by ~0', () => {
    for (const o2 of [21, 25]) {
      const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? o2 : 100)));
      expect(m('so2.dry').st).toBe('VALID');
      expect(m('so2.ref').st).toBe('FAULT');
      expectReasons(m('so2.ref').reasons, R.O2_RANGE);
    }
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? 101 : 100)));
    expect(m('o2').st).toBe('FAULT');
    expectReasons(m('o2').reasons, R.PHYSICAL);
  });

  it('dry O2 at the configured guard (20 %) invalidates the reference value; just below is computed', () => {
    const at = (o2: number) =>
      oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? o2 : 100))).m('so2.ref');
    expect(at(20).st).toBe('FAULT');
    expectReasons(at(20).reasons, R.O2_GUARD);
    expect(at(19.99).st).toBe('VALID');
  });

  it('moisture >= 100 % invalidates everything converted with it; a constant >= 100 % is a config error', () => {
    const cfg = gasConfig('EU_IED_LCP', {
      channels: [
        { id: 'so2', quantity: 'SO2', unit: 'ppm', water: 'WET', elvDaily: 200 },
        { id: 'o2', quantity: 'O2', unit: 'pct' },
        { id: 'h2o', quantity: 'H2O', unit: 'pct' },
      ],
      moisture: { channel: 'h2o' },
    });
    const { m } = oneMinute(cfg, (e) => feedMinute(e, ['so2', 'o2', 'h2o'], T0, 12, (c) => (c === 'h2o' ? 100 : c === 'o2' ? 6 : 100)));
    expect(m('so2').st).toBe('VALID');
    expect(m('so2.dry').st).toBe('FAULT');
    expectReasons(m('so2.dry').reasons, R.MOISTURE_RANGE);
    expect(() => engine({ ...cfg, moisture: { constantPct: 100 } })).toThrow(/moisture.constantPct/);
  });

  it('readings above the measuring range are OVERRANGE (HJ 212 flag T), and so is the hour they invalidate', () => {
    const cfg = gasConfig('CN_HJ', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm', rangeMax: 500 }, { id: 'o2', quantity: 'O2', unit: 'pct' }] });
    const e = engine(cfg);
    for (let i = 0; i < 60; i++) feedStackMinute(e, T0 + i * MIN, 12, 600);
    const out = flush(e, T0 + HOUR);
    expect(minuteValue(e, out.minutes[0], 'so2').st).toBe('OVERRANGE');
    expectReasons(minuteValue(e, out.minutes[0], 'so2').reasons, R.ABOVE_RANGE);
    expect(periodOf(out, 'so2.ref', T0)).toMatchObject({ status: 'INSUFFICIENT_DATA', cause: 'OVERRANGE' });
  });

  it('a configured channel without any sample is COMMS_LOSS / NO_SAMPLES, and so is everything derived from it', () => {
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2'], T0, 12, 100));
    expect(m('o2').st).toBe('COMMS_LOSS');
    expect(m('o2').reasons).toBe(R.NO_SAMPLES);
    expect(m('so2.dry').st).toBe('VALID');
    expect(m('so2.ref').st).toBe('COMMS_LOSS');
  });

  it('a sample whose status code is no status (past the last, negative, fractional, NaN) is a fault', () => {
    for (const status of [S.COUNT, 255, -1, 0.5, NaN]) {
      const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => {
        feedMinute(e, ['o2'], T0, 12, 6);
        for (let k = 0; k < 12; k++) pushSample(e.e, channelOf(e, 'so2'), T0 + 200 + k * 5000, 100, status, 0);
      });
      expect(m('so2').st).toBe('FAULT');
      expect(m('so2').v).toBeNaN();
    }
  });
});

describe('clock steps (UTC; NTP steps back and forward)', () => {
  const cfg = gasConfig('CN_HJ');
  const totalMinutes = (out: OutputView, q: string) => out.periods.filter((p) => p.q === q).reduce((n, p) => n + p.nMinutes, 0);

  it('samples stamped into a closed minute are rejected as late; nothing is counted twice', () => {
    const e = engine(cfg);
    for (let i = 0; i < 30; i++) feedStackMinute(e, T0 + i * MIN, 12, 100);
    // NTP steps back 10 minutes: the same minutes arrive again
    for (let i = 20; i < 60; i++) feedStackMinute(e, T0 + i * MIN, 12, 100);
    const out = flush(e, T0 + HOUR);
    // minutes 20..28 are closed (late); minute 29 is still open (timestamps not newer than the last: non-monotonic)
    expect(e.e.g[G.LATE]).toBe(9 * 12 * 2);
    expect(e.e.g[G.NON_MONOTONIC]).toBe(12 * 2);
    expect(out.minutes).toHaveLength(60);
    expect(new Set(out.minutes.map((r) => r.startMs)).size).toBe(60);
    expect(totalMinutes(out, 'so2.dry')).toBe(60);
    expect(periodOf(out, 'so2.dry', T0).nValid).toBe(60);
  });

  it('a step back inside the open minute rejects the repeated timestamps per channel', () => {
    const e = engine(cfg);
    for (let k = 0; k < 12; k++) push(e, 'so2', T0 + k * 5000, 100);
    for (let k = 6; k < 12; k++) push(e, 'so2', T0 + k * 5000, 100);
    expect(e.e.g[G.NON_MONOTONIC]).toBe(6);
    expect(e.e.mAcc[channelOf(e, 'so2') * MA.FIELDS + MA.SEEN]).toBe(12);
  });

  it('a step forward closes the skipped periods once, as a single NO_DATA span', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    feedStackMinute(e, T0 + 5 * HOUR + 7 * MIN, 12, 100);
    const out = takeOutputView(e);
    expect(out.periods.filter((p) => p.q === 'so2.dry').map((p) => p.startMs)).toEqual([T0]);
    const gaps = out.events.filter((x) => x.kind === EventCode.NO_DATA);
    expect(gaps).toEqual([{ kind: EventCode.NO_DATA, fromMs: T0 + HOUR, toMs: T0 + 5 * HOUR, out: -1, detail: '' }]);
    const later = flush(e, T0 + 6 * HOUR);
    expect(later.periods.filter((p) => p.q === 'so2.dry').map((p) => p.startMs)).toEqual([T0 + 5 * HOUR]);
  });

  it('a step forward beyond maxGapMs is a clock jump: open periods close as they are, the engine restarts', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    const jumpTo = T0 + 400 * DAY + 3 * MIN;
    feedStackMinute(e, jumpTo, 12, 100);
    const out = takeOutputView(e);
    expect(out.events.filter((x) => x.kind === EventCode.CLOCK_JUMP)).toEqual([
      { kind: EventCode.CLOCK_JUMP, fromMs: T0, toMs: jumpTo, out: -1, detail: '' },
    ]);
    expect(out.days.filter((d) => d.q === 'so2.dry')).toHaveLength(1);
    expect(out.periods.filter((p) => p.q === 'so2.dry')).toHaveLength(1);
    expect(e.e.g[G.PERIOD_START]).toBe(T0 + 400 * DAY);
    // nothing before the jump target is accepted any more
    push(e, 'so2', T0 + 2 * MIN, 100);
    expect(e.e.g[G.LATE]).toBe(1);
  });

  it('advance() going backwards is reported and changes nothing', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    advance(e.e, T0 + 10 * MIN);
    advance(e.e, T0 + 2 * MIN);
    const out = takeOutputView(e);
    expect(out.events.filter((x) => x.kind === EventCode.CLOCK_BACK)).toEqual([
      { kind: EventCode.CLOCK_BACK, fromMs: T0 + 10 * MIN, toMs: T0 + 2 * MIN, out: -1, detail: '' },
    ]);
    expect(out.minutes).toHaveLength(1);
    expect(e.e.g[G.CLOCK_BACK]).toBe(1);
  });

  it('period boundaries are UTC-aligned whatever the first sample time', () => {
    const e = engine(gasConfig('EU_IED_WI'));
    feedStackMinute(e, T0 + 47 * MIN, 12, 100);
    expect(e.e.g[G.PERIOD_START]).toBe(T0 + 30 * MIN);
    expect(e.e.g[G.DAY_START]).toBe(T0);
  });
});

describe('fuzz: nothing escapes, nothing is counted twice', () => {
  it('random valid, invalid, malformed and time-stepping input over a 10-channel stack', () => {
    const r = seededRandom(42);
    const e = engine(benchConfig(5000));
    const channels = BENCH_CHANNELS.map((id) => channelOf(e, id));
    // no channel: outside the table, fractional, not a number, the derived NOx channel
    const noChannel: unknown[] = [-1, e.e.nCh, 0.5, NaN, 'so2', undefined, channelOf(e, 'nox')];
    const statuses: unknown[] = [S.VALID, S.VALID, S.VALID, S.CALIBRATION, S.FAULT, S.STOPPED, S.COMMS_LOSS, S.OUT_OF_CAL_RANGE, S.COUNT];
    const badStatus: unknown[] = [-1, 0.5, NaN, 'VALID', undefined];
    const weird: unknown[] = [NaN, Infinity, -Infinity, -1, 0, 1e308, -0, '12', null, undefined, {}];
    const periodMinutes = e.e.eng[Eng.PERIOD_MINUTES];
    let t = T0;
    const periods = new Set<string>();
    const minutes = new Set<number>();
    let lastMinute = -1;
    const check = (out: OutputView) => {
      for (const p of out.periods) {
        const key = p.q + '@' + p.startMs;
        expect(periods.has(key)).toBe(false);
        periods.add(key);
        expect(p.nMinutes).toBeLessThanOrEqual(periodMinutes);
      }
      for (const m of out.minutes) {
        expect(minutes.has(m.startMs)).toBe(false);
        expect(m.startMs).toBeGreaterThan(lastMinute);
        lastMinute = m.startMs;
        minutes.add(m.startMs);
      }
    };
    const pick = (list: unknown[]) => list[Math.floor(r() * list.length)];
    for (let i = 0; i < 60000; i++) {
      const x = r();
      if (x < 0.002) t -= Math.floor(r() * 20 * MIN); // NTP step back
      else if (x < 0.003) t += Math.floor(r() * 6 * HOUR); // step forward
      else if (x < 0.0031) t += 2 * DAY; // clock jump
      else t += Math.floor(r() * 900);
      const ch = r() < 0.01 ? pick(noChannel) : channels[Math.floor(r() * channels.length)];
      const value = r() < 0.02 ? pick(weird) : r() * 200 - 5;
      const status = r() < 0.01 ? pick(badStatus) : pick(statuses);
      const native = r() < 0.01 ? pick([-1, 0.5, NaN]) : Math.floor(r() * 16);
      const tMs = r() < 0.005 ? t + 0.5 : t;
      // the engine's callers are typed; what a faulty caller could pass anyway is pushed as it is
      pushSample(e.e, ch as number, tMs, value as number, status as number, native as number);
      if (r() < 0.01) advance(e.e, r() < 0.01 ? NaN : t + Math.floor(r() * 2 * MIN));
      if (i % 500 === 0) check(takeOutputView(e));
    }
    advance(e.e, t + 2 * DAY);
    check(takeOutputView(e));
    expect(periods.size).toBeGreaterThan(100);
    const g = e.e.g;
    for (const counter of [G.LATE, G.NON_MONOTONIC, G.BAD_TIME, G.UNKNOWN_CHANNEL, G.CLOCK_BACK]) expect(g[counter]).toBeGreaterThan(0);
  });
});
