// The emission formulas with units (HJ 212-2017 Annex D; Regulation (EU) 2018/2066 Annex VIII; 40 CFR Part 75
// Appendices A and F; Directive 2010/75/EU Annexes V and VI). Scalar functions are the hot path; values that cross a
// basis boundary (mass rates) go through the tagged functions, which refuse concentration and flow on different bases.
import { codedError } from '../errors';
import { M_CO2, M_NO2 } from './quantities';
import { PI, ratio } from './numbers';
import type { ReferenceConditions } from './conditions';

/** Basis of a value, carried as data so that mixing is detectable. */
export interface Basis {
  water: 'WET' | 'DRY';
  /** Reference O2 in %vol, or O2_ACTUAL when the value is at the measured O2. */
  o2Ref: number;
  /** Reference-conditions id ("N0C", "CN273K", ...), COND_ACTUAL for stack conditions, COND_NONE for ppm and %. */
  cond: string;
}

export const O2_ACTUAL = -1;
export const COND_ACTUAL = 'ACTUAL';
export const COND_NONE = '';

export interface TaggedValue {
  v: number;
  unit: string;
  basis: Basis;
}

export function sameBasis(a: Basis, b: Basis): boolean {
  return a.water === b.water && a.o2Ref === b.o2Ref && a.cond === b.cond;
}

export function basisText(b: Basis): string {
  return b.water + '/' + (b.o2Ref === O2_ACTUAL ? 'O2act' : 'O2ref') + '/' + (b.cond === COND_NONE ? '-' : b.cond);
}

// ---- concentration ----

/** mg/m3 at the reference conditions from ppm: C = ppm * M / Vm (HJ 212-2017 Annex D Eq. 20, there with Vm = 22.4). */
export function ppmToMg(ppm: number, molarMass: number, cond: ReferenceConditions): number {
  return (ppm * molarMass) / cond.vmLPerMol;
}

export function mgToPpm(mg: number, molarMass: number, cond: ReferenceConditions): number {
  return (mg * cond.vmLPerMol) / molarMass;
}

/** NOx as NO2 from NO and NO2 in ppm (HJ 212 Eq. 22): (NO + NO2) * M_NO2 / Vm. */
export function noxAsNo2Mg(noPpm: number, no2Ppm: number, cond: ReferenceConditions): number {
  return ppmToMg(noPpm + no2Ppm, M_NO2, cond);
}

/** Dry-basis value from a wet one (also for O2 %): C_dry = C_wet / (1 - H2O), h2o as a fraction (HJ 212 Eq. 19). */
export function wetToDry(wet: number, h2oFraction: number): number {
  return wet / (1 - h2oFraction);
}

/**
 * O2 reference correction C_ref = C * (K - O2_ref) / (K - O2_dry), K = 21 or 20.9 (HJ 212 Eq. 28; IED Annex VI).
 * The factor is formed first, so a correction to the measured O2 is exactly the identity.
 */
export function o2Correct(c: number, o2RefPct: number, o2DryPct: number, kPct: number): number {
  return c * ((kPct - o2RefPct) / (kPct - o2DryPct));
}

/**
 * Mass concentration at actual stack conditions -> reference conditions (HJ 212 Eq. 18):
 * Cs_n = Cs * P_ref / (Ba + Ps) * (offset + t) / T_ref.
 */
export function actualToReference(c: number, tC: number, pAbsPa: number, cond: ReferenceConditions): number {
  return ((c * cond.pRefPa) / pAbsPa) * ((cond.celsiusOffsetK + tC) / cond.tRefK);
}

// ---- flow ----

/** Circular duct area A = pi D^2 / 4, m2. */
export function ductArea(diameterM: number): number {
  return (PI * diameterM * diameterM) / 4;
}

/** Actual (wet, stack T/P) volume flow Q = 3600 * v * A * Kv, m3/h (HJ 212 Eq. 29, 30). */
export function actualFlow(velocityMs: number, areaM2: number, kv: number): number {
  return 3600 * velocityMs * areaM2 * kv;
}

/**
 * Dry flow at reference conditions (HJ 212-2017 Annex D Eq. 31, with the reference T and P as parameters):
 * Q_N,dry = Q_act * T_ref / (offset + t) * (Ba + Ps) / P_ref * (1 - H2O).
 */
export function normalDryFlow(
  qActM3h: number,
  tC: number,
  baPa: number,
  psPa: number,
  h2oFraction: number,
  cond: ReferenceConditions,
): number {
  return ((qActM3h * cond.tRefK) / (cond.celsiusOffsetK + tC)) * ((baPa + psPa) / cond.pRefPa) * (1 - h2oFraction);
}

// ---- mass ----

/** Coded error when a concentration and a flow on different bases are combined. */
export function checkMassBasis(conc: Basis, flow: Basis): void {
  if (conc.o2Ref !== O2_ACTUAL) {
    throw codedError(
      'CEMS_BASIS_MISMATCH',
      'mass rates use the concentration at the measured O2, not an O2-referenced one (' + basisText(conc) + ')',
    );
  }
  // A volume fraction (ppm, %) holds at any conditions; its density is then taken at the flow's conditions.
  if (conc.water !== flow.water || (conc.cond !== flow.cond && conc.cond !== COND_NONE)) {
    throw codedError(
      'CEMS_BASIS_MISMATCH',
      'concentration basis ' + basisText(conc) + ' does not match flow basis ' + basisText(flow),
    );
  }
}

