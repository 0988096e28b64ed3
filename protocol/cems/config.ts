// Configuration compiler: validates an installation's config against its jurisdiction profile and builds the
// channel and output tables the engine runs on. Every error names its path (e.g. "channels[2].calibration.b").
import { codedError, errorMessage } from '../errors';
import { hasOwn, lookup } from '../own';
import type { ReferenceConditions } from './conditions';
import { applyOverrides, Checker, keysOf } from './config-checker';
import type { CemsConfig, ChannelDef, ConfigError, OutputDef, OutputKind, SourceRef } from './config-types';
import { checkMassBasis, COND_ACTUAL, COND_NONE, ductArea, O2_ACTUAL } from './convert';
import type { Basis } from './convert';
import { O2_K_21, PROFILES } from './profiles';
import { QUANTITIES } from './quantities';
import { DAY_MS } from './time';

export type {
  CemsConfig,
  CemsConfigInput,
  ChannelDef,
  ChannelInput,
  ConfigError,
  FlowDef,
  MassRoute,
  Num,
  OutputDef,
  OutputKind,
  ProfileOverrides,
  SourceInput,
  SourceRef,
} from './config-types';

const ID_RE = /^[a-z][a-z0-9_]*$/;

function sourceRef(c: Checker, cfg: CemsConfig, v: unknown, path: string, kinds: string[]): SourceRef | null {
  const o = c.obj(v, path);
  if (!o) return null;
  if (o.channel !== undefined) {
    const id = typeof o.channel === 'string' ? o.channel : '';
    const ch = lookup(cfg.chanIndex, id);
    if (ch === undefined) {
      c.fail(path + '.channel', 'CEMS_CFG_REF', 'no channel "' + id + '"');
      return null;
    }
    if (kinds.indexOf(cfg.channels[ch].quantity) < 0) {
      c.fail(path + '.channel', 'CEMS_CFG_REF', 'channel "' + id + '" must measure ' + kinds.join(' or '));
      return null;
    }
    return { ch: ch, k: NaN };
  }
  const k = c.num(o.constant, path + '.constant', true);
  return isNaN(k) ? null : { ch: -1, k: k };
}

function compileChannel(c: Checker, v: unknown, i: number): ChannelDef | null {
  const path = 'channels[' + i + ']';
  const o = c.obj(v, path);
  if (!o) return null;
  let id = c.str(o.id, path + '.id');
  if (id && !ID_RE.test(id)) {
    c.fail(path + '.id', 'CEMS_CFG_ID', 'must match [a-z][a-z0-9_]*');
    // Like a missing id, an invalid one is not indexed (it could be "__proto__").
    id = '';
  }
  const quantity = c.oneOf(o.quantity, path + '.quantity', keysOf(QUANTITIES));
  const def = lookup(QUANTITIES, quantity);
  if (!def) return null;
  const derived = o.sumOf !== undefined;
  const unit = derived && o.unit === undefined ? 'ppm' : c.oneOf(o.unit, path + '.unit', derived ? ['ppm'] : def.units);
  const water = o.water === undefined ? 'DRY' : c.oneOf(o.water, path + '.water', ['WET', 'DRY']);
  const actual = o.actualConditions === true;
  if (o.actualConditions !== undefined && typeof o.actualConditions !== 'boolean') {
    c.fail(path + '.actualConditions', 'CEMS_CFG_TYPE', 'must be a boolean');
  }
  if (actual && unit !== 'mg/m3') c.fail(path + '.actualConditions', 'CEMS_CFG_RULE', 'only mg/m3 readings depend on T and P');
  let gain = 1;
  let offset = 0;
  if (o.scale !== undefined) {
    const s = c.obj(o.scale, path + '.scale');
    if (s) {
      if (s.gain !== undefined) gain = c.num(s.gain, path + '.scale.gain', true);
      if (s.offset !== undefined) offset = c.num(s.offset, path + '.scale.offset', true);
    }
  }
  let calA = 0;
  let calB = 1;
  let calId = '';
  let calDate = '';
  if (o.calibration !== undefined) {
    const k = c.obj(o.calibration, path + '.calibration');
    if (k) {
      calId = c.str(k.id, path + '.calibration.id');
      calDate = c.str(k.date, path + '.calibration.date');
      calA = c.num(k.a, path + '.calibration.a', true);
      calB = c.num(k.b, path + '.calibration.b', true);
      if (calB <= 0) c.fail(path + '.calibration.b', 'CEMS_CFG_RANGE', 'the QAL2 slope must be > 0');
    }
  }
  if (derived && (o.scale !== undefined || o.calibration !== undefined || o.rangeMax !== undefined)) {
    c.fail(path + '.sumOf', 'CEMS_CFG_RULE', 'a derived channel takes scale, calibration and range from its components');
  }
  const minValid = o.minValid === undefined ? def.minValid : c.num(o.minValid, path + '.minValid', true);
  const rangeMax = o.rangeMax === undefined ? Infinity : c.num(o.rangeMax, path + '.rangeMax', true);
  const modc = o.modc === undefined ? '01' : c.oneOf(o.modc, path + '.modc', ['01', '02', '03', '04', '05', '17', '22']);
  return {
    id: id,
    index: i,
    quantity: quantity,
    def: def,
    unit: unit,
    water: water === 'WET' ? 'WET' : 'DRY',
    actual: actual,
    gain: gain,
    offset: offset,
    calA: calA,
    calB: calB,
    calId: calId,
    calDate: calDate,
    minValid: minValid,
    maxValid: def.maxValid,
    rangeMax: rangeMax,
    sumOf: [],
    modc: modc,
  };
}

