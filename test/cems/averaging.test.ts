// Validity rules at their boundaries: exactly at the threshold (valid) and one below (invalid), per jurisdiction.
import { describe, expect, it } from 'vitest';
import type { Status } from '../../protocol/sample';
import { Modc } from '../../protocol/cems/codes';
import { Eng, OutMin } from '../../protocol/plan/format';
import { outputOf } from '../kit/engine';
import {
  engine,
  feedStackMinute,
  flush,
  gasConfig,
  DAY,
  HOUR,
  MIN,
  T0,
  dayOf,
  dayRule,
  periodOf,
  periodRule,
  minuteValue,
  feedMinute,
  outputDef,
  type TestEngine,
} from './helpers';

/** Feeds `valid` full minutes of SO2 = 100 ppm from the period start; the rest of the period gets `rest` or nothing. */
function hour(e: TestEngine, start: number, valid: number, perMinute: number, rest?: Status, minutes = 60): void {
  for (let m = 0; m < minutes; m++) {
    if (m < valid) feedStackMinute(e, start + m * MIN, perMinute, 100);
    else if (rest) feedStackMinute(e, start + m * MIN, perMinute, 999, () => rest);
  }
}

describe('China HJ 76 / HJ 212', () => {
  it('minute: 12 valid samples make a valid minute, 11 do not (n >= 12)', () => {
    const e = engine(gasConfig('CN_HJ'));
    feedStackMinute(e, T0, 12, 100);
    feedStackMinute(e, T0 + MIN, 12, 100, (k) => (k === 0 ? 'FAULT' : 'VALID'));
    const out = flush(e, T0 + 2 * MIN);
    expect(out.minutes).toHaveLength(2);
    expect(minuteValue(e, out.minutes[0], 'so2').st).toBe('VALID');
    const bad = minuteValue(e, out.minutes[1], 'so2');
    expect(bad.st).toBe('FAULT');
    expect(bad.v).toBe(100); // the 11 valid samples are still averaged, but the minute does not count
  });

  it('hour: 45 valid minutes are valid, 44 are not (k >= 45); the cause behind the flag is named', () => {
    const e = engine(gasConfig('CN_HJ'));
    hour(e, T0, 45, 12);
    hour(e, T0 + HOUR, 44, 12);
    hour(e, T0 + 2 * HOUR, 44, 12, 'CALIBRATION');
    const out = flush(e, T0 + 3 * HOUR);
    const ok = periodOf(out, 'so2.dry', T0);
    expect(ok.status).toBe('VALID');
    expect(ok.cause).toBe('');
    expect(ok.nValid).toBe(45);
    expect(periodRule(e)).toBe('MIN_MINUTES:45');
    const missing = periodOf(out, 'so2.dry', T0 + HOUR);
    expect(missing.status).toBe('INSUFFICIENT_DATA');
    expect(missing.cause).toBe('COMMS_LOSS'); // HJ 212 flag B
    expect(missing.reported).toBeNaN();
    const cal = periodOf(out, 'so2.dry', T0 + 2 * HOUR);
    expect(cal.status).toBe('INSUFFICIENT_DATA');
    expect(cal.cause).toBe('CALIBRATION'); // HJ 212 flag C
    // calibration values (999) never enter the mean
    expect(cal.v).toBeCloseTo(periodOf(out, 'so2.dry', T0).v, 12);
    expect(out.subs).toHaveLength(0); // HJ: flagged, never filled
  });

  it('day: 20 valid hours are valid, 19 are not (m >= 20)', () => {
    const e = engine(gasConfig('CN_HJ'));
    for (let h = 0; h < 20; h++) hour(e, T0 + h * HOUR, 45, 12);
    for (let h = 0; h < 19; h++) hour(e, T0 + DAY + h * HOUR, 45, 12);
    const out = flush(e, T0 + 2 * DAY);
    const d1 = dayOf(out, 'so2.dry', T0);
    expect(d1.status).toBe('VALID');
    expect(d1.nValid).toBe(20);
    expect(d1.nInvalid).toBe(4);
    const d2 = dayOf(out, 'so2.dry', T0 + DAY);
    expect(d2.status).toBe('INSUFFICIENT_DATA');
    expect(d2.cause).toBe('COMMS_LOSS'); // HJ 212 flag B
  });

  it('the minute rule is checked against the scan interval at configuration time', async () => {
    const { validateConfig } = await import('../../protocol/cems/config');
    const r = validateConfig(gasConfig('CN_HJ', { scanIntervalMs: 6000 }));
    expect(r.errors.map((x) => x.path)).toContain('scanIntervalMs');
  });
});

