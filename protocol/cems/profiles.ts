// Jurisdiction profiles as data; `texts` names the regulations and standards each one implements. Each profile lists
// which of its fields a regulation fixes (`standardized`); the rest are configured defaults that an installation may
// override in its config.
import { ratio } from './numbers';
import type { ReferenceConditions } from './conditions';
import { COND_CN, COND_N0C, COND_S15C, COND_S20C } from './conditions';

/** Validity of a 30-/60-minute period built from 1-minute values. */
export type PeriodRule =
  /** at least n valid minutes (HJ 212-2017 Annex D Eq. 24: k >= 45; HJ 76-2017 Annex B) */
  | { kind: 'MIN_MINUTES'; n: number }
  /** valid minutes >= num/den of the period's minutes */
  | { kind: 'MINUTE_FRACTION'; num: number; den: number }
  /** valid samples >= num/den of the samples the scan interval allows (MRR Art. 44: 80 % of data points) */
  | { kind: 'SAMPLE_FRACTION'; num: number; den: number }
  /** one valid minute in each 15-minute quadrant the unit operated, or 2 points >= 15 min apart in a QA hour (§75.10(d)) */
  | { kind: 'QUADRANT' };

export type DayRule =
  /** at least n valid periods (HJ 212-2017 Annex D Eq. 25: m >= 20; HJ 76-2017 Annex B) */
  | { kind: 'MIN_PERIODS'; n: number }
  /** at most n invalid periods (IED LCP: > 3 invalid hours -> day invalid; WI: <= 5 half-hours discarded) */
  | { kind: 'MAX_INVALID'; n: number }
  | { kind: 'NONE' };

export type O2Guard =
  /** O2-referenced values are invalid when the dry O2 reaches maxPct (divide-by-near-zero guard) */
  | { kind: 'LIMIT'; maxPct: number }
  /** Part 75 diluent cap: O2 above the cap of the source type is replaced by the cap (MODC 14) */
  | { kind: 'DILUENT_CAP'; capPct: { [sourceType: string]: number } };

export type SubstitutionMethod = 'MRR_EQ4' | 'P75_STANDARD' | 'HJ_FLAG' | 'NONE';

export interface Profile {
  id: string;
  title: string;
  /** Governing texts: the regulations and standards the profile implements. */
  texts: string;
  conditions: ReferenceConditions;
  /** O2 constant of the reference correction: 21 or 20.9 (%). */
  o2K: number;
  /** Reference O2 (%) by source type; empty when the regime has no O2 reference. */
  o2RefBySource: { [sourceType: string]: number };
  o2Guard: O2Guard;
  periodMinutes: number;
  /** Valid samples a minute needs to be a valid 1-minute value (HJ 212-2017 Annex D Eq. 23: n >= 12). */
  minuteMinSamples: number;
  periodRule: PeriodRule;
  /** How a period mean is formed: mean of minute values, or weighted by their valid samples (all data points). */
  weighting: 'MINUTE' | 'SAMPLE';
  dayRule: DayRule;
  /** IED 95 % confidence interval as % of the daily ELV, subtracted from valid averages (empty: no validation). */
  ciPct: { [quantity: string]: number };
  substitution: SubstitutionMethod;
  /** Field names fixed by the regulation; config overrides of these are rejected. */
  standardized: string[];
}

export const O2_K_21 = 21;
export const O2_K_20_9 = ratio(209, 10);

const IED_CI_LCP: { [q: string]: number } = { CO: 10, SO2: 20, NOX: 20, DUST: 30 };
const IED_CI_WI: { [q: string]: number } = { CO: 10, SO2: 20, NOX: 20, DUST: 30, TOC: 30, HCL: 40, HF: 40 };

/** 80 % of the data points (MRR Art. 44), used as the configured default for the other EU and Korean rules. */
const EIGHTY_PCT: PeriodRule = { kind: 'SAMPLE_FRACTION', num: 80, den: 100 };

