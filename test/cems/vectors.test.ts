// The worked vectors, to the precision given below, computed by the conformance runner (the same function the
// Espruino-profile sandbox runs), plus the end-to-end engine vectors against the formula vectors. The expected values
// were computed independently from the formulas (ideal gas, R = 8.314462618 J/(mol K), unrounded intermediates).
import { describe, expect, it } from 'vitest';
import { runCemsVectors, runCemsVectorsHex, float64Hex } from '../kit/cems-vectors';
import { expectRounded } from './helpers';

const values: { [id: string]: number } = {};
for (const v of runCemsVectors()) values[v.id] = v.value;

/**
 * Expected values. Formulas: C1-C4 C = ppm * M / Vm (HJ 212-2017 Annex D Eq. 20 with the jurisdiction's Vm), C5
 * Eq. 22; D1-D2 Eq. 19; O1-O4 Eq. 28 (K = 21); F1-F3 Eq. 29-31 (F3 also with 273.15 K); M1 Eq. 33; M2 Regulation
 * (EU) 2018/2066 Annex VIII Eq. 1; M3 40 CFR Part 75 Appendix F Eq. F-11; V1 Directive 2010/75/EU Annex V Part 3;
 * V2 Regulation (EU) 2018/2066 Annex VIII Eq. 4 (sigma with n - 1); V3 40 CFR Part 75 Appendix A 7.6.
 */
const EXPECTED: [string, string, string][] = [
  ['C1', '285.82', 'SO2 100 ppm at 0 degC (EU)'],
  ['C2', '286.00', 'SO2 100 ppm, China Vm 22.4'],
  ['C3', '266.32', 'SO2 100 ppm at 20 degC (US)'],
  ['C4', '261.86', 'SO2 100 ppm at 25 degC'],
  ['C5', '328.41', 'NO 150 + NO2 10 ppm as NO2 at 0 degC'],
  ['D1', '227.27', '200 mg/m3 wet, 12 % H2O'],
  ['D2', '8.00', 'O2 7.04 % wet, 12 % H2O'],
  ['O1', '314.69', 'to 3 % O2'],
  ['O2', '262.24', 'to 6 % O2'],
  ['O3', '174.83', 'to 11 % O2'],
  ['O4', '104.90', 'to 15 % O2'],
  ['F1', '7.0686', 'duct area D = 3 m'],
  ['F2', '381703.5', 'actual flow v = 15 m/s'],
  ['F3', '220980.5', 'normal dry flow, 273.15 K'],
  ['F3_HJ', '220939.3', 'normal dry flow, HJ 273 K'],
  ['M1', '50.223', 'mass rate kg/h'],
  ['M2', '58.905', 'CO2 t/h from 12 %'],
  ['M3', '68.4', 'Part 75 CO2 short tons/h'],
  ['V1', '110', 'IED validated NOx'],
  ['V2_MEAN', '10.725', 'MRR mean'],
  ['V2_SIGMA', '0.3536', 'MRR sigma (n - 1)'],
  ['V2', '11.432', 'MRR Eq. 4 substitute'],
  ['V3', '1.0122', 'Part 75 BAF'],
];

describe('worked vectors', () => {
  for (const [id, expected, what] of EXPECTED) {
    it(id + ': ' + what + ' = ' + expected, () => expectRounded(values[id], expected));
  }

  it('K1/K2: Part 75 K factors derived from molar mass and 20 degC molar volume', () => {
    expect(values.K1 * 1e7).toBeCloseTo(5.711, 3);
    expect(values.K2 * 1e7).toBeCloseTo(1.1939, 4);
  });

  it('China uses Vm = 22.4 exactly: 100 ppm SO2 is 64.064 / 22.4 * 100', () => {
    expect(values.C2).toBe((100 * 64.064) / 22.4);
  });
});

describe('end-to-end engine vectors agree with the formula vectors', () => {
  // One hour of constant samples: the hourly mean may differ from the single formula value by rounding of the sum.
  const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(b) * 1e-14);

  it('hourly dry SO2 = D1, O2-referenced (6 %) = O2, dry normal flow = F3, mass rate = M1', () => {
    close(values.E_D1, values.D1);
    close(values.E_O2, values.O2);
    close(values.E_F3, values.F3);
    close(values.E_M1, values.M1);
  });

  it('IED validated hourly value subtracts 20 % of the 200 mg/m3 daily ELV', () => {
    close(values.E_V1, values.O2 - 40);
  });

  it('MRR substitute from eight engine hours = V2', () => expectRounded(values.E_V2, '11.432'));

  it('Part 75 initial missing-data fill is the mean of the hour before and after', () => {
    close(values.E_P75, ((100 + 120) / 2) * (64.064 / ((8.314462618 * 293.15 * 1000) / 101325)));
  });
});

describe('conformance output', () => {
  it('every vector id is unique and every value finite', () => {
    const ids = runCemsVectors().map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Number.isFinite(values[id])).toBe(true);
  });

  it('hex form carries the exact float64 bits', () => {
    const hex = runCemsVectorsHex();
    for (const h of hex) expect(Buffer.from(h.hex, 'hex').readDoubleBE(0)).toBe(values[h.id]);
    expect(float64Hex(1)).toBe('3ff0000000000000');
    expect(float64Hex(-2.5)).toBe('c004000000000000');
  });

  it('two runs are bit-identical (no hidden state)', () => {
    expect(runCemsVectorsHex()).toEqual(runCemsVectorsHex());
  });
});
