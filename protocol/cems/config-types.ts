// Configuration shapes: what an installation writes (JSON-able input) and the compiled form the engine runs on
// (channel table, output table in dependency order, resolved jurisdiction profile).
// Non-integer config numbers are decimal strings ("1.0234"), parsed exactly (numbers.ts): a JSON float would be read
// differently by Espruino's parser.
import type { ReferenceConditions } from './conditions';
import type { Basis } from './convert';
import type { Profile } from './profiles';
import type { QuantityDef } from './quantities';

/** An integer, or a decimal string such as "22.414". */
export type Num = number | string;

/** A value taken from a channel's 1-minute mean or configured as a constant. */
export type SourceInput = { channel: string } | { constant: Num };

export interface ChannelInput {
  /** Sample channel id, [a-z0-9_], e.g. "so2". */
  id: string;
  /** Key of QUANTITIES: SO2, NO, NO2, NOX, CO, CO2, HCL, HF, NH3, N2O, CH4, TOC, DUST, O2, H2O, VELOCITY, ... */
  quantity: string;
  /** Unit the analyzer reports after register decoding: ppm, pct, mg/m3, m/s, degC, Pa, kPa, m3/h, m3/s. */
  unit: string;
  /** Moisture basis of the analyzer reading (extractive with cooler: DRY; in-situ / hot-wet: WET). Default DRY. */
  water?: 'WET' | 'DRY';
  /** mg/m3 readings at actual stack T/P (true) or already at reference conditions (false, default). */
  actualConditions?: boolean;
  /** Extra linear scaling of the sample value before calibration: y = gain * x + offset. */
  scale?: { gain?: Num; offset?: Num };
  /** EN 14181 QAL2 calibration function y = a + b x, with its id and date (ISO 8601 text). */
  calibration?: { id: string; date: string; a: Num; b: Num };
  /** Analyzer measuring range upper limit (before calibration): above it a sample is OVERRANGE (HJ T). */
  rangeMax?: Num;
  /** Lowest valid calibrated value (default: the quantity's physical minimum, 0 for concentrations). */
  minValid?: Num;
  /** EN 14181 valid calibration range upper limit, in the unit of the normalized output (ref-O2 if any, else dry). */
  calRangeMax?: Num;
  /** Daily ELV at reference conditions, for the IED confidence-interval subtraction. */
  elvDaily?: Num;
  /** Part 75 maximum potential concentration (for O2: minimum potential value), used below 80 % availability. */
  mpc?: Num;
  /** Part 75 bias adjustment factor (>= 1) from the last RATA. */
  baf?: Num;
  /** Derived channel: sum of these channels in ppm (NOx = NO + NO2, reported as NO2). */
  sumOf?: string[];
  /** Unit of the dry normalized output: mg/m3 (default) or pct (only for channels measured in pct). */
  outputUnit?: 'mg/m3' | 'pct';
  /** Unit of the mass rate: kg/h (default) or t/h (default for CO2). */
  massUnit?: 'kg/h' | 't/h';
  /** Compute a mass rate when a flow is configured (default true for gases and dust). */
  mass?: boolean;
  /** Part 75 MODC for measured values of this channel (default "01", primary monitor). */
  modc?: string;
}

export interface ProfileOverrides {
  conditions?: string;
  o2K?: Num;
  o2Guard?: { kind: 'LIMIT'; maxPct: Num } | { kind: 'DILUENT_CAP'; capPct: Num };
  periodMinutes?: number;
  minuteMinSamples?: number;
  periodRule?: { kind: string; n?: number; num?: number; den?: number };
  weighting?: 'MINUTE' | 'SAMPLE';
  dayRule?: { kind: string; n?: number };
  substitution?: string;
}