function newOutput(id: string, kind: OutputKind, ch: number, unit: string, basis: Basis, formula: string): OutputDef {
  return {
    id: id,
    index: -1,
    kind: kind,
    ch: ch,
    unit: unit,
    basis: basis,
    src: -1,
    o2RefPct: NaN,
    massRoute: 'MG_KG',
    ciPct: 0,
    elvDaily: NaN,
    mpc: NaN,
    baf: 1,
    calRangeMax: NaN,
    substitute: false,
    inverse: false,
    totalUnit: '',
    formula: formula,
    calId: '',
    calDate: '',
    terms: [],
  };
}

interface Build {
  c: Checker;
  cfg: CemsConfig;
  raw: { [k: string]: unknown }[];
}

function addOutput(b: Build, out: OutputDef): number {
  out.index = b.cfg.outputs.length;
  b.cfg.outputs.push(out);
  b.cfg.outIndex[out.id] = out.index;
  return out.index;
}

function measuredBasis(ch: ChannelDef, cond: ReferenceConditions): Basis {
  const k = ch.def.kind;
  if (k === 'GAS' || k === 'PARTICULATE' || k === 'DILUENT' || k === 'MOISTURE') {
    const c = ch.unit !== 'mg/m3' ? COND_NONE : ch.actual ? COND_ACTUAL : cond.id;
    return { water: ch.water, o2Ref: O2_ACTUAL, cond: c };
  }
  return { water: 'WET', o2Ref: O2_ACTUAL, cond: COND_ACTUAL };
}