function checkUnit(v: TaggedValue, unit: string, what: string): void {
  if (v.unit !== unit) throw codedError('CEMS_UNIT_MISMATCH', what + ' must be in ' + unit + ', got ' + v.unit);
}

/** E [kg/h] = C [mg/m3] * Q [m3/h] / 10^6 (HJ 212 Eq. 33; MRR Annex VIII Eq. 1 per hour). */
export function massRateKgH(concMgM3: number, flowM3h: number): number {
  return (concMgM3 * flowM3h) / 1000000;
}

/**
 * Mass rate [t/h] of a gas given in %vol: (% / 100) * Q * rho / 1000, rho = M / Vm kg/m3 (Regulation (EU) 2018/2066
 * Annex VIII Eq. 1 for one hour, the concentration in g/Nm3 being % * 10 * rho).
 */
export function pctTonnesH(pct: number, flowM3h: number, molarMass: number, cond: ReferenceConditions): number {
  return ((pct / 100) * flowM3h * (molarMass / cond.vmLPerMol)) / 1000;
}

/** CO2 [t/h] from %CO2 (rho = 1.9635 kg/Nm3 at 0 degC). */
export function co2TonnesH(co2Pct: number, flowM3h: number, cond: ReferenceConditions): number {
  return pctTonnesH(co2Pct, flowM3h, M_CO2, cond);
}

/** Mass rate from tagged values: same water basis and conditions, concentration at measured O2. */
export function massRate(conc: TaggedValue, flow: TaggedValue): TaggedValue {
  checkMassBasis(conc.basis, flow.basis);
  checkUnit(conc, 'mg/m3', 'concentration');
  checkUnit(flow, 'm3/h', 'flow');
  return { v: massRateKgH(conc.v, flow.v), unit: 'kg/h', basis: conc.basis };
}

/** CO2 t/h from tagged %CO2 and flow, checked like massRate. */
export function co2MassRate(co2: TaggedValue, flow: TaggedValue, cond: ReferenceConditions): TaggedValue {
  checkMassBasis(co2.basis, flow.basis);
  if (flow.basis.cond !== cond.id) {
    throw codedError('CEMS_BASIS_MISMATCH', 'flow is at ' + flow.basis.cond + ', density taken at ' + cond.id);
  }
  checkUnit(co2, 'pct', 'CO2');
  checkUnit(flow, 'm3/h', 'flow');
  return { v: co2TonnesH(co2.v, flow.v, cond), unit: 't/h', basis: co2.basis };
}

// ---- US Part 75 Appendix F (US customary units) ----

/** F-1: SO2 lb/h = K * C[ppm] * Q[scfh], K = 1.660e-7 lb/scf/ppm, both wet. */
export const P75_K_SO2 = ratio(166, 1000000000);
/** F-11: CO2 tons/h = K * C[%] * Q[scfh], K = 5.7e-7 tons/scf/%CO2. */
export const P75_K_CO2 = ratio(57, 100000000);

export function p75So2LbH(ppmWet: number, scfhWet: number): number {
  return P75_K_SO2 * ppmWet * scfhWet;
}

/** F-2: dry SO2 concentration with wet flow: E = K * C_dry * Q_wet * (100 - %H2O) / 100. */
export function p75So2LbHDry(ppmDry: number, scfhWet: number, h2oPct: number): number {
  return (P75_K_SO2 * ppmDry * scfhWet * (100 - h2oPct)) / 100;
}

export function p75Co2TonsH(co2Pct: number, scfh: number): number {
  return P75_K_CO2 * co2Pct * scfh;
}

/** Litres per cubic foot (0.3048^3 m3, exact) and grams per pound (exact). */
const L_PER_FT3 = ratio(28316846592, 1000000000);
const G_PER_LB = ratio(45359237, 100000);

/**
 * Derivation of a Part 75 K factor: lb/scf per ppm of a gas at the given conditions (the K of 40 CFR Part 75
 * Appendix F Eq. F-1: 1.660e-7 for SO2 at 20 degC).
 */
export function p75KLbPerScfPpm(molarMass: number, cond: ReferenceConditions): number {
  return (((molarMass / cond.vmLPerMol) * L_PER_FT3) / G_PER_LB) / 1000000;
}

/** Derivation of the CO2 K factor: short tons/scf per %CO2 (the K of Eq. F-11: 5.7e-7). */
export function p75KTonsPerScfPct(molarMass: number, cond: ReferenceConditions): number {
  return (((molarMass / cond.vmLPerMol) * L_PER_FT3) / G_PER_LB) / 100 / 2000;
}

// ---- validation and bias ----

/**
 * IED validated average: C_meas - CI% * ELV_daily, floored at 0 (Directive 2010/75/EU Annex V Part 3, Annex VI
 * Part 8).
 */
export function iedValidated(measured: number, ciPct: number, elvDaily: number): number {
  const v = measured - (ciPct * elvDaily) / 100;
  return v > 0 ? v : 0;
}

/** Part 75 bias adjustment factor BAF = 1 + |d_mean| / C_mean (App. A §7.6). */
export function biasAdjustmentFactor(dMean: number, cMean: number): number {
  return 1 + Math.abs(dMean) / cMean;
}
