// Negative hourly values: Part 75 MODC 21 ("negative hourly CO2, SO2, NOx concentration, percent moisture or NOx
// emission rate replaced with zero", §75.57 Table 4a) concerns concentrations, moisture and emission rates only; stack
// conditions (static pressure, temperature in degC), O2 and flows keep their sign. No other profile floors anything
// but the IED CI-validated value.
import { describe, expect, it } from 'vitest';
import { Modc, R } from '../../protocol/cems/codes';
import { PROFILES } from '../../protocol/cems/profiles';
import { QUANTITIES } from '../../protocol/cems/quantities';
import { engine, feedMinute, flush, gasConfig, HOUR, MIN, T0, outputDef, periodOf, type PeriodView, type TestEngine } from './helpers';

type Values = { [channel: string]: number };

/** Feeds one hour of constant values, at the config's scan interval, and returns the output up to its end. */
function hour(e: TestEngine, values: Values) {
  const channels = Object.keys(values);
  const perMinute = e.cfg.samplesPerMinute;
  for (let m = 0; m < 60; m++) feedMinute(e, channels, T0 + m * MIN, perMinute, (c) => values[c]);
  return flush(e, T0 + HOUR);
}

function expectKept(p: PeriodView, v: number, modc: number): void {
  expect(p.status).toBe('VALID');
  expect(p.v).toBe(v);
  expect(p.reported).toBe(v);
  expect(p.modc).toBe(modc);
  expect(p.reasons & R.NEGATIVE_TO_ZERO).toBe(0);
  expect(p.ciSubtracted).toBe(0);
}

function expectZeroed(e: TestEngine, p: PeriodView): void {
  expect(p.status).toBe('VALID');
  expect(p.v).toBeLessThan(0);
  expect(p.reported).toBe(0);
  expect(p.modc).toBe(Modc.NEGATIVE_TO_ZERO);
  expect(p.reasons & R.NEGATIVE_TO_ZERO).toBe(R.NEGATIVE_TO_ZERO);
  expect(p.total).toBe(outputDef(e, p.q).totalUnit ? 0 : NaN);
}

/** Part 75 stack: SO2 that may read below zero, O2, moisture, velocity flow, measured stack T and static pressure. */
function p75Stack(extra: { [k: string]: unknown }[] = []): object {
  return gasConfig('US_P75', {
    channels: [
      { id: 'so2', quantity: 'SO2', unit: 'ppm', mpc: 2000, minValid: -10 },
      { id: 'o2', quantity: 'O2', unit: 'pct' },
      { id: 'h2o', quantity: 'H2O', unit: 'pct' },
      { id: 'vel', quantity: 'VELOCITY', unit: 'm/s' },
      { id: 'temp', quantity: 'TEMPERATURE', unit: 'degC' },
      { id: 'ps', quantity: 'STATIC_PRESSURE', unit: 'Pa' },
      ...extra,
    ],
    moisture: { channel: 'h2o' },
    stack: { temperature: { channel: 'temp' }, staticPressure: { channel: 'ps' }, ambientPressure: { constant: 101325 } },
    flow: { velocity: 'vel', areaM2: 10 },
  });
}

const STACK: Values = { so2: 100, o2: 6, h2o: 10, vel: 10, temp: -5, ps: -490 };