export interface CemsConfigInput {
  /** Key of PROFILES: EU_IED_LCP, EU_IED_WI, EU_MRR, US_P75, US_P60, CN_HJ, KR_TMS, CA_ECCC. */
  profile: string;
  /** Source type for the profile's O2 reference / diluent cap (e.g. SOLID_FUEL, BOILER, COAL_BOILER). */
  sourceType?: string;
  /** Reference O2 in % where the profile leaves it to the installation (Part 60 subparts, Korea, Canada). */
  o2RefPct?: Num;
  overrides?: ProfileOverrides;
  /** Expected interval between samples of one channel, ms (HJ 76: <= 5000). */
  scanIntervalMs: number;
  /** A minute is closed by advance() this long after its end, so in-flight reads still count. Default 5000. */
  closeDelayMs?: number;
  /** A forward time step larger than this is a clock jump: skipped periods are reported as one gap. Default 1 day. */
  maxGapMs?: number;
  channels: ChannelInput[];
  /** The diluent (O2) channel used for reference correction. */
  o2Channel?: string;
  /** Moisture for wet->dry: an H2O channel or a constant in %. */
  moisture?: { channel: string } | { constantPct: Num };
  /** Stack temperature (degC) and static/ambient pressure (Pa): for flow normalization and actual-condition mg/m3. */
  stack?: { temperature: SourceInput; staticPressure: SourceInput; ambientPressure: SourceInput };
  flow?: {
    /** Velocity channel (m/s): Q = 3600 v A Kv. */
    velocity?: string;
    /** Or a volume-flow channel (actual, wet: m3/h or m3/s). */
    volume?: string;
    diameterM?: Num;
    areaM2?: Num;
    /** Velocity-field coefficient (HJ 212 Eq. 29), default 1. */
    kv?: Num;
    /** Part 75 flow BAF. */
    baf?: Num;
  };
  /** CO2-equivalent mass rate (t/h) as the sum of gwp * mass rate of the listed channels. */
  co2e?: { gwp: { [channelId: string]: Num } };
}

export interface ConfigError {
  path: string;
  code: string;
  message: string;
}

/** Channel value or constant after compilation: ch >= 0 is a channel index, otherwise the constant k. */
export interface SourceRef {
  ch: number;
  k: number;
}

export interface ChannelDef {
  id: string;
  index: number;
  quantity: string;
  def: QuantityDef;
  unit: string;
  water: 'WET' | 'DRY';
  actual: boolean;
  gain: number;
  offset: number;
  calA: number;
  calB: number;
  calId: string;
  calDate: string;
  minValid: number;
  maxValid: number;
  rangeMax: number;
  /** Component channel indices of a derived channel (empty for sampled channels). */
  sumOf: number[];
  modc: string;
}

export type OutputKind = 'MEASURED' | 'DRY' | 'REF' | 'MASS' | 'FLOW_ACT' | 'FLOW_NDRY' | 'CO2E';

/** How a mass rate is computed and converted to its output unit. */
export type MassRoute = 'MG_KG' | 'MG_T' | 'PCT_T' | 'PCT_KG';

export interface OutputDef {
  /** "so2", "so2.dry", "so2.ref", "so2.mass", "flow.act", "flow.ndry", "co2e.mass". */
  id: string;
  index: number;
  kind: OutputKind;
  /** Channel index (-1 for flow and CO2e outputs). */
  ch: number;
  unit: string;
  basis: Basis;
  /** Input output index: DRY for REF and MASS. */
  src: number;
  o2RefPct: number;
  massRoute: MassRoute;
  /** IED CI in % of the daily ELV (0: none). */
  ciPct: number;
  elvDaily: number;
  mpc: number;
  /** Part 75 bias adjustment factor applied to reported values (1: none). */
  baf: number;
  calRangeMax: number;
  /** Target of the profile's substitution method. */
  substitute: boolean;
  /** Lower values are the conservative ones (O2 under Part 75). */
  inverse: boolean;
  /** Unit of period totals (kg, t, m3), '' for quantities without totals. */
  totalUnit: string;
  /** Formula reference for the audit trail. */
  formula: string;
  calId: string;
  calDate: string;
  /** CO2e terms: (output index, weight). */
  terms: { out: number; w: number }[];
}

export interface FlowDef {
  velocityCh: number;
  volumeCh: number;
  areaM2: number;
  kv: number;
  baf: number;
}

export interface CemsConfig {
  profile: Profile;
  conditions: ReferenceConditions;
  sourceType: string;
  /** Reference O2 %, NaN when the installation has none. */
  o2RefPct: number;
  /** Part 75 diluent cap %, NaN when the guard is a limit. */
  o2CapPct: number;
  /** O2-referenced values are invalid at or above this dry O2 % (the O2 constant when the guard is a cap). */
  o2LimitPct: number;
  scanIntervalMs: number;
  samplesPerMinute: number;
  closeDelayMs: number;
  maxGapMs: number;
  channels: ChannelDef[];
  chanIndex: { [id: string]: number };
  outputs: OutputDef[];
  outIndex: { [id: string]: number };
  o2Ch: number;
  moisture: SourceRef | null;
  temperature: SourceRef | null;
  staticPressure: SourceRef | null;
  ambientPressure: SourceRef | null;
  flow: FlowDef | null;
}