/** Dry, REF and MASS outputs of one gas/dust channel, plus its substitution and compliance parameters. */
function concentrationOutputs(b: Build, ch: ChannelDef, flowNdry: number): void {
  const c = b.c;
  const cfg = b.cfg;
  const p = cfg.profile;
  const o = b.raw[ch.index];
  const path = 'channels[' + ch.index + ']';
  const cond = cfg.conditions;
  const outUnit =
    o.outputUnit === undefined
      ? ch.unit === 'pct'
        ? 'pct'
        : 'mg/m3'
      : c.oneOf(o.outputUnit, path + '.outputUnit', ['mg/m3', 'pct']);
  if (outUnit === 'pct' && ch.unit !== 'pct') c.fail(path + '.outputUnit', 'CEMS_CFG_RULE', 'pct output needs a pct reading');
  const dryBasis: Basis = { water: 'DRY', o2Ref: O2_ACTUAL, cond: outUnit === 'pct' ? COND_NONE : cond.id };
  const dry = newOutput(ch.id + '.dry', 'DRY', ch.index, outUnit, dryBasis, 'HJ212-2017-AnnexD-Eq19-20');
  dry.calId = ch.calId;
  dry.calDate = ch.calDate;
  dry.substitute = p.substitution === 'MRR_EQ4' || p.substitution === 'P75_STANDARD';
  if (p.substitution === 'P75_STANDARD') {
    dry.mpc = c.num(o.mpc, path + '.mpc', true);
  } else if (o.mpc !== undefined) c.fail(path + '.mpc', 'CEMS_CFG_RULE', 'only Part 75 uses a maximum potential concentration');
  const dryIdx = addOutput(b, dry);
  let normalized = dryIdx;
  if (ch.def.o2Referenced && !isNaN(cfg.o2RefPct) && outUnit === 'mg/m3') {
    if (cfg.o2Ch < 0) c.fail('o2Channel', 'CEMS_CFG_MISSING', 'required for the O2 reference of "' + ch.id + '"');
    const refBasis: Basis = { water: 'DRY', o2Ref: cfg.o2RefPct, cond: cond.id };
    const ref = newOutput(ch.id + '.ref', 'REF', ch.index, 'mg/m3', refBasis, 'HJ212-2017-AnnexD-Eq28');
    ref.src = dryIdx;
    ref.o2RefPct = cfg.o2RefPct;
    ref.calId = ch.calId;
    ref.calDate = ch.calDate;
    normalized = addOutput(b, ref);
  }
  const norm = cfg.outputs[normalized];
  const ci = lookup(p.ciPct, ch.quantity);
  if (ci !== undefined) {
    norm.ciPct = ci;
    norm.elvDaily = c.num(o.elvDaily, path + '.elvDaily', true);
    if (!(norm.elvDaily > 0) && !isNaN(norm.elvDaily)) c.fail(path + '.elvDaily', 'CEMS_CFG_RANGE', 'must be > 0');
  } else if (o.elvDaily !== undefined) {
    norm.elvDaily = c.num(o.elvDaily, path + '.elvDaily', true);
  }
  if (o.calRangeMax !== undefined) norm.calRangeMax = c.num(o.calRangeMax, path + '.calRangeMax', true);
  const baf = o.baf === undefined ? 1 : c.num(o.baf, path + '.baf', true);
  if (o.baf !== undefined && p.id !== 'US_P75' && p.id !== 'US_P60') {
    c.fail(path + '.baf', 'CEMS_CFG_RULE', 'bias adjustment factors are a US rule');
  }
  if (baf < 1) c.fail(path + '.baf', 'CEMS_CFG_RANGE', 'must be >= 1');
  dry.baf = baf;
  if (normalized !== dryIdx) norm.baf = baf;
  const wantMass = o.mass === undefined ? true : o.mass === true;
  if (o.mass !== undefined && typeof o.mass !== 'boolean') c.fail(path + '.mass', 'CEMS_CFG_TYPE', 'must be a boolean');
  if (flowNdry < 0 || !wantMass) return;
  const defaultMassUnit = ch.quantity === 'CO2' ? 't/h' : 'kg/h';
  const massUnit = o.massUnit === undefined ? defaultMassUnit : c.oneOf(o.massUnit, path + '.massUnit', ['kg/h', 't/h']);
  const flow = cfg.outputs[flowNdry];
  try {
    checkMassBasis(dry.basis, flow.basis);
  } catch (e) {
    c.fail(path, 'CEMS_BASIS_MISMATCH', errorMessage(e));
    return;
  }
  let formula = outUnit === 'pct' ? 'CEMS-7.1-mass-from-pct' : 'HJ212-2017-AnnexD-Eq33';
  if (p.id === 'EU_MRR') formula = 'EU-MRR-2018/2066:AnnexVIII-Eq1';
  const mass = newOutput(ch.id + '.mass', 'MASS', ch.index, massUnit, flow.basis, formula);
  mass.src = dryIdx;
  mass.massRoute = outUnit === 'pct' ? (massUnit === 't/h' ? 'PCT_T' : 'PCT_KG') : massUnit === 't/h' ? 'MG_T' : 'MG_KG';
  mass.totalUnit = massUnit === 't/h' ? 't' : 'kg';
  mass.baf = baf * (cfg.flow ? cfg.flow.baf : 1);
  addOutput(b, mass);
}

