// Cross-platform conformance runner: every worked vector (C1-C5, D1-D2, O1-O4, F1-F3, M1-M3, V1-V3, K1-K2; expected
// values and their formulas in test/cems/vectors.test.ts) through the engine's own functions and profile data, plus
// end-to-end vectors (E*) through the engine with sample streams. Run in Node and in the Espruino-profile sandbox,
// the float64 bits must be identical.
import { toHex } from '../../protocol/bytes';
import { codedError } from '../../protocol/errors';
import {
  actualFlow,
  biasAdjustmentFactor,
  co2MassRate,
  COND_NONE,
  ductArea,
  iedValidated,
  massRate,
  normalDryFlow,
  noxAsNo2Mg,
  o2Correct,
  O2_ACTUAL,
  p75Co2TonsH,
  p75KLbPerScfPpm,
  p75KTonsPerScfPct,
  ppmToMg,
  wetToDry,
} from '../../protocol/cems/convert';
import { COND_S25C } from '../../protocol/cems/conditions';
import { advance, MRR, PR, takeOutput, type EngineOutput } from '../../protocol/cems/engine';
import { ratio, sqrt } from '../../protocol/cems/numbers';
import { PROFILES } from '../../protocol/cems/profiles';
import { M_CO2, M_NO2, M_SO2 } from '../../protocol/cems/quantities';
import { channelsOf, closePeriodWithMean, engineOf, outputOf, type KitEngine } from './engine';
import { feedMinutes } from './sample-streams';

export interface VectorValue {
  id: string;
  value: number;
}

/** 2026-09-01T00:00:00Z, a UTC day start. */
export const VECTOR_T0 = 1788220800000;
const HOUR_MS = 3600000;

/** Hourly CO2 % of vector V2 (Regulation (EU) 2018/2066 Annex VIII Eq. 4). */
export const V2_HOURLY_CO2 = [
  ratio(102, 10),
  ratio(108, 10),
  ratio(110, 10),
  ratio(105, 10),
  ratio(109, 10),
  ratio(113, 10),
  ratio(107, 10),
  ratio(104, 10),
];

/** EU MRR stack measuring CO2 only (vector V2 through the engine). */
export const MRR_CO2_CONFIG = { profile: 'EU_MRR', scanIntervalMs: 5000, channels: [{ id: 'co2', quantity: 'CO2', unit: 'pct' }] };

/** The worked-vector stack: in-situ wet SO2 200 mg/m3 and O2 7.04 %, H2O 12 %, D = 3 m, v = 15 m/s, 140 degC. */
export const WORKED_STACK_CONFIG = {
  profile: 'EU_IED_LCP',
  sourceType: 'SOLID_FUEL',
  scanIntervalMs: 5000,
  channels: [
    { id: 'so2', quantity: 'SO2', unit: 'mg/m3', water: 'WET', elvDaily: 200 },
    { id: 'o2', quantity: 'O2', unit: 'pct', water: 'WET' },
    { id: 'vel', quantity: 'VELOCITY', unit: 'm/s' },
  ],
  o2Channel: 'o2',
  moisture: { constantPct: 12 },
  stack: {
    temperature: { constant: 140 },
    staticPressure: { constant: -500 },
    ambientPressure: { constant: 101325 },
  },
  flow: { velocity: 'vel', diameterM: 3 },
};

/** Field `field` (PR.*) of output `q`'s value in the period starting at startMs. */
function period(k: KitEngine, out: EngineOutput, q: string, startMs: number, field: number): number {
  const o = outputOf(k, q);
  for (let i = 0; i < out.periods.length; i++) {
    const p = out.periods[i];
    if (p.startMs === startMs) return p.rows[o * PR.FIELDS + field];
  }
  throw codedError('CEMS_VECTOR', 'no period ' + q);
}

function substitute(k: KitEngine, out: EngineOutput, q: string): number {
  const o = outputOf(k, q);
  for (let i = 0; i < out.subs.length; i++) if (out.subs[i].out === o) return out.subs[i].v;
  throw codedError('CEMS_VECTOR', 'no substitute ' + q);
}

function workedStackHour(): { k: KitEngine; out: EngineOutput } {
  const k = engineOf(WORKED_STACK_CONFIG);
  feedMinutes(k.e, channelsOf(k, ['so2', 'o2', 'vel']), [200, ratio(704, 100), 15], VECTOR_T0, 60, 12, 0, 1, 1);
  advance(k.e, VECTOR_T0 + HOUR_MS + 10000);
  return { k: k, out: takeOutput(k.e) };
}

/** MRR Eq. 4 state and substitute after the eight V2 hours, from the engine's own period close. */
function mrrFormula(): { mean: number; sigma: number; substitute: number } {
  const k = engineOf(MRR_CO2_CONFIG);
  for (let h = 0; h < V2_HOURLY_CO2.length; h++) closePeriodWithMean(k, VECTOR_T0 + h * HOUR_MS, V2_HOURLY_CO2[h]);
  const b = outputOf(k, 'co2.dry') * MRR.FIELDS;
  const m = k.e.mrr;
  const mean = m[b + MRR.MEAN];
  const sigma = sqrt(m[b + MRR.M2] / (m[b + MRR.N] - 1));
  closePeriodWithMean(k, VECTOR_T0 + V2_HOURLY_CO2.length * HOUR_MS, NaN);
  return { mean: mean, sigma: sigma, substitute: substitute(k, takeOutput(k.e), 'co2.dry') };
}

