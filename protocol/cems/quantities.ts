// Measured quantities and units as data. Molar masses from IUPAC standard atomic weights (C 12.0107, H 1.00794,
// N 14.0067, O 15.9994, S 32.065, F 18.9984, Cl 35.453). NOx is always expressed as NO2 (HJ 212 Eq. 21/22, IED).
import { ratio } from './numbers';

export type QuantityKind =
  | 'GAS' // pollutant or GHG with a molar mass: ppm <-> mg/m3
  | 'PARTICULATE' // dust: mass concentration only
  | 'DILUENT' // O2
  | 'MOISTURE' // H2O
  | 'VELOCITY'
  | 'TEMPERATURE'
  | 'PRESSURE'
  | 'FLOW';

export interface QuantityDef {
  kind: QuantityKind;
  /** g/mol; NaN where no conversion between volume and mass fraction exists. */
  molarMass: number;
  /** Reported under an O2 reference (ELVs are set at reference O2). */
  o2Referenced: boolean;
  /** Units an analyzer may report this quantity in. */
  units: string[];
  /** Lowest physically meaningful value in the first listed unit's dimension (samples below are invalid). */
  minValid: number;
  /** Highest physically meaningful value (samples above are invalid); Infinity when unbounded. */
  maxValid: number;
  /**
   * A negative hourly value can only be a measurement artefact and is reported as zero where the regime says so
   * (Part 75 MODC 21: pollutant and CO2 concentrations, moisture). False for O2 (not in that list) and for stack
   * conditions, which can be legitimately negative (static pressure, temperature in degC).
   */
  negativeToZero: boolean;
}

export const M_SO2 = ratio(64064, 1000);
export const M_NO2 = ratio(460055, 10000);
export const M_NO = ratio(30006, 1000);
export const M_CO = ratio(28010, 1000);
export const M_CO2 = ratio(440095, 10000);
export const M_HCL = ratio(36461, 1000);
export const M_HF = ratio(20006, 1000);
export const M_NH3 = ratio(17031, 1000);
export const M_N2O = ratio(44013, 1000);
export const M_CH4 = ratio(16043, 1000);

/** Absolute zero in degrees Celsius (a temperature reading below it is a fault). */
const ABS_ZERO_C = ratio(-27315, 100);

const GAS_UNITS = ['ppm', 'pct', 'mg/m3'];

function gas(m: number, referenced: boolean): QuantityDef {
  return {
    kind: 'GAS',
    molarMass: m,
    o2Referenced: referenced,
    units: GAS_UNITS,
    minValid: 0,
    maxValid: Infinity,
    negativeToZero: true,
  };
}

/** Reported as a mass concentration only (no molar mass), under the O2 reference. */
function particulate(): QuantityDef {
  return {
    kind: 'PARTICULATE',
    molarMass: NaN,
    o2Referenced: true,
    units: ['mg/m3'],
    minValid: 0,
    maxValid: Infinity,
    negativeToZero: true,
  };
}

export const QUANTITIES: { [id: string]: QuantityDef } = {
  SO2: gas(M_SO2, true),
  NO: gas(M_NO, true),
  NO2: gas(M_NO2, true),
  NOX: gas(M_NO2, true),
  CO: gas(M_CO, true),
  HCL: gas(M_HCL, true),
  HF: gas(M_HF, true),
  NH3: gas(M_NH3, true),
  CO2: gas(M_CO2, false),
  N2O: gas(M_N2O, false),
  CH4: gas(M_CH4, false),
  TOC: particulate(),
  DUST: particulate(),
  O2: {
    kind: 'DILUENT',
    molarMass: NaN,
    o2Referenced: false,
    units: ['pct'],
    minValid: 0,
    maxValid: 100,
    negativeToZero: false,
  },
  H2O: {
    kind: 'MOISTURE',
    molarMass: NaN,
    o2Referenced: false,
    units: ['pct'],
    minValid: 0,
    maxValid: 100,
    negativeToZero: true,
  },
  VELOCITY: {
    kind: 'VELOCITY',
    molarMass: NaN,
    o2Referenced: false,
    units: ['m/s'],
    minValid: 0,
    maxValid: Infinity,
    negativeToZero: false,
  },
  TEMPERATURE: {
    kind: 'TEMPERATURE',
    molarMass: NaN,
    o2Referenced: false,
    units: ['degC'],
    minValid: ABS_ZERO_C,
    maxValid: Infinity,
    negativeToZero: false,
  },
  STATIC_PRESSURE: {
    kind: 'PRESSURE',
    molarMass: NaN,
    o2Referenced: false,
    units: ['Pa', 'kPa'],
    minValid: -Infinity,
    maxValid: Infinity,
    negativeToZero: false,
  },
  AMBIENT_PRESSURE: {
    kind: 'PRESSURE',
    molarMass: NaN,
    o2Referenced: false,
    units: ['Pa', 'kPa'],
    minValid: 0,
    maxValid: Infinity,
    negativeToZero: false,
  },
  FLOW: {
    kind: 'FLOW',
    molarMass: NaN,
    o2Referenced: false,
    units: ['m3/h', 'm3/s'],
    minValid: 0,
    maxValid: Infinity,
    negativeToZero: false,
  },
};

/** Factor from a unit to the engine's working unit of its dimension (kPa -> Pa, m3/s -> m3/h). */
export function unitToWorking(unit: string): number {
  if (unit === 'kPa') return 1000;
  if (unit === 'm3/s') return 3600;
  return 1;
}
