// Property tests with a seeded PRNG: physical invariants of the conversions and the exact numeric helpers.
import { describe, expect, it } from 'vitest';
import { CONDITIONS, COND_CN, COND_N0C } from '../../protocol/cems/conditions';
import {
  actualToReference,
  mgToPpm,
  normalDryFlow,
  o2Correct,
  ppmToMg,
  wetToDry,
} from '../../protocol/cems/convert';
import { configNumber, floorTo, parseDecimal, roundScaled } from '../../protocol/cems/numbers';
import { QUANTITIES } from '../../protocol/cems/quantities';
import { utcYear } from '../../protocol/cems/time';
import { seededRandom } from '../../host-sim/prng';

const N = 20000;
const ulp = (x: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(Math.abs(x));
  b.writeBigUInt64BE(b.readBigUInt64BE() + 1n);
  return b.readDoubleBE() - Math.abs(x);
};

describe('conversion invariants', () => {
  it('dry >= wet for every moisture in [0, 1), equal at 0', () => {
    const r = seededRandom(1);
    for (let i = 0; i < N; i++) {
      const wet = r() * 5000;
      const h = r() * 0.99;
      expect(wetToDry(wet, h)).toBeGreaterThanOrEqual(wet);
    }
    expect(wetToDry(123.456, 0)).toBe(123.456);
  });

  it('correction to the measured O2 is exactly the identity (K = 21 and 20.9)', () => {
    const r = seededRandom(2);
    for (let i = 0; i < N; i++) {
      const c = r() * 3000;
      const o2 = r() * 20.8;
      expect(o2Correct(c, o2, o2, 21)).toBe(c);
      expect(o2Correct(c, o2, o2, 20.9)).toBe(c);
    }
  });

  it('correcting to a lower reference O2 raises the value, to a higher one lowers it', () => {
    const r = seededRandom(3);
    for (let i = 0; i < N; i++) {
      const c = 1 + r() * 3000;
      const o2 = 1 + r() * 18;
      expect(o2Correct(c, o2 - 0.5, o2, 21)).toBeGreaterThan(c);
      expect(o2Correct(c, o2 + 0.5, o2, 21)).toBeLessThan(c);
    }
  });

  it('ppm -> mg/m3 -> ppm round trip stays within 2 ulp for every gas and every reference condition', () => {
    const r = seededRandom(4);
    const gases = Object.keys(QUANTITIES).filter((q) => QUANTITIES[q].kind === 'GAS');
    const conds = Object.keys(CONDITIONS).map((k) => CONDITIONS[k]);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const ppm = r() * 10000;
      const m = QUANTITIES[gases[i % gases.length]].molarMass;
      const c = conds[i % conds.length];
      const back = mgToPpm(ppmToMg(ppm, m, c), m, c);
      const err = Math.abs(back - ppm) / ulp(ppm);
      if (err > worst) worst = err;
    }
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('ideal-gas molar volumes 22.414 / 24.055 / 24.465 / 23.645 L/mol and China 22.4 (HJ 212-2017 Eq. 20)', () => {
    expect(CONDITIONS.N0C.vmLPerMol).toBeCloseTo(22.414, 3);
    expect(CONDITIONS.S20C.vmLPerMol).toBeCloseTo(24.055, 3);
    expect(CONDITIONS.S25C.vmLPerMol).toBeCloseTo(24.465, 3);
    expect(CONDITIONS.S15C.vmLPerMol).toBeCloseTo(23.645, 3);
    expect(COND_CN.vmLPerMol).toBe(22.4);
  });

  it('normalization at reference T and P with zero moisture is the identity (up to rounding)', () => {
    const r = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const q = r() * 1e6;
      expect(normalDryFlow(q, 0, 101325, 0, 0, COND_N0C)).toBeCloseTo(q, 6);
      expect(actualToReference(q, 0, 101325, COND_CN)).toBeCloseTo(q, 6);
    }
  });

  it('a hotter stack gives less normal flow, a hotter actual-condition mg/m3 gives more at reference', () => {
    const r = seededRandom(6);
    for (let i = 0; i < N; i++) {
      const t = r() * 300;
      expect(normalDryFlow(1000, t + 1, 101325, 0, 0.1, COND_N0C)).toBeLessThan(normalDryFlow(1000, t, 101325, 0, 0.1, COND_N0C));
      expect(actualToReference(100, t + 1, 100000, COND_N0C)).toBeGreaterThan(actualToReference(100, t, 100000, COND_N0C));
    }
  });
});

describe('exact numeric helpers', () => {
  it('parseDecimal gives the same double as a correctly rounded parser', () => {
    const r = seededRandom(7);
    for (let i = 0; i < N; i++) {
      const digits = 1 + Math.floor(r() * 14);
      const mant = Math.floor(r() * 10 ** digits);
      const frac = Math.floor(r() * (digits + 1));
      const s = (r() < 0.2 ? '-' : '') + (mant / 10 ** frac).toFixed(frac);
      if (s.replace(/[-.]/g, '').replace(/^0+/, '').length > 15) continue;
      expect(parseDecimal(s)).toBe(Number(s));
    }
  });

  it('parseDecimal rejects what is not plain decimal text', () => {
    for (const bad of ['', '-', '.', '1.', '1e3', '1,5', ' 1', '0x10', '1.2.3', '1234567890123456', 'NaN', 'Infinity']) {
      expect(parseDecimal(bad)).toBeNaN();
    }
  });

  it('config numbers: integers or decimal strings, never JSON floats', () => {
    expect(configNumber(22)).toBe(22);
    expect(configNumber('22.414')).toBe(22.414);
    expect(configNumber(0.5)).toBeNaN();
    expect(configNumber(Infinity)).toBeNaN();
    expect(configNumber(null)).toBeNaN();
  });

  it('roundScaled rounds half away from zero on the scaled integer', () => {
    expect(roundScaled(285.82175, 2)).toBe(28582);
    expect(roundScaled(2.5, 0)).toBe(3);
    expect(roundScaled(-2.5, 0)).toBe(-3);
    expect(roundScaled(-1.5, 0)).toBe(-2);
    expect(roundScaled(0.125, 2)).toBe(13);
    expect(roundScaled(-0.125, 2)).toBe(-13);
  });

  it('floorTo is exact for epoch-millisecond timestamps and any period length', () => {
    const r = seededRandom(8);
    for (let i = 0; i < N; i++) {
      const t = Math.floor(r() * 4e12);
      for (const step of [60000, 1800000, 3600000, 86400000]) {
        const s = floorTo(t, step);
        expect(s % step).toBe(0);
        expect(s <= t && t < s + step).toBe(true);
      }
    }
  });

  it('utcYear agrees with Date for random instants and around New Year', () => {
    const r = seededRandom(9);
    for (let i = 0; i < N; i++) {
      const t = Math.floor(r() * 7e12);
      expect(utcYear(t)).toBe(new Date(t).getUTCFullYear());
    }
    const ny = Date.UTC(2027, 0, 1);
    expect(utcYear(ny - 1)).toBe(2026);
    expect(utcYear(ny)).toBe(2027);
  });
});
