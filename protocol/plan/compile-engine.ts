// Host: the engine sections of a plan (ENGINE, CHANNELS, OUT_MINUTE, OUT_CLOSE, LISTS) from a validated, compiled
// emissions configuration (protocol/cems/config.ts). Every decision that depends only on the configuration (unit
// routes, which rule applies to which output) is taken here, so the device runs straight-line arithmetic.
import { codedError } from '../errors';
import type { CemsConfig, ChannelDef, OutputDef, SourceRef } from '../cems/config';
import { unitToWorking } from '../cems/quantities';
import {
  Ch,
  DayRuleKind,
  DryRoute,
  Eng,
  KindCode,
  MassRouteCode,
  NativeScheme,
  OutClose,
  OutKind,
  OutMin,
  PeriodRuleKind,
  Section,
  SubstitutionCode,
} from './format';
import { F64Table, f64Bytes } from './writer';

const KIND_CODES: { [k: string]: number } = {
  GAS: KindCode.GAS,
  PARTICULATE: KindCode.PARTICULATE,
  DILUENT: KindCode.DILUENT,
  MOISTURE: KindCode.MOISTURE,
  VELOCITY: KindCode.VELOCITY,
  TEMPERATURE: KindCode.TEMPERATURE,
  PRESSURE: KindCode.PRESSURE,
  FLOW: KindCode.FLOW,
};

const OUT_KINDS: { [k: string]: number } = {
  MEASURED: OutKind.MEASURED,
  DRY: OutKind.DRY,
  REF: OutKind.REF,
  MASS: OutKind.MASS,
  FLOW_ACT: OutKind.FLOW_ACT,
  FLOW_NDRY: OutKind.FLOW_NDRY,
  CO2E: OutKind.CO2E,
};

const MASS_ROUTES: { [k: string]: number } = {
  MG_KG: MassRouteCode.MG_KG,
  MG_T: MassRouteCode.MG_T,
  PCT_T: MassRouteCode.PCT_T,
  PCT_KG: MassRouteCode.PCT_KG,
};

const RULE_KINDS: { [k: string]: number } = {
  MIN_MINUTES: PeriodRuleKind.MIN_MINUTES,
  MINUTE_FRACTION: PeriodRuleKind.MINUTE_FRACTION,
  SAMPLE_FRACTION: PeriodRuleKind.SAMPLE_FRACTION,
  QUADRANT: PeriodRuleKind.QUADRANT,
};

const DAY_RULE_KINDS: { [k: string]: number } = {
  NONE: DayRuleKind.NONE,
  MIN_PERIODS: DayRuleKind.MIN_PERIODS,
  MAX_INVALID: DayRuleKind.MAX_INVALID,
};

const SUBSTITUTIONS: { [k: string]: number } = {
  NONE: SubstitutionCode.NONE,
  MRR_EQ4: SubstitutionCode.MRR_EQ4,
  P75_STANDARD: SubstitutionCode.P75_STANDARD,
  HJ_FLAG: SubstitutionCode.HJ_FLAG,
};

function code(table: { [k: string]: number }, key: string, what: string): number {
  const v = table[key];
  if (typeof v !== 'number') throw codedError('PLAN_COMPILE', 'unknown ' + what + ' ' + key);
  return v;
}

/** A context source as (channel, constant): channel index, -1 for a constant, -2 when not configured. */
function sourceFields(ref: SourceRef | null): [number, number] {
  if (!ref) return [-2, NaN];
  return ref.ch >= 0 ? [ref.ch, NaN] : [-1, ref.k];
}

/** Factor of a component's value to ppm for derived sums (0: mg/m3, converted through the molar mass). */
function toPpm(ch: ChannelDef): number {
  if (ch.unit === 'ppm') return 1;
  if (ch.unit === 'pct') return 10000;
  return 0;
}

/** Part 75 negative-to-zero (§75.57 Table 4a): emission rates always; values of concentration quantities; flows never. */
function negativeToZero(cfg: CemsConfig, o: OutputDef): boolean {
  if (o.kind === 'MASS' || o.kind === 'CO2E') return true;
  if (o.kind === 'FLOW_ACT' || o.kind === 'FLOW_NDRY') return false;
  return o.ch >= 0 && cfg.channels[o.ch].def.negativeToZero;
}

