// Substitution: MRR Annex VIII Eq. 4 and the Part 75 standard missing-data ladder, each value marked with method and
// native code; HJ profiles flag and never fill.
import { describe, expect, it } from 'vitest';
import { newP75State, p75Availability, p75Closed, p75Missing, p75Valid, type P75State } from '../../protocol/cems/p75';
import { Modc } from '../../protocol/cems/codes';
import { EventCode, MRR, SubstMethod, takeOutput } from '../../protocol/cems/engine';
import { OutClose } from '../../protocol/plan/format';
import { MRR_CO2_CONFIG, V2_HOURLY_CO2 } from '../kit/cems-vectors';
import { closePeriodWithMean, engineOf, outputOf } from '../kit/engine';
import { engine, feedMinute, flush, gasConfig, HOUR, MIN, T0, outputDef, periodOf } from './helpers';

const MPC = 5000;

function valid(s: P75State, v: number, inverse = false) {
  const fill = p75Valid(s, v, MPC, inverse);
  p75Closed(s);
  return fill;
}

function missing(s: P75State, n: number): void {
  for (let i = 0; i < n; i++) p75Missing(s, T0 + i * HOUR, NaN);
}

/** 720 quality-assured hours with the values 1..720 (last value, the "hour before", is 720). */
function lookback(inverse = false): P75State {
  const s = newP75State();
  for (let v = 1; v <= 720; v++) expect(p75Valid(s, v, MPC, inverse)).toBeNull();
  return s;
}

/** Adds `k` resolved missing hours (closed by the value 1, which replaces the oldest lookback value 1). */
function history(s: P75State, k: number): void {
  missing(s, k);
  valid(s, 1);
}

describe('Part 75 §75.33 standard missing data (concentrations)', () => {
  it('initial missing-data procedure before 720 QA hours: mean of the hour before and after, MODC 07', () => {
    const s = newP75State();
    valid(s, 100);
    missing(s, 3);
    const f = valid(s, 120)!;
    expect(f).toMatchObject({ v: 110, modc: Modc.INITIAL, gapHours: 3 });
    expect(f.pma).toBeNaN();
  });

  it('PMA >= 95 %, gap <= 24 h: before/after mean (06); gap of 25 h: greater of 90th percentile and mean (08)', () => {
    let s = lookback();
    missing(s, 24);
    expect(valid(s, 100)).toMatchObject({ v: 410, modc: Modc.BEFORE_AFTER, gapHours: 24 });
    s = lookback();
    missing(s, 25);
    const f = valid(s, 100)!;
    expect(f.pma).toBeCloseTo((720 * 100) / 745, 10);
    expect(f).toMatchObject({ v: 648, modc: Modc.P90 }); // nearest rank ceil(0.9 * 720) = 648
    s = lookback();
    missing(s, 25);
    expect(valid(s, 700)).toMatchObject({ v: 710, modc: Modc.BEFORE_AFTER }); // the mean is greater
  });

  it('90 % <= PMA < 95 %: mean for gaps <= 8 h, greater of 95th percentile and mean above (09)', () => {
    let s = lookback();
    history(s, 60);
    missing(s, 8);
    const a = valid(s, 100)!;
    expect(a.pma).toBeLessThan(95);
    expect(a.pma).toBeGreaterThanOrEqual(90);
    expect(a).toMatchObject({ v: 50.5, modc: Modc.BEFORE_AFTER });
    s = lookback();
    history(s, 60);
    missing(s, 9);
    expect(valid(s, 100)).toMatchObject({ v: 684, modc: Modc.P95 });
  });

  it('80 % <= PMA < 90 %: maximum of the lookback (10); PMA < 80 %: maximum potential concentration (12)', () => {
    let s = lookback();
    history(s, 120);
    missing(s, 1);
    const a = valid(s, 100)!;
    expect(a.pma).toBeGreaterThanOrEqual(80);
    expect(a.pma).toBeLessThan(90);
    expect(a).toMatchObject({ v: 720, modc: Modc.MAX_LOOKBACK });
    s = lookback();
    history(s, 200);
    missing(s, 1);
    const b = valid(s, 100)!;
    expect(b.pma).toBeLessThan(80);
    expect(b).toMatchObject({ v: MPC, modc: Modc.MAX_POTENTIAL });
  });

  it('tier boundaries are exact: a PMA of exactly 95 %, 90 % or 80 % belongs to the higher tier', () => {
    const at = (validHours: number, gap: number) => {
      const s = newP75State();
      for (let v = 1; v <= validHours; v++) p75Valid(s, v, MPC, false);
      missing(s, gap);
      return valid(s, 1)!;
    };
    expect(at(760, 40)).toMatchObject({ pma: 95, modc: Modc.P90 }); // 760 / 800, gap > 24 h: 90th percentile
    expect(at(759, 41).modc).toBe(Modc.P95); // 759 / 800 < 95 %
    expect(at(900, 100)).toMatchObject({ pma: 90, modc: Modc.P95 }); // 900 / 1000, gap > 8 h: 95th percentile
    expect(at(899, 101).modc).toBe(Modc.MAX_LOOKBACK); // < 90 %: maximum of the lookback
    expect(at(800, 200)).toMatchObject({ pma: 80, modc: Modc.MAX_LOOKBACK }); // 800 / 1000
    expect(at(799, 201).modc).toBe(Modc.MAX_POTENTIAL); // < 80 %: maximum potential concentration
  });

  it('O2 (inverse): 10th percentile and minimum are the conservative values', () => {
    let s = lookback(true);
    missing(s, 25);
    expect(valid(s, 100, true)).toMatchObject({ v: 72, modc: Modc.P90 });
    s = lookback(true);
    history(s, 120);
    missing(s, 1);
    expect(valid(s, 100, true)).toMatchObject({ v: 1, modc: Modc.MAX_LOOKBACK });
  });

  it('PMA switches from Eq. 8 (since start) to Eq. 9 (last 8,760 operating hours)', () => {
    const s = newP75State();
    missing(s, 100);
    p75Closed(s);
    for (let i = 0; i < 8660; i++) p75Valid(s, 1, MPC, false);
    expect(p75Availability(s)).toEqual({ avail: 8660, op: 8760 });
    for (let i = 0; i < 100; i++) p75Valid(s, 1, MPC, false);
    expect(p75Availability(s)).toEqual({ avail: 8760, op: 8760 }); // the 100 missing hours left the window
  });
});