describe('Part 75 negative-to-zero (MODC 21) applies only to the quantities Part 75 reports that way', () => {
  it('a static pressure of -490 Pa and a flue temperature of -5 degC stay negative with MODC 01', () => {
    const out = hour(engine(p75Stack()), STACK);
    expectKept(periodOf(out, 'ps', T0), -490, Modc.PRIMARY);
    expectKept(periodOf(out, 'temp', T0), -5, Modc.PRIMARY);
    // The flow normalized with them is computed from the negative values, not from zero.
    const flow = periodOf(out, 'flow.ndry', T0);
    expect(flow.reported).toBeCloseTo(((((3600 * 10 * 10 * 293.15) / 268.15) * (101325 - 490)) / 101325) * 0.9, 6);
  });

  it('a negative SO2 hourly value becomes 0 with MODC 21, measured, dry and as an emission rate', () => {
    const e = engine(p75Stack());
    const out = hour(e, { ...STACK, so2: -2 });
    for (const q of ['so2', 'so2.dry', 'so2.mass']) expectZeroed(e, periodOf(out, q, T0));
    expect(periodOf(out, 'so2.dry', T0).v).toBeCloseTo((-2 * 64.064) / ((8.314462618 * 293.15) / 101.325), 9); // Vm at 20 degC, 1 atm
    // The stack conditions of the same hour are untouched.
    expectKept(periodOf(out, 'ps', T0), -490, Modc.PRIMARY);
    expect(periodOf(out, 'flow.ndry', T0).modc).toBe(Modc.PRIMARY);
  });

  it('the day mean is built from the zeroed value; a negative pressure day stays negative', () => {
    const e = engine(p75Stack());
    hour(e, { ...STACK, so2: -2 });
    const out = flush(e, T0 + 24 * HOUR);
    const day = out.days.find((d) => d.q === 'so2.dry' && d.startMs === T0);
    expect(day && day.reported).toBe(0);
    const ps = out.days.find((d) => d.q === 'ps' && d.startMs === T0);
    expect(ps && ps.reported).toBe(-490);
  });

  it('percent moisture is floored (MODC 21 lists it); O2 and flows are not', () => {
    const cfg = p75Stack([{ id: 'h2o_aux', quantity: 'H2O', unit: 'pct', minValid: -5 }]) as { channels: { [k: string]: unknown }[] };
    cfg.channels[1] = { id: 'o2', quantity: 'O2', unit: 'pct', minValid: -1 };
    cfg.channels[3] = { id: 'vel', quantity: 'VELOCITY', unit: 'm/s', minValid: -20 };
    const e = engine(cfg);
    const out = hour(e, { ...STACK, h2o_aux: -1, o2: -0.5, vel: -10 });
    expectZeroed(e, periodOf(out, 'h2o_aux', T0));
    expectKept(periodOf(out, 'o2', T0), -0.5, Modc.PRIMARY);
    expectKept(periodOf(out, 'o2.dry', T0), -0.5, Modc.PRIMARY);
    const act = periodOf(out, 'flow.act', T0);
    expect(act.v).toBeLessThan(0);
    expect(act.reported).toBe(act.v);
    expect(act.modc).toBe(Modc.PRIMARY);
    expect(periodOf(out, 'flow.ndry', T0).reported).toBeLessThan(0);
    // An emission rate is floored whatever makes it negative.
    expectZeroed(e, periodOf(out, 'so2.mass', T0));
  });

  it('the rule is a property of every quantity: concentrations and moisture yes, stack conditions and O2 no', () => {
    const floored = Object.keys(QUANTITIES).filter((q) => QUANTITIES[q].negativeToZero);
    expect(floored.sort()).toEqual(['CH4', 'CO', 'CO2', 'DUST', 'H2O', 'HCL', 'HF', 'N2O', 'NH3', 'NO', 'NO2', 'NOX', 'SO2', 'TOC']);
  });
});

describe('other profiles floor nothing but the IED CI-validated value', () => {
  for (const id of Object.keys(PROFILES)) {
    it(id + ': negative stack conditions and concentrations keep their value', () => {
      const cfg = gasConfig(id) as { channels: { [k: string]: unknown }[] };
      cfg.channels[0].minValid = -10;
      cfg.channels.push({ id: 'temp', quantity: 'TEMPERATURE', unit: 'degC' }, { id: 'ps', quantity: 'STATIC_PRESSURE', unit: 'Pa' });
      const e = engine(cfg);
      const out = hour(e, { so2: -2, o2: 6, temp: -5, ps: -490 });
      const modc = id === 'US_P75' ? Modc.PRIMARY : Modc.NONE;
      expectKept(periodOf(out, 'ps', T0), -490, modc);
      expectKept(periodOf(out, 'temp', T0), -5, modc);
      const dry = periodOf(out, 'so2.dry', T0);
      if (id === 'US_P75') expectZeroed(e, dry);
      else expectKept(dry, dry.v, Modc.NONE);
      expect(dry.v).toBeLessThan(0);
      const ref = out.periods.find((p) => p.q === 'so2.ref');
      // IED: reported = max(0, v - CI% x ELV) on the normalized value only.
      if (ref && ref.ciSubtracted > 0) {
        expect(id.indexOf('EU_IED')).toBe(0);
        expect(ref.reported).toBe(0);
        expect(ref.modc).toBe(Modc.NONE);
      } else if (ref) expect(ref.reported).toBe(ref.v);
    });
  }
});