function compileFlow(b: Build, v: unknown): number {
  const c = b.c;
  const cfg = b.cfg;
  const o = c.obj(v, 'flow');
  if (!o) return -1;
  const ci = cfg.chanIndex;
  let velocityCh = -1;
  let volumeCh = -1;
  if ((o.velocity === undefined) === (o.volume === undefined)) {
    c.fail('flow', 'CEMS_CFG_RULE', 'give exactly one of velocity or volume');
  } else if (o.velocity !== undefined) {
    const k = typeof o.velocity === 'string' ? lookup(ci, o.velocity) : undefined;
    velocityCh = k !== undefined ? k : -1;
    if (velocityCh < 0 || cfg.channels[velocityCh].quantity !== 'VELOCITY') {
      c.fail('flow.velocity', 'CEMS_CFG_REF', 'must name a VELOCITY channel');
    }
  } else {
    const k = typeof o.volume === 'string' ? lookup(ci, o.volume) : undefined;
    volumeCh = k !== undefined ? k : -1;
    if (volumeCh < 0 || cfg.channels[volumeCh].quantity !== 'FLOW') {
      c.fail('flow.volume', 'CEMS_CFG_REF', 'must name a FLOW channel');
    }
  }
  let area = 1;
  if (velocityCh >= 0 || o.velocity !== undefined) {
    if ((o.diameterM === undefined) === (o.areaM2 === undefined)) {
      c.fail('flow', 'CEMS_CFG_RULE', 'a velocity flow needs exactly one of diameterM or areaM2');
    } else if (o.areaM2 !== undefined) area = c.num(o.areaM2, 'flow.areaM2', true);
    else {
      area = ductArea(c.num(o.diameterM, 'flow.diameterM', true));
    }
    if (!(area > 0) && !isNaN(area)) c.fail('flow', 'CEMS_CFG_RANGE', 'duct area must be > 0');
  }
  const kv = o.kv === undefined ? 1 : c.num(o.kv, 'flow.kv', true);
  if (!(kv > 0) && !isNaN(kv)) c.fail('flow.kv', 'CEMS_CFG_RANGE', 'must be > 0');
  const baf = o.baf === undefined ? 1 : c.num(o.baf, 'flow.baf', true);
  if (o.baf !== undefined && cfg.profile.id !== 'US_P75' && cfg.profile.id !== 'US_P60') {
    c.fail('flow.baf', 'CEMS_CFG_RULE', 'bias adjustment factors are a US rule');
  }
  cfg.flow = { velocityCh: velocityCh, volumeCh: volumeCh, areaM2: area, kv: kv, baf: baf };
  if (!cfg.temperature || !cfg.staticPressure || !cfg.ambientPressure) {
    c.fail('stack', 'CEMS_CFG_MISSING', 'flow normalization needs stack temperature, static and ambient pressure');
  }
  if (!cfg.moisture) c.fail('moisture', 'CEMS_CFG_MISSING', 'dry flow needs a moisture channel or constant');
  const actBasis: Basis = { water: 'WET', o2Ref: O2_ACTUAL, cond: COND_ACTUAL };
  const source = velocityCh >= 0 ? velocityCh : volumeCh;
  const act = newOutput('flow.act', 'FLOW_ACT', source, 'm3/h', actBasis, 'HJ212-2017-AnnexD-Eq29-30');
  act.totalUnit = 'm3';
  act.baf = baf;
  const actIdx = addOutput(b, act);
  const ndBasis: Basis = { water: 'DRY', o2Ref: O2_ACTUAL, cond: cfg.conditions.id };
  const nd = newOutput('flow.ndry', 'FLOW_NDRY', -1, 'm3/h', ndBasis, 'HJ212-2017-AnnexD-Eq31');
  nd.src = actIdx;
  nd.totalUnit = 'm3';
  nd.baf = baf;
  return addOutput(b, nd);
}