describe('Part 75 substitution through the engine', () => {
  const cfg = gasConfig('US_P75', {
    channels: [
      { id: 'so2', quantity: 'SO2', unit: 'ppm', mpc: 2000 },
      { id: 'o2', quantity: 'O2', unit: 'pct' },
      { id: 'vel', quantity: 'VELOCITY', unit: 'm/s' },
    ],
    moisture: { constantPct: 10 },
    stack: { temperature: { constant: 150 }, staticPressure: { constant: 0 }, ambientPressure: { constant: 101325 } },
    flow: { velocity: 'vel', areaM2: 10 },
  });

  it('a gap is filled when it ends: one run for the concentration, one mass substitute per hour with valid flow', () => {
    const e = engine(cfg);
    const value = (so2: number) => (c: string) => (c === 'so2' ? so2 : c === 'o2' ? 6 : 10);
    for (let m = 0; m < 60; m++) feedMinute(e, ['so2', 'o2', 'vel'], T0 + m * MIN, 4, value(100));
    for (let m = 60; m < 180; m++) {
      feedMinute(e, ['o2', 'vel'], T0 + m * MIN, 4, value(0));
      feedMinute(e, ['so2'], T0 + m * MIN + 30000, 4, 0, () => 'FAULT');
    }
    const mid = flush(e, T0 + 3 * HOUR);
    expect(mid.subs).toHaveLength(0);
    expect(periodOf(mid, 'so2.dry', T0 + HOUR).pendingSubstitution).toBe(true);
    for (let m = 180; m < 240; m++) feedMinute(e, ['so2', 'o2', 'vel'], T0 + m * MIN, 4, value(120));
    const out = flush(e, T0 + 4 * HOUR);
    const conc = out.subs.filter((x) => x.q === 'so2.dry');
    expect(conc).toHaveLength(1);
    expect(conc[0]).toMatchObject({ startMs: T0 + HOUR, periods: 2, code: Modc.INITIAL, method: SubstMethod.P75, gap: 2 });
    const before = periodOf(mid, 'so2.dry', T0).reported;
    const after = periodOf(out, 'so2.dry', T0 + 3 * HOUR).reported;
    expect(conc[0].v).toBe((before + after) / 2);
    const mass = out.subs.filter((x) => x.q === 'so2.mass');
    expect(mass.map((x) => x.startMs)).toEqual([T0 + HOUR, T0 + 2 * HOUR]);
    const flow = periodOf(mid, 'flow.ndry', T0 + HOUR).reported;
    expect(mass[0].v).toBeCloseTo((conc[0].v * flow) / 1e6, 9);
    for (const x of out.subs) expect(x).toMatchObject({ method: SubstMethod.P75, code: Modc.INITIAL });
  });

  it('the diluent cap replaces O2 above 14 % (boiler) and marks the hour with MODC 14', () => {
    const e = engine(gasConfig('US_P75', { o2RefPct: 7 }));
    for (let m = 0; m < 60; m++) feedMinute(e, ['so2', 'o2'], T0 + m * MIN, 4, (c) => (c === 'o2' ? 16 : 100));
    const out = flush(e, T0 + HOUR);
    const p = periodOf(out, 'so2.ref', T0);
    expect(p.status).toBe('VALID');
    expect(p.modc).toBe(Modc.DILUENT_CAP);
    expect(p.v).toBeCloseTo(periodOf(out, 'so2.dry', T0).v * ((20.9 - 7) / (20.9 - 14)), 9);
  });

  it('bias adjustment multiplies reported values; a negative hourly mean is reported as 0 with MODC 21', () => {
    const e = engine(gasConfig('US_P75', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm', mpc: 2000, baf: '1.0122', minValid: -10 }, { id: 'o2', quantity: 'O2', unit: 'pct' }] }));
    for (let m = 0; m < 60; m++) feedMinute(e, ['so2', 'o2'], T0 + m * MIN, 4, (c) => (c === 'o2' ? 6 : 100));
    for (let m = 60; m < 120; m++) feedMinute(e, ['so2', 'o2'], T0 + m * MIN, 4, (c) => (c === 'o2' ? 6 : -2));
    const out = flush(e, T0 + 2 * HOUR);
    const p = periodOf(out, 'so2.dry', T0);
    expect(e.e.oc[outputOf(e, 'so2.dry') * OutClose.FIELDS + OutClose.BAF]).toBe(1.0122);
    expect(p.reported).toBe(p.v * 1.0122);
    const neg = periodOf(out, 'so2.dry', T0 + HOUR);
    expect(neg.v).toBeLessThan(0);
    expect(neg.reported).toBe(0);
    expect(neg.modc).toBe(Modc.NEGATIVE_TO_ZERO);
  });
});

describe('EU MRR Annex VIII Eq. 4', () => {
  it('period close: C* = mean + 2 sigma (n - 1) of the exact hourly values; a new reporting year starts over', () => {
    const k = engineOf(MRR_CO2_CONFIG);
    const b = outputOf(k, 'co2.dry') * MRR.FIELDS;
    V2_HOURLY_CO2.forEach((v, h) => closePeriodWithMean(k, T0 + h * HOUR, v));
    closePeriodWithMean(k, T0 + 8 * HOUR, NaN);
    const c = takeOutput(k.e).subs.find((x) => x.out === outputOf(k, 'co2.dry'))!;
    expect(c.v).toBeCloseTo(11.432, 3);
    expect(c.basis).toBe(8);
    const newYear = Date.UTC(2027, 0, 1);
    closePeriodWithMean(k, newYear, 10);
    expect(k.e.mrr[b + MRR.YEAR]).toBe(2027);
    expect(k.e.mrr[b + MRR.N]).toBe(1);
    closePeriodWithMean(k, newYear + HOUR, NaN);
    const out = takeOutput(k.e);
    expect(out.subs.filter((x) => x.out === outputOf(k, 'co2.dry'))).toEqual([]);
    expect(out.events.find((x) => x.out === outputOf(k, 'co2.dry'))).toMatchObject({
      kind: EventCode.SUBSTITUTION_UNAVAILABLE,
      detail: 'FEWER_THAN_2_VALID_HOURS',
    });
  });

  const cfg = {
    profile: 'EU_MRR',
    scanIntervalMs: 5000,
    channels: [
      { id: 'co2', quantity: 'CO2', unit: 'pct' },
      { id: 'vel', quantity: 'VELOCITY', unit: 'm/s' },
    ],
    moisture: { constantPct: 10 },
    stack: { temperature: { constant: 120 }, staticPressure: { constant: 0 }, ambientPressure: { constant: 101325 } },
    flow: { velocity: 'vel', diameterM: 2 },
  };

  it('an invalid hour is substituted at once, with the mass rate from C* and the hour\'s valid flow', () => {
    const e = engine(cfg);
    for (let h = 0; h < 8; h++) {
      for (let m = 0; m < 60; m++) feedMinute(e, ['co2', 'vel'], T0 + h * HOUR + m * MIN, 12, (c) => (c === 'co2' ? V2_HOURLY_CO2[h] : 12));
    }
    for (let m = 0; m < 60; m++) feedMinute(e, ['vel'], T0 + 8 * HOUR + m * MIN, 12, 12);
    const out = flush(e, T0 + 9 * HOUR);
    const c = out.subs.find((x) => x.q === 'co2.dry')!;
    expect(c).toMatchObject({ startMs: T0 + 8 * HOUR, periods: 1, method: SubstMethod.MRR_EQ4, code: 0, basis: 8 });
    expect(c.v).toBeCloseTo(11.432, 3);
    const mass = out.subs.find((x) => x.q === 'co2.mass')!;
    expect(mass).toMatchObject({ startMs: T0 + 8 * HOUR, periods: 1, method: SubstMethod.MRR_EQ4, code: 0, basis: 8 });
    const flow = periodOf(out, 'flow.ndry', T0 + 8 * HOUR).reported;
    expect(outputDef(e, 'co2.mass').unit).toBe('t/h');
    expect(mass.v).toBeCloseTo(((c.v / 100) * flow * (44.0095 / 22.41396954)) / 1000, 6);
    expect(periodOf(out, 'co2.dry', T0 + 8 * HOUR).status).toBe('INSUFFICIENT_DATA');
  });

  it('without two valid hours there is no basis: an event says so, nothing is filled', () => {
    const e = engine(cfg);
    for (let m = 0; m < 60; m++) feedMinute(e, ['co2', 'vel'], T0 + m * MIN, 12, 10);
    for (let m = 0; m < 60; m++) feedMinute(e, ['vel'], T0 + HOUR + m * MIN, 12, 10);
    const out = flush(e, T0 + 2 * HOUR);
    expect(out.subs).toHaveLength(0);
    expect(out.events.find((x) => x.kind === EventCode.SUBSTITUTION_UNAVAILABLE && x.out === outputOf(e, 'co2.dry'))).toMatchObject({
      fromMs: T0 + HOUR,
      toMs: T0 + 2 * HOUR,
      detail: 'FEWER_THAN_2_VALID_HOURS',
    });
  });
});

describe('China: HJ flags, never a numeric fill', () => {
  it('an invalid hour keeps its flag and gets no substitute', () => {
    const e = engine(gasConfig('CN_HJ'));
    for (let m = 0; m < 60; m++) feedMinute(e, ['so2', 'o2'], T0 + m * MIN, 12, 50, () => 'MAINTENANCE');
    const out = flush(e, T0 + HOUR);
    const p = periodOf(out, 'so2.ref', T0);
    expect(p.status).toBe('INSUFFICIENT_DATA');
    expect(p.cause).toBe('MAINTENANCE'); // HJ 212 flag M
    expect(out.subs).toHaveLength(0);
  });
});