describe('EU MRR Art. 44: >= 80 % of the data points', () => {
  const cfg = { profile: 'EU_MRR', scanIntervalMs: 5000, channels: [{ id: 'co2', quantity: 'CO2', unit: 'pct' }] };

  it('576 of 720 samples (exactly 80 %) make a valid hour, 575 do not', () => {
    const e = engine(cfg);
    for (let m = 0; m < 48; m++) feedMinute(e, ['co2'], T0 + m * MIN, 12, 10);
    for (let m = 0; m < 47; m++) feedMinute(e, ['co2'], T0 + HOUR + m * MIN, 12, 10);
    feedMinute(e, ['co2'], T0 + HOUR + 47 * MIN, 12, 10, (k) => (k === 0 ? 'MAINTENANCE' : 'VALID'));
    const out = flush(e, T0 + 2 * HOUR);
    const ok = periodOf(out, 'co2.dry', T0);
    expect(ok.samples).toBe(576);
    expect(e.e.eng[Eng.PERIOD_MINUTES] * e.e.eng[Eng.SAMPLES_PER_MINUTE]).toBe(720);
    expect(periodRule(e)).toBe('SAMPLE_FRACTION:80/100');
    expect(ok.status).toBe('VALID');
    const bad = periodOf(out, 'co2.dry', T0 + HOUR);
    expect(bad.samples).toBe(575);
    expect(bad.status).toBe('INSUFFICIENT_DATA');
  });

  it('the hourly mean uses every valid data point (sample-weighted)', () => {
    const e = engine(cfg);
    for (let m = 0; m < 59; m++) feedMinute(e, ['co2'], T0 + m * MIN, 12, 10);
    feedMinute(e, ['co2'], T0 + 59 * MIN, 12, 16, (k) => (k < 6 ? 'FAULT' : 'VALID'));
    const p = periodOf(flush(e, T0 + HOUR), 'co2.dry', T0);
    expect(p.v).toBeCloseTo((59 * 12 * 10 + 6 * 16) / (59 * 12 + 6), 12);
  });
});