function compileDerived(b: Build): void {
  const c = b.c;
  const cfg = b.cfg;
  for (let i = 0; i < cfg.channels.length; i++) {
    const o = b.raw[i];
    if (o.sumOf === undefined) continue;
    const path = 'channels[' + i + '].sumOf';
    const ch = cfg.channels[i];
    if (!Array.isArray(o.sumOf) || o.sumOf.length < 2) {
      c.fail(path, 'CEMS_CFG_TYPE', 'must list at least two channel ids');
      continue;
    }
    if (ch.def.kind !== 'GAS') c.fail(path, 'CEMS_CFG_RULE', 'only gases can be summed');
    for (let j = 0; j < o.sumOf.length; j++) {
      const id = o.sumOf[j];
      const k = typeof id === 'string' ? lookup(cfg.chanIndex, id) : undefined;
      if (k === undefined) {
        c.fail(path + '[' + j + ']', 'CEMS_CFG_REF', 'no channel "' + String(id) + '"');
        continue;
      }
      const comp = cfg.channels[k];
      if (b.raw[k].sumOf !== undefined) c.fail(path + '[' + j + ']', 'CEMS_CFG_RULE', 'a component cannot be derived itself');
      else if (comp.def.kind !== 'GAS' || comp.actual) {
        c.fail(path + '[' + j + ']', 'CEMS_CFG_RULE', 'components must be gases in ppm, pct or mg/m3 at reference conditions');
      } else if (comp.water !== ch.water) {
        c.fail(path + '[' + j + ']', 'CEMS_CFG_RULE', 'components must share the water basis of "' + ch.id + '"');
      }
      ch.sumOf.push(k);
    }
  }
}

function resolveO2(b: Build, input: { [k: string]: unknown }): void {
  const c = b.c;
  const cfg = b.cfg;
  const p = cfg.profile;
  const sources = keysOf(p.o2RefBySource);
  const needsSource = sources.length > 0 || p.o2Guard.kind === 'DILUENT_CAP';
  const capKeys = p.o2Guard.kind === 'DILUENT_CAP' ? keysOf(p.o2Guard.capPct) : [];
  if (needsSource && capKeys.indexOf('*') < 0) {
    cfg.sourceType = c.oneOf(input.sourceType, 'sourceType', sources.length > 0 ? sources : capKeys);
  } else if (input.sourceType !== undefined) cfg.sourceType = c.str(input.sourceType, 'sourceType');
  if (input.o2RefPct !== undefined) {
    if (p.standardized.indexOf('o2RefBySource') >= 0) {
      c.fail('o2RefPct', 'CEMS_CFG_STANDARDIZED', p.id + ' fixes the reference O2 by source type');
    } else {
      cfg.o2RefPct = c.num(input.o2RefPct, 'o2RefPct', true);
      if (!(cfg.o2RefPct >= 0 && cfg.o2RefPct < p.o2K) && !isNaN(cfg.o2RefPct)) {
        c.fail('o2RefPct', 'CEMS_CFG_RANGE', 'must be in [0, ' + (p.o2K === O2_K_21 ? '21' : '20.9') + ')');
      }
    }
  } else {
    const ref = lookup(p.o2RefBySource, cfg.sourceType);
    if (ref !== undefined) cfg.o2RefPct = ref;
  }
  cfg.o2LimitPct = p.o2K;
  if (p.o2Guard.kind === 'LIMIT') cfg.o2LimitPct = p.o2Guard.maxPct < p.o2K ? p.o2Guard.maxPct : p.o2K;
  else {
    const cap = lookup(p.o2Guard.capPct, capKeys.indexOf('*') >= 0 ? '*' : cfg.sourceType);
    if (cap !== undefined) cfg.o2CapPct = cap;
  }
  if (input.o2Channel !== undefined) {
    const id = typeof input.o2Channel === 'string' ? input.o2Channel : '';
    const k = lookup(cfg.chanIndex, id);
    if (k === undefined || cfg.channels[k].quantity !== 'O2') {
      c.fail('o2Channel', 'CEMS_CFG_REF', 'must name an O2 channel');
    }
    else cfg.o2Ch = k;
  }
}