function mrrEngineSubstitute(): number {
  const k = engineOf(MRR_CO2_CONFIG);
  const co2 = channelsOf(k, ['co2']);
  for (let h = 0; h < V2_HOURLY_CO2.length; h++) {
    feedMinutes(k.e, co2, [V2_HOURLY_CO2[h]], VECTOR_T0 + h * HOUR_MS, 60, 12, 0, 1, 1);
  }
  advance(k.e, VECTOR_T0 + (V2_HOURLY_CO2.length + 1) * HOUR_MS + 10000);
  return substitute(k, takeOutput(k.e), 'co2.dry');
}

function p75EngineFill(): number {
  const k = engineOf({
    profile: 'US_P75',
    sourceType: 'BOILER',
    scanIntervalMs: 15000,
    channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm', mpc: 2000 }],
  });
  const so2 = channelsOf(k, ['so2']);
  feedMinutes(k.e, so2, [100], VECTOR_T0, 60, 4, 0, 1, 1);
  feedMinutes(k.e, so2, [120], VECTOR_T0 + 2 * HOUR_MS, 60, 4, 0, 1, 1);
  advance(k.e, VECTOR_T0 + 3 * HOUR_MS + 10000);
  return substitute(k, takeOutput(k.e), 'so2.dry');
}

/** Computes every vector; ids as in test/cems/vectors.test.ts (F3_HJ: F3 with HJ 212's 273 K; E*: end-to-end). */
/** 65536^k by exact multiplication (no decimal exponent literal, which Espruino parses inexactly). */
function times65536(k: number): number {
  let x = 1;
  for (let i = 0; i < k; i++) x = x * 65536;
  return x;
}

export function runCemsVectors(): VectorValue[] {
  const eu = PROFILES.EU_IED_LCP.conditions;
  const cn = PROFILES.CN_HJ.conditions;
  const us = PROFILES.US_P75.conditions;
  const r: VectorValue[] = [];
  const add = function (id: string, value: number): number {
    r.push({ id: id, value: value });
    return value;
  };
  add('C1', ppmToMg(100, M_SO2, eu));
  add('C2', ppmToMg(100, M_SO2, cn));
  add('C3', ppmToMg(100, M_SO2, us));
  add('C4', ppmToMg(100, M_SO2, COND_S25C));
  add('C5', noxAsNo2Mg(150, 10, eu));
  const h2o = ratio(12, 100);
  const d1 = add('D1', wetToDry(200, h2o));
  const d2 = add('D2', wetToDry(ratio(704, 100), h2o));
  add('O1', o2Correct(d1, 3, d2, 21));
  add('O2', o2Correct(d1, 6, d2, 21));
  add('O3', o2Correct(d1, 11, d2, 21));
  add('O4', o2Correct(d1, 15, d2, 21));
  const a = add('F1', ductArea(3));
  const q = add('F2', actualFlow(15, a, 1));
  const qn = add('F3', normalDryFlow(q, 140, 101325, -500, h2o, eu));
  add('F3_HJ', normalDryFlow(q, 140, 101325, -500, h2o, cn));
  const dryBasis = { water: 'DRY' as const, o2Ref: O2_ACTUAL, cond: eu.id };
  add('M1', massRate({ v: d1, unit: 'mg/m3', basis: dryBasis }, { v: qn, unit: 'm3/h', basis: dryBasis }).v);
  add(
    'M2',
    co2MassRate(
      { v: 12, unit: 'pct', basis: { water: 'DRY', o2Ref: O2_ACTUAL, cond: COND_NONE } },
      { v: 250000, unit: 'm3/h', basis: dryBasis },
      eu,
    ).v,
  );
  add('M3', p75Co2TonsH(12, 10000000));
  add('V1', iedValidated(150, PROFILES.EU_IED_LCP.ciPct.NOX, 200));
  const mrr = mrrFormula();
  add('V2_MEAN', mrr.mean);
  add('V2_SIGMA', mrr.sigma);
  add('V2', mrr.substitute);
  add('V3', biasAdjustmentFactor(ratio(-306, 100), 250));
  add('K1', p75KTonsPerScfPct(M_CO2, us));
  add('K2', p75KLbPerScfPpm(M_NO2, us));

  const hour = workedStackHour();
  add('E_D1', period(hour.k, hour.out, 'so2.dry', VECTOR_T0, PR.MEAN));
  add('E_O2', period(hour.k, hour.out, 'so2.ref', VECTOR_T0, PR.MEAN));
  add('E_V1', period(hour.k, hour.out, 'so2.ref', VECTOR_T0, PR.REPORTED));
  add('E_F3', period(hour.k, hour.out, 'flow.ndry', VECTOR_T0, PR.MEAN));
  add('E_M1', period(hour.k, hour.out, 'so2.mass', VECTOR_T0, PR.MEAN));
  add('E_V2', mrrEngineSubstitute());
  add('E_P75', p75EngineFill());
  // The engine's square root on values where Espruino's Math.sqrt is off in its last bits (sqrt(9) is not 3 there).
  add('SQRT_2', sqrt(2));
  add('SQRT_9', sqrt(9));
  add('SQRT_TENTH', sqrt(ratio(1, 10)));
  add('SQRT_BIG', sqrt(ratio(1234567890123457, 3) * times65536(40)));
  add('SQRT_SMALL', sqrt(ratio(7, 3) / times65536(62)));
  return r;
}

/** Big-endian IEEE 754 binary64 bits of x as hex: how results cross platforms (never decimal text). */
export function float64Hex(x: number): string {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, false);
  return toHex(b);
}

/** runCemsVectors with every value as its float64 bits, for byte-for-byte comparison between Espruino and Node. */
export function runCemsVectorsHex(): { id: string; hex: string }[] {
  const v = runCemsVectors();
  const out: { id: string; hex: string }[] = [];
  for (let i = 0; i < v.length; i++) out.push({ id: v[i].id, hex: float64Hex(v[i].value) });
  return out;
}
