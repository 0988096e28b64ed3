// Bad input: impossible readings are flagged with a reason, clock steps never count a period twice, and no exception
// escapes the engine whatever is pushed into it.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../protocol/sample';
import { advance, pushSample, takeOutput } from '../../protocol/cems/engine';
import type { CemsOutput } from '../../protocol/cems/engine';
import { reasonNames } from '../../protocol/cems/reasons';
import { BENCH_CHANNELS, benchConfig } from '../../protocol/cems/bench-loop';
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
  sample,
} from './helpers';
import { seededRandom } from '../../host-sim/prng';

function oneMinute(config: object, feed: (e: ReturnType<typeof engine>) => void) {
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
      pushSample(e, sample('so2', T0 + 59000, NaN));
      pushSample(e, sample('so2', T0 + 59100, Infinity));
      pushSample(e, sample('so2', T0 + 59200, -5));
    });
    const so2 = m('so2');
    expect(so2.st).toBe('VALID');
    expect(so2.v).toBe(100);
    expect(reasonNames(so2.reasons)).toEqual(['NOT_FINITE', 'BELOW_MIN']);
    expect(e.state.rejected).toMatchObject({ late: 0, nonMonotonic: 0 });
  });

  it('a minute of only NaN readings is a FAULT minute and every derived value says its input is invalid', () => {
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => {
      feedMinute(e, ['o2'], T0, 12, 6);
      feedMinute(e, ['so2'], T0 + 100, 12, NaN);
    });
    expect(m('so2').st).toBe('FAULT');
    expect(m('so2.ref').st).toBe('FAULT');
    expect(reasonNames(m('so2.ref').reasons)).toContain('NOT_FINITE');
  });

  it('O2 >= 21 % (or >= 100 %) makes the O2-referenced value a fault, never a division by ~0', () => {
    for (const o2 of [21, 25]) {
      const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? o2 : 100)));
      expect(m('so2.dry').st).toBe('VALID');
      expect(m('so2.ref').st).toBe('FAULT');
      expect(reasonNames(m('so2.ref').reasons)).toContain('O2_RANGE');
    }
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? 101 : 100)));
    expect(m('o2').st).toBe('FAULT');
    expect(reasonNames(m('o2').reasons)).toContain('PHYSICAL');
  });

  it('dry O2 at the configured guard (20 %) invalidates the reference value; just below is computed', () => {
    const at = (o2: number) =>
      oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2', 'o2'], T0, 12, (c) => (c === 'o2' ? o2 : 100))).m('so2.ref');
    expect(at(20).st).toBe('FAULT');
    expect(reasonNames(at(20).reasons)).toContain('O2_GUARD');
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
    expect(reasonNames(m('so2.dry').reasons)).toContain('MOISTURE_RANGE');
    expect(() => engine({ ...cfg, moisture: { constantPct: 100 } })).toThrow(/moisture.constantPct/);
  });

  it('readings above the measuring range are OVERRANGE (HJ T)', () => {
    const cfg = gasConfig('CN_HJ', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm', rangeMax: 500 }, { id: 'o2', quantity: 'O2', unit: 'pct' }] });
    const e = engine(cfg);
    for (let i = 0; i < 60; i++) feedStackMinute(e, T0 + i * MIN, 12, 600);
    const out = flush(e, T0 + HOUR);
    expect(minuteValue(e, out.minutes[0], 'so2').st).toBe('OVERRANGE');
    expect(periodOf(out, 'so2.ref', T0).hj).toBe('T');
  });

  it('a configured channel without any sample is COMMS_LOSS / NO_SAMPLES, and so is everything derived from it', () => {
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => feedMinute(e, ['so2'], T0, 12, 100));
    expect(m('o2').st).toBe('COMMS_LOSS');
    expect(reasonNames(m('o2').reasons)).toEqual(['NO_SAMPLES']);
    expect(m('so2.dry').st).toBe('VALID');
    expect(m('so2.ref').st).toBe('COMMS_LOSS');
  });

  it('a sample claiming VALID with valid=false, or an unknown status, is a fault', () => {
    const { m } = oneMinute(gasConfig('EU_IED_LCP'), (e) => {
      feedMinute(e, ['o2'], T0, 12, 6);
      for (let k = 0; k < 12; k++) {
        pushSample(e, { ...sample('so2', T0 + 200 + k * 5000, 100), valid: false });
        pushSample(e, { ...sample('so2', T0 + 300 + k * 5000, 100), status: 'BOGUS' as never });
      }
    });
    expect(m('so2').st).toBe('FAULT');
  });
});

