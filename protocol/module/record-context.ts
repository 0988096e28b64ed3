// The per-configuration tables a record needs: the analyzers (every Modbus device that feeds an engine channel, with
// its certification data), the Modbus devices with their channels (for the status-window tracker), and per engine
// output a quantity plan (ids, units, bases, references, method, native-code scheme). Computed once per
// configuration; the period mapping only looks values up in them.
import type { CemsConfig, OutputDef } from '../cems/config';
import { COND_ACTUAL, COND_NONE, O2_ACTUAL } from '../cems/convert';
import type { AnalyzerInfo, Basis } from '../record/schema';
import type { ModuleConfig } from './config-types';
import { methodRef } from './method-refs';

// --- JSON precision per unit -------------------------------------------------------------------------------------

const DECIMALS_BY_UNIT: { [unit: string]: number } = {
  'mg/m3': 2, ppm: 2, pct: 2, 'm/s': 2, degC: 1, Pa: 0, kPa: 2, 'm3/h': 0, 'm3/s': 2, 'kg/h': 3, 't/h': 4, kg: 3, t: 4, m3: 0,
};

export function decimalsFor(unit: string): number {
  const d = DECIMALS_BY_UNIT[unit];
  return typeof d === 'number' ? d : 3;
}

// --- quantity plans and analyzers ----------------------------------------------------------------------------------

/** How one engine output becomes a record quantity (computed once per configuration). */
export interface QuantityPlan {
  /** Index in cems.outputs. */
  out: number;
  id: string;
  /** Index into RecordContext.analyzers, -1 for quantities computed from several instruments. */
  analyzer: number;
  /** The output carries the analyzer's raw mean (measured outputs). */
  measured: boolean;
  rawUnit: string;
  rawBasis: Basis;
  unit: string;
  basis: Basis;
  tRefK: number | null;
  pRefPa: number | null;
  o2RefPct: number | null;
  decimals: number;
  calibrationId: string;
  methodRef: string;
  /** Native-code scheme for analyzer bits (device profile), used unless the profile reports HJ flags or MODCs. */
  bitsScheme: string;
  /** Id of the mass-total quantity that follows this one ('' for none). */
  totalId: string;
  totalUnit: string;
}

export interface RecordContext {
  cems: CemsConfig;
  profileId: string;
  periodMs: number;
  averagingS: number;
  /** Counts in samples (profiles with a data-point rule) or in minutes. */
  bySamples: boolean;
  /** Native code of period values: 'HJ212' flags, 'P75-MODC', or '' for analyzer bits. */
  nativeScheme: string;
  analyzers: AnalyzerInfo[];
  plans: QuantityPlan[];
  planVersion: string;
  /** Per engine channel: Modbus device id feeding it ('' when none). */
  deviceOfChannel: string[];
  /** Modbus devices with the channel ids they deliver, in configuration order. */
  devices: { id: string; channels: string[] }[];
}

function basisOfWater(water: string): Basis {
  return water === 'DRY' ? 'dry' : 'wet';
}

function channelHasWaterBasis(kind: string): boolean {
  return kind === 'GAS' || kind === 'PARTICULATE' || kind === 'DILUENT' || kind === 'MOISTURE';
}

/** The sampled channel behind an output (its own, or that of its source output), -1 for CO2e. */
function sourceChannel(cems: CemsConfig, o: OutputDef): number {
  if (o.ch >= 0) return o.ch;
  return o.src >= 0 ? cems.outputs[o.src].ch : -1;
}