export const PROFILES: { [id: string]: Profile } = {
  EU_IED_LCP: {
    id: 'EU_IED_LCP',
    title: 'EU IED large combustion plants (Annex V)',
    texts: 'Directive 2010/75/EU Annex V; EN 14181; EN 17255-1',
    conditions: COND_N0C,
    o2K: O2_K_21,
    o2RefBySource: { SOLID_FUEL: 6, LIQUID_FUEL: 3, GAS_FUEL: 3, GAS_TURBINE: 15, ENGINE: 15 },
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 60,
    minuteMinSamples: 1,
    periodRule: EIGHTY_PCT,
    weighting: 'SAMPLE',
    dayRule: { kind: 'MAX_INVALID', n: 3 },
    ciPct: IED_CI_LCP,
    substitution: 'NONE',
    standardized: ['conditions', 'o2K', 'o2RefBySource', 'periodMinutes', 'dayRule', 'ciPct', 'substitution'],
  },
  EU_IED_WI: {
    id: 'EU_IED_WI',
    title: 'EU IED waste incineration (Annex VI)',
    texts: 'Directive 2010/75/EU Annex VI; EN 14181; EN 17255-1',
    conditions: COND_N0C,
    o2K: O2_K_21,
    o2RefBySource: { WASTE: 11, WASTE_OIL: 3 },
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 30,
    minuteMinSamples: 1,
    periodRule: EIGHTY_PCT,
    weighting: 'SAMPLE',
    dayRule: { kind: 'MAX_INVALID', n: 5 },
    ciPct: IED_CI_WI,
    substitution: 'NONE',
    standardized: ['conditions', 'o2K', 'o2RefBySource', 'periodMinutes', 'dayRule', 'ciPct', 'substitution'],
  },
  EU_MRR: {
    id: 'EU_MRR',
    title: 'EU ETS measurement-based methodology (MRR 2018/2066)',
    texts: 'Regulation (EU) 2018/2066 Art. 21, 42-45, Annex VIII',
    conditions: COND_N0C,
    o2K: O2_K_21,
    o2RefBySource: {},
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 60,
    minuteMinSamples: 1,
    periodRule: EIGHTY_PCT,
    weighting: 'SAMPLE',
    dayRule: { kind: 'NONE' },
    ciPct: {},
    substitution: 'MRR_EQ4',
    standardized: ['conditions', 'periodMinutes', 'periodRule', 'weighting', 'ciPct', 'substitution'],
  },
  US_P75: {
    id: 'US_P75',
    title: 'US 40 CFR Part 75 (Acid Rain / CSAPR)',
    texts: '40 CFR 75.10(d), 75.32, 75.33, 75.57, Appendix A 7.6, Appendix F',
    conditions: COND_S20C,
    o2K: O2_K_20_9,
    o2RefBySource: {},
    o2Guard: { kind: 'DILUENT_CAP', capPct: { BOILER: 14, TURBINE: 19 } },
    periodMinutes: 60,
    minuteMinSamples: 1,
    periodRule: { kind: 'QUADRANT' },
    weighting: 'MINUTE',
    dayRule: { kind: 'NONE' },
    ciPct: {},
    substitution: 'P75_STANDARD',
    standardized: ['conditions', 'o2K', 'o2Guard', 'periodMinutes', 'periodRule', 'ciPct', 'substitution'],
  },
  US_P60: {
    id: 'US_P60',
    title: 'US 40 CFR Part 60 (NSPS)',
    texts: '40 CFR 60.13(e)(2), 60.13(h); subpart-specific O2 reference (e.g. 60.284)',
    conditions: COND_S20C,
    o2K: O2_K_20_9,
    o2RefBySource: {},
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 60,
    minuteMinSamples: 1,
    periodRule: { kind: 'QUADRANT' },
    weighting: 'MINUTE',
    dayRule: { kind: 'NONE' },
    ciPct: {},
    substitution: 'NONE',
    standardized: ['conditions', 'o2K', 'periodMinutes', 'periodRule', 'ciPct'],
  },
  CN_HJ: {
    id: 'CN_HJ',
    title: 'China HJ 75/76-2017, HJ 212',
    texts: 'HJ 75-2017; HJ 76-2017 Annex B; HJ 212-2017 Annex D; GB 13223, GB 18485, GB 13271',
    conditions: COND_CN,
    o2K: O2_K_21,
    o2RefBySource: {
      COAL_BOILER: 6,
      OIL_GAS_BOILER: 3,
      GAS_TURBINE: 15,
      MSW_INCINERATOR: 11,
      INDUSTRIAL_COAL_BOILER: 9,
      INDUSTRIAL_OIL_GAS_BOILER: ratio(35, 10),
    },
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 60,
    minuteMinSamples: 12,
    periodRule: { kind: 'MIN_MINUTES', n: 45 },
    weighting: 'MINUTE',
    dayRule: { kind: 'MIN_PERIODS', n: 20 },
    ciPct: {},
    substitution: 'HJ_FLAG',
    standardized: [
      'conditions',
      'o2K',
      'periodMinutes',
      'minuteMinSamples',
      'periodRule',
      'weighting',
      'dayRule',
      'ciPct',
      'substitution',
    ],
  },
  KR_TMS: {
    id: 'KR_TMS',
    title: 'Korea TMS / CleanSYS',
    texts: 'Clean Air Conservation Act Art. 32; Enforcement Decree Art. 17, 19 (averaging and codes not public)',
    conditions: COND_N0C,
    o2K: O2_K_21,
    o2RefBySource: {},
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 30,
    minuteMinSamples: 1,
    periodRule: EIGHTY_PCT,
    weighting: 'SAMPLE',
    dayRule: { kind: 'NONE' },
    ciPct: {},
    substitution: 'NONE',
    standardized: ['ciPct', 'substitution'],
  },
  CA_ECCC: {
    id: 'CA_ECCC',
    title: 'Canada ECCC CO2 CEMS reference method / EPS 1/PG/7',
    texts: 'ECCC Reference Method (2012, SOR/2012-167); EPS 1/PG/7 (2005); GHGRP 2024',
    conditions: COND_S15C,
    o2K: O2_K_20_9,
    o2RefBySource: {},
    o2Guard: { kind: 'LIMIT', maxPct: 20 },
    periodMinutes: 60,
    minuteMinSamples: 1,
    periodRule: { kind: 'QUADRANT' },
    weighting: 'MINUTE',
    dayRule: { kind: 'NONE' },
    ciPct: {},
    substitution: 'NONE',
    standardized: ['ciPct'],
  },
};

/** Fields of a profile an installation may override (when not standardized), with the value shapes they take. */
export const OVERRIDABLE = [
  'conditions',
  'o2K',
  'o2Guard',
  'periodMinutes',
  'minuteMinSamples',
  'periodRule',
  'weighting',
  'dayRule',
  'substitution',
];