describe('clock steps (UTC; NTP steps back and forward)', () => {
  const cfg = gasConfig('CN_HJ');
  const totalMinutes = (out: CemsOutput, q: string) => out.periods.filter((p) => p.q === q).reduce((n, p) => n + p.nMinutes, 0);

  it('samples stamped into a closed minute are rejected as late; nothing is counted twice', () => {
    const e = engine(cfg);
    for (let i = 0; i < 30; i++) feedStackMinute(e, T0 + i * MIN, 12, 100);
    // NTP steps back 10 minutes: the same minutes arrive again
    for (let i = 20; i < 60; i++) feedStackMinute(e, T0 + i * MIN, 12, 100);
    const out = flush(e, T0 + HOUR);
    // minutes 20..28 are closed (late); minute 29 is still open (timestamps not newer than the last: non-monotonic)
    expect(e.state.rejected.late).toBe(9 * 12 * 2);
    expect(e.state.rejected.nonMonotonic).toBe(12 * 2);
    expect(out.minutes).toHaveLength(60);
    expect(new Set(out.minutes.map((r) => r.startMs)).size).toBe(60);
    expect(totalMinutes(out, 'so2.dry')).toBe(60);
    expect(periodOf(out, 'so2.dry', T0).nValid).toBe(60);
  });

  it('a step back inside the open minute rejects the repeated timestamps per channel', () => {
    const e = engine(cfg);
    for (let k = 0; k < 12; k++) pushSample(e, sample('so2', T0 + k * 5000, 100));
    for (let k = 6; k < 12; k++) pushSample(e, sample('so2', T0 + k * 5000, 100));
    expect(e.state.rejected.nonMonotonic).toBe(6);
    expect(e.state.minute[0].seen).toBe(12);
  });

  it('a step forward closes the skipped periods once, as a single NO_DATA span', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    feedStackMinute(e, T0 + 5 * HOUR + 7 * MIN, 12, 100);
    const out = takeOutput(e);
    expect(out.periods.filter((p) => p.q === 'so2.dry').map((p) => p.startMs)).toEqual([T0]);
    const gaps = out.events.filter((x) => x.kind === 'NO_DATA');
    expect(gaps).toEqual([{ kind: 'NO_DATA', fromMs: T0 + HOUR, toMs: T0 + 5 * HOUR, q: '', detail: '' }]);
    const later = flush(e, T0 + 6 * HOUR);
    expect(later.periods.filter((p) => p.q === 'so2.dry').map((p) => p.startMs)).toEqual([T0 + 5 * HOUR]);
  });

  it('a step forward beyond maxGapMs is a clock jump: open periods close as they are, the engine restarts', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    const jumpTo = T0 + 400 * DAY + 3 * MIN;
    feedStackMinute(e, jumpTo, 12, 100);
    const out = takeOutput(e);
    expect(out.events.filter((x) => x.kind === 'CLOCK_JUMP')).toEqual([{ kind: 'CLOCK_JUMP', fromMs: T0, toMs: jumpTo, q: '', detail: '' }]);
    expect(out.days.filter((d) => d.q === 'so2.dry')).toHaveLength(1);
    expect(out.periods.filter((p) => p.q === 'so2.dry')).toHaveLength(1);
    expect(e.state.periodStartMs).toBe(T0 + 400 * DAY);
    // nothing before the jump target is accepted any more
    pushSample(e, sample('so2', T0 + 2 * MIN, 100));
    expect(e.state.rejected.late).toBe(1);
  });

  it('advance() going backwards is reported and changes nothing', () => {
    const e = engine(cfg);
    feedStackMinute(e, T0, 12, 100);
    advance(e, T0 + 10 * MIN);
    advance(e, T0 + 2 * MIN);
    const out = takeOutput(e);
    expect(out.events.filter((x) => x.kind === 'CLOCK_BACK')).toHaveLength(1);
    expect(out.minutes).toHaveLength(1);
    expect(e.state.rejected.clockBack).toBe(1);
  });

  it('period boundaries are UTC-aligned whatever the first sample time', () => {
    const e = engine(gasConfig('EU_IED_WI'));
    feedStackMinute(e, T0 + 47 * MIN, 12, 100);
    expect(e.state.periodStartMs).toBe(T0 + 30 * MIN);
    expect(e.state.dayStartMs).toBe(T0);
  });
});

describe('fuzz: nothing escapes, nothing is counted twice', () => {
  it('random valid, invalid, malformed and time-stepping input over a 10-channel stack', () => {
    const r = seededRandom(42);
    const e = engine(benchConfig(5000));
    const statuses = ['VALID', 'VALID', 'VALID', 'CALIBRATION', 'FAULT', 'STOPPED', 'COMMS_LOSS', 'OUT_OF_CAL_RANGE', 'X'];
    const weird: unknown[] = [NaN, Infinity, -Infinity, -1, 0, 1e308, -0, '12', null, undefined, {}];
    let t = T0;
    const periods = new Set<string>();
    const minutes = new Set<number>();
    let lastMinute = -1;
    const check = (out: CemsOutput) => {
      for (const p of out.periods) {
        const key = p.q + '@' + p.startMs;
        expect(periods.has(key)).toBe(false);
        periods.add(key);
        expect(p.nMinutes).toBeLessThanOrEqual(p.minutes);
      }
      for (const m of out.minutes) {
        expect(minutes.has(m.startMs)).toBe(false);
        expect(m.startMs).toBeGreaterThan(lastMinute);
        lastMinute = m.startMs;
        minutes.add(m.startMs);
      }
      expect(out.events.filter((x) => x.kind === 'ENGINE_ERROR')).toEqual([]);
    };
    for (let i = 0; i < 60000; i++) {
      const x = r();
      if (x < 0.002) t -= Math.floor(r() * 20 * MIN); // NTP step back
      else if (x < 0.003) t += Math.floor(r() * 6 * HOUR); // step forward
      else if (x < 0.0031) t += 2 * DAY; // clock jump
      else t += Math.floor(r() * 900);
      const ch = r() < 0.01 ? 'nope' : BENCH_CHANNELS[Math.floor(r() * BENCH_CHANNELS.length)];
      const value = r() < 0.02 ? weird[Math.floor(r() * weird.length)] : r() * 200 - 5;
      const status = statuses[Math.floor(r() * statuses.length)];
      const s = { channel: ch, tMs: r() < 0.005 ? t + 0.5 : t, value, valid: r() < 0.9, status, native: Math.floor(r() * 16), source: 'fuzz' };
      pushSample(e, (r() < 0.001 ? null : s) as Sample);
      if (r() < 0.01) advance(e, r() < 0.01 ? NaN : t + Math.floor(r() * 2 * MIN));
      if (i % 500 === 0) check(takeOutput(e));
    }
    advance(e, t + 2 * DAY);
    check(takeOutput(e));
    expect(periods.size).toBeGreaterThan(100);
  });
});