function compileCo2e(b: Build, v: unknown): void {
  const c = b.c;
  const o = c.obj(v, 'co2e');
  const g = o ? c.obj(o.gwp, 'co2e.gwp') : null;
  if (!g) return;
  const basis: Basis = { water: 'DRY', o2Ref: O2_ACTUAL, cond: b.cfg.conditions.id };
  const out = newOutput('co2e.mass', 'CO2E', -1, 't/h', basis, 'CO2e=sum(GWP*E)');
  out.totalUnit = 't';
  const ids = keysOf(g);
  for (let i = 0; i < ids.length; i++) {
    const k = lookup(b.cfg.outIndex, ids[i] + '.mass');
    const w = c.num(g[ids[i]], 'co2e.gwp.' + ids[i], true);
    if (k === undefined) c.fail('co2e.gwp.' + ids[i], 'CEMS_CFG_REF', 'channel "' + ids[i] + '" has no mass rate');
    else out.terms.push({ out: k, w: w });
  }
  if (!out.terms.length) c.fail('co2e.gwp', 'CEMS_CFG_MISSING', 'list at least one channel');
  addOutput(b, out);
}

/** Validates a configuration; returns the compiled form, or null with every error found (path-named). */
export function validateConfig(input: unknown): { config: CemsConfig | null; errors: ConfigError[] } {
  const c = new Checker();
  const root = c.obj(input, '$');
  if (!root) return { config: null, errors: c.errors };
  const base = typeof root.profile === 'string' ? lookup(PROFILES, root.profile) : undefined;
  if (!base) {
    c.fail('profile', 'CEMS_CFG_ENUM', 'must be one of ' + keysOf(PROFILES).join(', '));
    return { config: null, errors: c.errors };
  }
  const profile = applyOverrides(c, base, root.overrides);
  const scan = c.int(root.scanIntervalMs, 'scanIntervalMs', 100, 60000, NaN);
  const spm = isNaN(scan) ? 0 : Math.floor(60000 / scan);
  if (!isNaN(scan) && spm < profile.minuteMinSamples) {
    const need = profile.id + ' needs ' + profile.minuteMinSamples + ' valid samples per minute';
    c.fail('scanIntervalMs', 'CEMS_CFG_RULE', need + '; ' + scan + ' ms gives ' + spm);
  }
  const cfg: CemsConfig = {
    profile: profile,
    conditions: profile.conditions,
    sourceType: '',
    o2RefPct: NaN,
    o2CapPct: NaN,
    o2LimitPct: profile.o2K,
    scanIntervalMs: scan,
    samplesPerMinute: spm,
    closeDelayMs: c.int(root.closeDelayMs, 'closeDelayMs', 0, 59000, 5000),
    maxGapMs: c.int(root.maxGapMs, 'maxGapMs', 60000, 31 * DAY_MS, DAY_MS),
    channels: [],
    chanIndex: {},
    outputs: [],
    outIndex: {},
    o2Ch: -1,
    moisture: null,
    temperature: null,
    staticPressure: null,
    ambientPressure: null,
    flow: null,
  };
  const b: Build = { c: c, cfg: cfg, raw: [] };
  if (!Array.isArray(root.channels) || root.channels.length === 0) {
    c.fail('channels', 'CEMS_CFG_TYPE', 'must be a non-empty array');
    return { config: null, errors: c.errors };
  }
  for (let i = 0; i < root.channels.length; i++) {
    const ch = compileChannel(c, root.channels[i], i);
    const raw = root.channels[i] as { [k: string]: unknown };
    if (!ch) return { config: null, errors: c.errors };
    if (ch.id !== '') {
      if (hasOwn(cfg.chanIndex, ch.id)) {
        c.fail('channels[' + i + '].id', 'CEMS_CFG_DUPLICATE', 'duplicate channel id "' + ch.id + '"');
      }
      cfg.chanIndex[ch.id] = i;
    }
    cfg.channels.push(ch);
    b.raw.push(raw);
  }
  compileDerived(b);
  resolveO2(b, root);
  if (root.moisture !== undefined) {
    const m = c.obj(root.moisture, 'moisture');
    if (m && m.constantPct !== undefined) {
      const k = c.num(m.constantPct, 'moisture.constantPct', true);
      if (k >= 0 && k < 100) cfg.moisture = { ch: -1, k: k };
      else if (!isNaN(k)) c.fail('moisture.constantPct', 'CEMS_CFG_RANGE', 'must be in [0, 100)');
    } else if (m) cfg.moisture = sourceRef(c, cfg, m, 'moisture', ['H2O']);
  }
  if (root.stack !== undefined) {
    const s = c.obj(root.stack, 'stack');
    if (s) {
      cfg.temperature = sourceRef(c, cfg, s.temperature, 'stack.temperature', ['TEMPERATURE']);
      cfg.staticPressure = sourceRef(c, cfg, s.staticPressure, 'stack.staticPressure', ['STATIC_PRESSURE']);
      cfg.ambientPressure = sourceRef(c, cfg, s.ambientPressure, 'stack.ambientPressure', ['AMBIENT_PRESSURE']);
    }
  }
  // Outputs in dependency order: measured values, flow, concentrations (dry -> ref -> mass), CO2e.
  for (let i = 0; i < cfg.channels.length; i++) {
    const ch = cfg.channels[i];
    const formula = ch.sumOf.length ? 'HJ212-2017-AnnexD-Eq22' : 'EN14181-QAL2-y=a+bx';
    const out = newOutput(ch.id, 'MEASURED', i, ch.unit, measuredBasis(ch, cfg.conditions), formula);
    out.calId = ch.calId;
    out.calDate = ch.calDate;
    addOutput(b, out);
    const k = ch.def.kind;
    if (ch.water === 'WET' && !cfg.moisture && (k === 'GAS' || k === 'PARTICULATE' || k === 'DILUENT')) {
      c.fail('channels[' + i + '].water', 'CEMS_CFG_MISSING', 'a WET reading needs moisture (a channel or constantPct)');
    }
    if (ch.actual && (!cfg.temperature || !cfg.staticPressure || !cfg.ambientPressure)) {
      c.fail('channels[' + i + '].actualConditions', 'CEMS_CFG_MISSING', 'needs stack temperature, static and ambient pressure');
    }
  }
  const flowNdry = root.flow === undefined ? -1 : compileFlow(b, root.flow);
  for (let i = 0; i < cfg.channels.length; i++) {
    const ch = cfg.channels[i];
    if (ch.def.kind === 'GAS' || ch.def.kind === 'PARTICULATE') concentrationOutputs(b, ch, flowNdry);
    else if (ch.def.kind === 'DILUENT') {
      const o2Basis: Basis = { water: 'DRY', o2Ref: O2_ACTUAL, cond: COND_NONE };
      const o2 = newOutput(ch.id + '.dry', 'DRY', i, 'pct', o2Basis, 'HJ212-2017-AnnexD-Eq19');
      o2.substitute = cfg.profile.substitution === 'P75_STANDARD';
      o2.inverse = true;
      const mpc = b.raw[i].mpc;
      o2.mpc = mpc === undefined ? 0 : c.num(mpc, 'channels[' + i + '].mpc', true);
      addOutput(b, o2);
    }
  }
  if (root.co2e !== undefined) compileCo2e(b, root.co2e);
  if (c.errors.length) return { config: null, errors: c.errors };
  return { config: cfg, errors: [] };
}

/** Compiles a configuration or throws CEMS_CONFIG with every path-named error in the message. */
export function compileConfig(input: unknown): CemsConfig {
  const r = validateConfig(input);
  if (!r.config) {
    const lines: string[] = [];
    for (let i = 0; i < r.errors.length; i++) lines.push(r.errors[i].path + ': ' + r.errors[i].message);
    throw codedError('CEMS_CONFIG', lines.join('; '));
  }
  return r.config;
}