function dryRoute(cfg: CemsConfig, o: OutputDef): number {
  if (o.kind !== 'DRY' || o.ch < 0) return DryRoute.NONE;
  const ch = cfg.channels[o.ch];
  if (ch.def.kind === 'DILUENT' || o.unit !== 'mg/m3') return DryRoute.NONE;
  if (ch.unit === 'mg/m3') return ch.actual ? DryRoute.ACTUAL_TO_REFERENCE : DryRoute.NONE;
  return ch.unit === 'pct' ? DryRoute.PCT_TO_MG : DryRoute.PPM_TO_MG;
}

export function engineSections(cfg: CemsConfig): { id: number; bytes: Uint8Array }[] {
  const p = cfg.profile;
  const lists: number[] = [];
  const eng = new F64Table(Eng.FIELDS);
  eng.addRow();
  const rule = p.periodRule;
  const set = (f: number, v: number): void => eng.set(0, f, v);
  set(Eng.PERIOD_MINUTES, p.periodMinutes);
  set(Eng.MINUTE_MIN_SAMPLES, p.minuteMinSamples);
  set(Eng.RULE_KIND, code(RULE_KINDS, rule.kind, 'period rule'));
  set(Eng.RULE_N, rule.kind === 'MIN_MINUTES' ? rule.n : NaN);
  set(Eng.RULE_NUM, rule.kind === 'MINUTE_FRACTION' || rule.kind === 'SAMPLE_FRACTION' ? rule.num : NaN);
  set(Eng.RULE_DEN, rule.kind === 'MINUTE_FRACTION' || rule.kind === 'SAMPLE_FRACTION' ? rule.den : NaN);
  set(Eng.BY_SAMPLES, p.weighting === 'SAMPLE' ? 1 : 0);
  set(Eng.DAY_RULE_KIND, code(DAY_RULE_KINDS, p.dayRule.kind, 'day rule'));
  set(Eng.DAY_RULE_N, p.dayRule.kind === 'NONE' ? NaN : p.dayRule.n);
  set(Eng.SUBSTITUTION, code(SUBSTITUTIONS, p.substitution, 'substitution'));
  set(Eng.O2_K, p.o2K);
  set(Eng.O2_REF, cfg.o2RefPct);
  set(Eng.O2_CAP, cfg.o2CapPct);
  set(Eng.O2_LIMIT, cfg.o2LimitPct);
  set(Eng.SCAN_MS, cfg.scanIntervalMs);
  set(Eng.SAMPLES_PER_MINUTE, cfg.samplesPerMinute);
  set(Eng.CLOSE_DELAY_MS, cfg.closeDelayMs);
  set(Eng.MAX_GAP_MS, cfg.maxGapMs);
  set(Eng.N_CHANNELS, cfg.channels.length);
  set(Eng.N_OUTPUTS, cfg.outputs.length);
  set(Eng.O2_CH, cfg.o2Ch);
  const ctx: [number, number, SourceRef | null][] = [
    [Eng.MOIST_CH, Eng.MOIST_K, cfg.moisture],
    [Eng.TEMP_CH, Eng.TEMP_K, cfg.temperature],
    [Eng.PS_CH, Eng.PS_K, cfg.staticPressure],
    [Eng.PA_CH, Eng.PA_K, cfg.ambientPressure],
  ];
  for (const c of ctx) {
    const f = sourceFields(c[2]);
    set(c[0], f[0]);
    set(c[1], f[1]);
  }
  set(Eng.HAS_FLOW, cfg.flow ? 1 : 0);
  set(Eng.FLOW_VELOCITY_CH, cfg.flow ? cfg.flow.velocityCh : -1);
  set(Eng.FLOW_AREA, cfg.flow ? cfg.flow.areaM2 : NaN);
  set(Eng.FLOW_KV, cfg.flow ? cfg.flow.kv : NaN);
  const ndry = cfg.outIndex['flow.ndry'];
  set(Eng.FLOW_NDRY, typeof ndry === 'number' ? ndry : -1);
  set(Eng.T_REF_K, cfg.conditions.tRefK);
  set(Eng.P_REF_PA, cfg.conditions.pRefPa);
  set(Eng.CELSIUS_OFFSET_K, cfg.conditions.celsiusOffsetK);
  set(Eng.VM_L_PER_MOL, cfg.conditions.vmLPerMol);
  set(Eng.USES_MODC, p.id === 'US_P75' ? 1 : 0);
  set(Eng.NATIVE_SCHEME, p.id === 'CN_HJ' ? NativeScheme.HJ212 : p.id === 'US_P75' ? NativeScheme.P75_MODC : NativeScheme.BITS);

  const chans = new F64Table(Ch.FIELDS);
  for (const ch of cfg.channels) {
    const r = chans.addRow();
    chans.set(r, Ch.KIND, code(KIND_CODES, ch.def.kind, 'quantity kind'));
    chans.set(r, Ch.WET, ch.water === 'WET' ? 1 : 0);
    chans.set(r, Ch.GAIN, ch.gain);
    chans.set(r, Ch.OFFSET, ch.offset);
    chans.set(r, Ch.CAL_A, ch.calA);
    chans.set(r, Ch.CAL_B, ch.calB);
    chans.set(r, Ch.MIN_VALID, ch.minValid);
    chans.set(r, Ch.MAX_VALID, ch.maxValid);
    chans.set(r, Ch.RANGE_MAX, ch.rangeMax);
    chans.set(r, Ch.MOLAR_MASS, ch.def.molarMass);
    chans.set(r, Ch.TO_WORKING, unitToWorking(ch.unit));
    chans.set(r, Ch.TO_PPM, toPpm(ch));
    chans.set(r, Ch.SUM_AT, lists.length);
    chans.set(r, Ch.SUM_N, ch.sumOf.length);
    for (const k of ch.sumOf) lists.push(k);
    chans.set(r, Ch.MODC, parseInt(ch.modc, 10));
    chans.set(r, Ch.NEGATIVE_TO_ZERO, ch.def.negativeToZero ? 1 : 0);
  }

  const massOf: number[] = cfg.outputs.map(() => -1);
  for (const o of cfg.outputs) if (o.kind === 'MASS') massOf[o.src] = o.index;
  const om = new F64Table(OutMin.FIELDS);
  const oc = new F64Table(OutClose.FIELDS);
  for (const o of cfg.outputs) {
    const r = om.addRow();
    om.set(r, OutMin.KIND, code(OUT_KINDS, o.kind, 'output kind'));
    om.set(r, OutMin.CH, o.ch);
    om.set(r, OutMin.SRC, o.src);
    om.set(r, OutMin.O2_REF, o.o2RefPct);
    om.set(r, OutMin.ROUTE, o.kind === 'MASS' ? code(MASS_ROUTES, o.massRoute, 'mass route') : dryRoute(cfg, o));
    om.set(r, OutMin.WET, o.kind === 'DRY' && o.ch >= 0 && cfg.channels[o.ch].water === 'WET' ? 1 : 0);
    om.set(r, OutMin.TERMS_AT, lists.length);
    om.set(r, OutMin.TERMS_N, o.terms.length);
    for (const t of o.terms) lists.push(t.out, t.w, cfg.outputs[t.out].unit === 't/h' ? 1 : 1000);
    const c = oc.addRow();
    oc.set(c, OutClose.CI_PCT, o.ciPct);
    oc.set(c, OutClose.ELV_DAILY, o.elvDaily);
    oc.set(c, OutClose.MPC, o.mpc);
    oc.set(c, OutClose.BAF, o.baf);
    oc.set(c, OutClose.CAL_RANGE_MAX, o.calRangeMax);
    oc.set(c, OutClose.SUBSTITUTE, o.substitute ? 1 : 0);
    oc.set(c, OutClose.INVERSE, o.inverse ? 1 : 0);
    oc.set(c, OutClose.HAS_TOTAL, o.totalUnit !== '' ? 1 : 0);
    oc.set(c, OutClose.NEGATIVE_TO_ZERO, negativeToZero(cfg, o) ? 1 : 0);
    oc.set(c, OutClose.MODC, o.ch >= 0 ? parseInt(cfg.channels[o.ch].modc, 10) : 1);
    oc.set(c, OutClose.MEASURED, o.kind === 'MEASURED' ? 1 : 0);
    oc.set(c, OutClose.MASS_OF, massOf[o.index]);
  }
  return [
    { id: Section.ENGINE, bytes: f64Bytes(eng.values) },
    { id: Section.CHANNELS, bytes: f64Bytes(chans.values) },
    { id: Section.OUT_MINUTE, bytes: f64Bytes(om.values) },
    { id: Section.OUT_CLOSE, bytes: f64Bytes(oc.values) },
    { id: Section.LISTS, bytes: f64Bytes(lists.length ? lists : [0]) },
  ];
}