describe('EU IED: day invalidation and CI subtraction', () => {
  it('LCP: 3 invalid hours keep the day valid, 4 invalidate it', () => {
    const e = engine(gasConfig('EU_IED_LCP'));
    for (let h = 0; h < 21; h++) hour(e, T0 + h * HOUR, 60, 12);
    for (let h = 0; h < 20; h++) hour(e, T0 + DAY + h * HOUR, 60, 12);
    const out = flush(e, T0 + 2 * DAY);
    const d1 = dayOf(out, 'so2.ref', T0);
    expect(d1.status).toBe('VALID');
    expect(d1.nInvalid).toBe(3);
    expect(dayRule(e)).toBe('MAX_INVALID:3');
    expect(dayOf(out, 'so2.ref', T0 + DAY).status).toBe('INSUFFICIENT_DATA');
  });

  it('WI: 5 discarded half-hours keep the day valid, 6 invalidate it', () => {
    const e = engine(gasConfig('EU_IED_WI'));
    for (let p = 0; p < 43; p++) hour(e, T0 + p * 30 * MIN, 30, 12, undefined, 30);
    for (let p = 0; p < 42; p++) hour(e, T0 + DAY + p * 30 * MIN, 30, 12, undefined, 30);
    const out = flush(e, T0 + 2 * DAY);
    expect(e.e.periodMs).toBe(30 * MIN);
    expect(periodOf(out, 'so2.ref', T0 + 30 * MIN).nMinutes).toBe(30);
    expect(dayOf(out, 'so2.ref', T0).status).toBe('VALID');
    expect(dayOf(out, 'so2.ref', T0 + DAY).status).toBe('INSUFFICIENT_DATA');
  });

  it('IED 80 % period rule (configured): 48 of 60 full minutes valid, 47 not', () => {
    const e = engine(gasConfig('EU_IED_LCP'));
    hour(e, T0, 48, 12);
    hour(e, T0 + HOUR, 47, 12);
    const out = flush(e, T0 + 2 * HOUR);
    expect(periodOf(out, 'so2.ref', T0).status).toBe('VALID');
    expect(periodOf(out, 'so2.ref', T0 + HOUR).status).toBe('INSUFFICIENT_DATA');
  });

  it('validated averages subtract CI % of the daily ELV (SO2 20 %) from the O2-referenced value', () => {
    const e = engine(gasConfig('EU_IED_LCP'));
    hour(e, T0, 60, 12);
    const out = flush(e, T0 + HOUR);
    const p = periodOf(out, 'so2.ref', T0);
    expect(p.ciSubtracted).toBe(40);
    expect(p.reported).toBeCloseTo(p.v - 40, 10);
    // the dry value (not compared with the ELV) is not validated
    expect(periodOf(out, 'so2.dry', T0).reported).toBe(periodOf(out, 'so2.dry', T0).v);
    // O2 reference 6 % at measured 6 %: identity
    expect(p.v).toBe(periodOf(out, 'so2.dry', T0).v);
  });

  it('out-of-calibration-range averages stay valid, are flagged and counted per day', () => {
    const e = engine(gasConfig('EU_IED_LCP', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm', elvDaily: 200, calRangeMax: 250 }, { id: 'o2', quantity: 'O2', unit: 'pct' }] }));
    hour(e, T0, 60, 12); // 100 ppm = 285.8 mg/m3 > 250
    const out = flush(e, T0 + DAY);
    const p = periodOf(out, 'so2.ref', T0);
    expect(p.status).toBe('OUT_OF_CAL_RANGE');
    expect(p.cause).toBe('');
    expect(dayOf(out, 'so2.ref', T0).nOutOfCal).toBe(1);
  });
});

describe('US Part 75 §75.10(d)(1) and Part 60: quadrants', () => {
  function minutesAt(e: TestEngine, start: number, offsets: number[], status: Status = 'VALID'): void {
    for (const m of offsets) feedStackMinute(e, start + m * MIN, 4, 100, () => status);
  }

  it('one valid minute in each quadrant is enough; a quadrant without one invalidates the hour', () => {
    const e = engine(gasConfig('US_P75'));
    minutesAt(e, T0, [0, 15, 30, 45]);
    minutesAt(e, T0 + HOUR, [0, 15, 30, 44]);
    const out = flush(e, T0 + 2 * HOUR);
    const ok = periodOf(out, 'so2.dry', T0);
    expect(ok.status).toBe('VALID');
    expect(ok.modc).toBe(Modc.PRIMARY);
    expect(periodRule(e)).toBe('QUADRANT');
    const bad = periodOf(out, 'so2.dry', T0 + HOUR);
    expect(bad.status).toBe('INSUFFICIENT_DATA');
    expect(bad.pendingSubstitution).toBe(true);
    expect(bad.modc).toBe(Modc.NONE);
  });

  it('in a calibration hour two valid points 15 minutes apart suffice, 14 minutes apart do not', () => {
    const e = engine(gasConfig('US_P75'));
    minutesAt(e, T0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'CALIBRATION');
    minutesAt(e, T0, [10, 25]);
    minutesAt(e, T0 + HOUR, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'CALIBRATION');
    minutesAt(e, T0 + HOUR, [10, 24]);
    const out = flush(e, T0 + 2 * HOUR);
    expect(periodOf(out, 'so2.dry', T0).status).toBe('VALID');
    expect(periodOf(out, 'so2.dry', T0 + HOUR).status).toBe('INSUFFICIENT_DATA');
  });

  it('quadrants in which the unit did not operate need no data; a fully stopped hour is not invalid', () => {
    const e = engine(gasConfig('US_P75'));
    minutesAt(e, T0, [0, 15, 30]);
    minutesAt(e, T0, Array.from({ length: 15 }, (_, i) => 45 + i), 'STOPPED');
    minutesAt(e, T0 + HOUR, Array.from({ length: 60 }, (_, i) => i), 'STOPPED');
    const out = flush(e, T0 + 2 * HOUR);
    expect(periodOf(out, 'so2.dry', T0).status).toBe('VALID');
    const off = periodOf(out, 'so2.dry', T0 + HOUR);
    expect(off.status).toBe('STOPPED');
    expect(off.cause).toBe('');
    expect(off.pendingSubstitution).toBe(false);
  });

  it('Part 60 applies the same quadrant rule, without MODCs', () => {
    const e = engine(gasConfig('US_P60', { o2RefPct: 7 }));
    minutesAt(e, T0, [0, 15, 30, 45]);
    minutesAt(e, T0 + HOUR, [0, 15, 30]);
    const out = flush(e, T0 + 2 * HOUR);
    const ok = periodOf(out, 'so2.ref', T0);
    expect(ok.status).toBe('VALID');
    expect(ok.modc).toBe(Modc.NONE);
    expect(periodRule(e)).toBe('QUADRANT');
    expect(outputDef(e, 'so2.ref').basis.o2Ref).toBe(7);
    expect(e.e.om[outputOf(e, 'so2.ref') * OutMin.FIELDS + OutMin.O2_REF]).toBe(7);
    expect(periodOf(out, 'so2.ref', T0 + HOUR).status).toBe('INSUFFICIENT_DATA');
  });
});

describe('Korea and Canada (configured rules)', () => {
  it('Korea: 30-minute periods with the configured 80 % rule; the rule can be reconfigured', () => {
    const e = engine(gasConfig('KR_TMS', { o2RefPct: 6, overrides: { periodRule: { kind: 'MIN_MINUTES', n: 20 } } }));
    hour(e, T0, 20, 12, undefined, 30);
    hour(e, T0 + 30 * MIN, 19, 12, undefined, 30);
    const out = flush(e, T0 + HOUR);
    expect(periodOf(out, 'so2.ref', T0).status).toBe('VALID');
    expect(periodOf(out, 'so2.ref', T0 + 30 * MIN).status).toBe('INSUFFICIENT_DATA');
  });

  it('Canada: hourly quadrant rule at 15 degC reference conditions', () => {
    const e = engine(gasConfig('CA_ECCC'));
    expect(e.cfg.conditions.id).toBe('S15C');
    expect(e.e.eng[Eng.T_REF_K]).toBe(288.15);
    for (const m of [1, 16, 31, 46]) feedStackMinute(e, T0 + m * MIN, 4, 100);
    expect(periodOf(flush(e, T0 + HOUR), 'so2.dry', T0).status).toBe('VALID');
  });
});
