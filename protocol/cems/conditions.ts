// Reference (standard) conditions as data: EU 273.15 K, 101.3 kPa, dry (Directive 2010/75/EU Annex V Part 1,
// Annex VI); US 20 degC (68 degF), 1 atm (40 CFR 60.2, 72.2); China 273 K, 101 325 Pa, 22.4 L/mol (HJ 212-2017
// Annex D Eq. 18, 20, 31). The molar volume is computed from the ideal-gas law
// where a jurisdiction defines its conditions by T and P; China defines it directly (HJ 212 Eq. 20: 22.4 L/mol) and
// also uses 273 (not 273.15) for the Celsius offset in its T/P normalisation (HJ 212 Eq. 18, 31).
import { ratio } from './numbers';

/** Molar gas constant, J/(mol K), exact since the 2019 SI. */
export const R_GAS = ratio(8314462618, 1000000000);
export const T_ICE_K = ratio(27315, 100);
export const P_ATM_PA = 101325;

export interface ReferenceConditions {
  /** Stable id carried in every value's basis, e.g. "N0C" (273.15 K, 101 325 Pa). */
  id: string;
  /** Reference temperature, K. */
  tRefK: number;
  /** Reference pressure, Pa. */
  pRefPa: number;
  /** Offset added to a Celsius reading to get K in the T/P normalisation (273.15, or 273 in HJ 212). */
  celsiusOffsetK: number;
  /** Molar volume at the reference conditions, L/mol. */
  vmLPerMol: number;
  /** How vm was obtained: 'IDEAL_GAS' (R T / P) or 'DEFINED' (fixed by the jurisdiction). */
  vmSource: 'IDEAL_GAS' | 'DEFINED';
}

/** Ideal-gas molar volume in L/mol at tK, pPa. */
export function molarVolume(tK: number, pPa: number): number {
  return (R_GAS * tK * 1000) / pPa;
}

export function idealConditions(id: string, tRefK: number, pRefPa: number): ReferenceConditions {
  return {
    id: id,
    tRefK: tRefK,
    pRefPa: pRefPa,
    celsiusOffsetK: T_ICE_K,
    vmLPerMol: molarVolume(tRefK, pRefPa),
    vmSource: 'IDEAL_GAS',
  };
}

/** 0 degC, 101 325 Pa: EU IED/MRR normal conditions (Nm3). */
export const COND_N0C = idealConditions('N0C', T_ICE_K, P_ATM_PA);
/** 20 degC (68 degF), 1 atm: US Part 60/75 standard conditions. */
export const COND_S20C = idealConditions('S20C', ratio(29315, 100), P_ATM_PA);
/** 15 degC, 101.325 kPa (Canada GHGRP quantification requirements 2024; temperature not confirmed in the text). */
export const COND_S15C = idealConditions('S15C', ratio(28815, 100), P_ATM_PA);
/** 25 degC, 101.325 kPa. */
export const COND_S25C = idealConditions('S25C', ratio(29815, 100), P_ATM_PA);
/** China: 273 K, 101 325 Pa, Vm = 22.4 L/mol by definition. */
export const COND_CN: ReferenceConditions = {
  id: 'CN273K',
  tRefK: 273,
  pRefPa: P_ATM_PA,
  celsiusOffsetK: 273,
  vmLPerMol: ratio(224, 10),
  vmSource: 'DEFINED',
};

export const CONDITIONS: { [id: string]: ReferenceConditions } = {
  N0C: COND_N0C,
  S20C: COND_S20C,
  S15C: COND_S15C,
  S25C: COND_S25C,
  CN273K: COND_CN,
};