function buildPlan(cems: CemsConfig, o: OutputDef, analyzerOf: number[], schemeOf: string[]): QuantityPlan {
  const chIdx = sourceChannel(cems, o);
  const ch = chIdx >= 0 ? cems.channels[chIdx] : null;
  const rawBasis: Basis = ch && channelHasWaterBasis(ch.def.kind) ? basisOfWater(ch.water) : 'none';
  const measured = o.kind === 'MEASURED';
  const withRefs = (o.unit === 'mg/m3' || o.unit === 'm3/h') && o.basis.cond !== COND_NONE && o.basis.cond !== COND_ACTUAL;
  const single = o.kind === 'MEASURED' || o.kind === 'DRY' || o.kind === 'REF' || o.kind === 'FLOW_ACT';
  const hasTotal = (o.kind === 'MASS' || o.kind === 'CO2E') && o.totalUnit !== '';
  return {
    out: o.index,
    id: o.id,
    analyzer: single && chIdx >= 0 ? analyzerOf[chIdx] : -1,
    measured: measured,
    rawUnit: measured && ch ? ch.unit : '',
    rawBasis: measured ? rawBasis : 'none',
    unit: o.unit,
    basis: measured ? rawBasis : basisOfWater(o.basis.water),
    tRefK: withRefs ? cems.conditions.tRefK : null,
    pRefPa: withRefs ? cems.conditions.pRefPa : null,
    o2RefPct: o.basis.o2Ref !== O2_ACTUAL ? o.basis.o2Ref : null,
    decimals: decimalsFor(o.unit),
    // computed quantities name the calibration function of the channel they are computed from
    calibrationId: o.calId !== '' ? o.calId : ch ? ch.calId : '',
    methodRef: methodRef(cems.profile.id, o, ch ? ch.quantity : ''),
    bitsScheme: chIdx >= 0 && schemeOf[chIdx] !== '' ? schemeOf[chIdx] : 'none',
    totalId: hasTotal ? o.id + '.total' : '',
    totalUnit: hasTotal ? o.totalUnit : '',
  };
}

/**
 * The tables a record needs for one configuration: analyzers (every Modbus device that feeds an engine channel, with
 * its certification data from config.analyzers), and per engine output its quantity plan.
 */
export function createRecordContext(cfg: ModuleConfig, cems: CemsConfig): RecordContext {
  const devices: { id: string; channels: string[] }[] = [];
  // tables keyed by names from the configuration use '#' + name, so no key is an Object.prototype member
  const deviceOfId: { [channel: string]: string } = {};
  const profileOfDevice: { [device: string]: string } = {};
  const mdevs = cfg.modbus.devices;
  for (let i = 0; i < mdevs.length; i++) {
    const d = mdevs[i];
    const ids: string[] = [];
    for (let j = 0; j < d.channels.length; j++) {
      ids.push(d.channels[j].id);
      deviceOfId['#' + d.channels[j].id] = d.id;
    }
    devices.push({ id: d.id, channels: ids });
    profileOfDevice['#' + d.id] = d.profile ? d.profile : d.id;
  }
  // a derived channel (NOx = NO + NO2) belongs to the device of its first component
  const deviceOfChannel: string[] = [];
  for (let i = 0; i < cems.channels.length; i++) {
    const ch = cems.channels[i];
    const id = ch.sumOf.length > 0 ? cems.channels[ch.sumOf[0]].id : ch.id;
    const dev = deviceOfId['#' + id];
    deviceOfChannel.push(typeof dev === 'string' ? dev : '');
  }
  const analyzers: AnalyzerInfo[] = [];
  const indexOfDevice: { [device: string]: number } = {};
  for (let i = 0; i < mdevs.length; i++) {
    const id = mdevs[i].id;
    if (deviceOfChannel.indexOf(id) < 0) continue;
    let info: AnalyzerInfo = { id: id, serial: '', qal1Certificate: '', model: profileOfDevice['#' + id] };
    for (let k = 0; k < cfg.analyzers.length; k++) {
      const a = cfg.analyzers[k];
      if (a.device === id) info = { id: id, serial: a.serial, qal1Certificate: a.qal1Certificate, model: a.model };
    }
    indexOfDevice['#' + id] = analyzers.length;
    analyzers.push(info);
  }
  const analyzerOf: number[] = [];
  const schemeOf: string[] = [];
  for (let i = 0; i < deviceOfChannel.length; i++) {
    const dev = deviceOfChannel[i];
    analyzerOf.push(dev !== '' ? indexOfDevice['#' + dev] : -1);
    schemeOf.push(dev !== '' ? profileOfDevice['#' + dev] : '');
  }
  const plans: QuantityPlan[] = [];
  for (let i = 0; i < cems.outputs.length; i++) plans.push(buildPlan(cems, cems.outputs[i], analyzerOf, schemeOf));
  const pid = cems.profile.id;
  return {
    cems: cems,
    profileId: pid,
    periodMs: cems.profile.periodMinutes * 60000,
    averagingS: cems.profile.periodMinutes * 60,
    bySamples: cems.profile.periodRule.kind === 'SAMPLE_FRACTION',
    nativeScheme: pid === 'CN_HJ' ? 'HJ212' : pid === 'US_P75' ? 'P75-MODC' : '',
    analyzers: analyzers,
    plans: plans,
    planVersion: cfg.site.monitoringPlanVersion,
    deviceOfChannel: deviceOfChannel,
    devices: devices,
  };
}
