// The channel pipeline on 1-minute values: calibrated minute means -> unit conversion (molar volume of the profile's
// reference conditions; NOx as NO2) -> wet to dry -> O2 reference -> standard conditions, plus flow, mass rates and
// CO2e. Scale and the QAL2 function are linear and applied per sample (engine.ts); everything here runs once per
// minute, table-driven over the compiled output list, so the per-minute cost is a few statements per output.
import type { ChannelDef, CemsConfig, OutputDef, SourceRef } from './config';
import {
  actualFlow,
  actualToReference,
  massRateKgH,
  mgToPpm,
  normalDryFlow,
  o2Correct,
  pctTonnesH,
  ppmToMg,
  wetToDry,
} from './convert';
import type { MinuteAcc } from './averaging';
import { minuteStatus, orBits } from './averaging';
import { unitToWorking } from './quantities';
import {
  R_DILUENT_CAP,
  R_FEW_SAMPLES,
  R_INPUT_INVALID,
  R_MOISTURE_RANGE,
  R_NO_SAMPLES,
  R_O2_GUARD,
  R_O2_RANGE,
  R_QA_ACTIVITY,
} from './reasons';
import {
  combineStatus,
  isUsable,
  S_CALIBRATION,
  S_COMMS_LOSS,
  S_FAULT,
  S_MAINTENANCE,
  S_VALID,
} from './status';

/** Per-channel minute values (working copy reused by the engine). */
export interface ChannelMinutes {
  v: number[];
  raw: number[];
  st: number[];
  n: number[];
  reasons: number[];
  bits: number[];
}

/**
 * One closed minute: per output (index = OutputDef.index) value, status, supporting samples, reasons, analyzer bits,
 * and for measured outputs the value before the calibration function (NaN for computed outputs). The basis and unit
 * of each value are those of cfg.outputs[index].
 */
export interface MinuteRecord extends ChannelMinutes {
  startMs: number;
}

export function newChannelMinutes(count: number): ChannelMinutes {
  const m: ChannelMinutes = { v: [], raw: [], st: [], n: [], reasons: [], bits: [] };
  for (let i = 0; i < count; i++) {
    m.v.push(NaN);
    m.raw.push(NaN);
    m.st.push(S_COMMS_LOSS);
    m.n.push(0);
    m.reasons.push(0);
    m.bits.push(-1);
  }
  return m;
}

/** A context input (moisture, T, P) for one minute. */
interface Input {
  v: number;
  st: number;
  n: number;
}

function sampledChannel(cm: ChannelMinutes, i: number, a: MinuteAcc, minSamples: number, spm: number): void {
  if (a.seen === 0) {
    cm.v[i] = NaN;
    cm.raw[i] = NaN;
    cm.st[i] = S_COMMS_LOSS;
    cm.n[i] = 0;
    cm.reasons[i] = R_NO_SAMPLES;
    cm.bits[i] = -1;
    return;
  }
  const st = minuteStatus(a, minSamples, spm);
  let reasons = a.reasons;
  if (!isUsable(st) && a.n > 0) reasons |= R_FEW_SAMPLES;
  if (a.st[S_CALIBRATION] > 0 || a.st[S_MAINTENANCE] > 0) reasons |= R_QA_ACTIVITY;
  cm.v[i] = a.n > 0 ? a.sum / a.n : NaN;
  cm.raw[i] = a.n > 0 ? a.rawSum / a.n : NaN;
  cm.st[i] = st;
  cm.n[i] = a.n;
  cm.reasons[i] = reasons;
  cm.bits[i] = a.bits;
}

/** ppm equivalent of a component channel's minute value (for sums such as NOx = NO + NO2). */
function componentPpm(cfg: CemsConfig, ch: ChannelDef, v: number): number {
  if (ch.unit === 'ppm') return v;
  if (ch.unit === 'pct') return v * 10000;
  return mgToPpm(v, ch.def.molarMass, cfg.conditions);
}

function derivedChannel(cfg: CemsConfig, cm: ChannelMinutes, ch: ChannelDef): void {
  const i = ch.index;
  let v = 0;
  let st = S_VALID;
  let n = Infinity;
  let reasons = 0;
  let bits = -1;
  for (let j = 0; j < ch.sumOf.length; j++) {
    const k = ch.sumOf[j];
    v += componentPpm(cfg, cfg.channels[k], cm.v[k]);
    if (!isUsable(cm.st[k])) reasons |= R_INPUT_INVALID;
    st = combineStatus(st, cm.st[k]);
    if (cm.n[k] < n) n = cm.n[k];
    reasons |= cm.reasons[k];
    bits = orBits(bits, cm.bits[k]);
  }
  cm.v[i] = v;
  cm.raw[i] = NaN;
  cm.st[i] = st;
  cm.n[i] = n;
  cm.reasons[i] = reasons;
  cm.bits[i] = bits;
}

function input(cfg: CemsConfig, cm: ChannelMinutes, ref: SourceRef | null): Input {
  if (!ref) return { v: NaN, st: S_FAULT, n: 0 };
  if (ref.ch < 0) return { v: ref.k, st: S_VALID, n: Infinity };
  return { v: cm.v[ref.ch] * unitToWorking(cfg.channels[ref.ch].unit), st: cm.st[ref.ch], n: cm.n[ref.ch] };
}

/** Mass rate of a MASS output from its dry concentration and the dry normal flow, in the output's unit. */
export function massFor(cfg: CemsConfig, o: OutputDef, dry: number, flow: number): number {
  const m = o.ch >= 0 ? cfg.channels[o.ch].def.molarMass : NaN;
  if (o.massRoute === 'MG_KG') return massRateKgH(dry, flow);
  if (o.massRoute === 'MG_T') return massRateKgH(dry, flow) / 1000;
  if (o.massRoute === 'PCT_T') return pctTonnesH(dry, flow, m, cfg.conditions);
  return pctTonnesH(dry, flow, m, cfg.conditions) * 1000;
}

/** Closes the channel minutes: sampled channels from their accumulators, then derived sums. */
export function channelMinutes(cfg: CemsConfig, acc: MinuteAcc[], cm: ChannelMinutes): void {
  const minSamples = cfg.profile.minuteMinSamples;
  for (let i = 0; i < cfg.channels.length; i++) {
    if (cfg.channels[i].sumOf.length === 0) sampledChannel(cm, i, acc[i], minSamples, cfg.samplesPerMinute);
  }
  for (let i = 0; i < cfg.channels.length; i++) {
    if (cfg.channels[i].sumOf.length > 0) derivedChannel(cfg, cm, cfg.channels[i]);
  }
}

/** Runs every output of the compiled pipeline for one minute. */
export function computeMinute(cfg: CemsConfig, startMs: number, cm: ChannelMinutes): MinuteRecord {
  const outs = cfg.outputs;
  const cond = cfg.conditions;
  const rec: MinuteRecord = { startMs: startMs, v: [], raw: [], st: [], n: [], reasons: [], bits: [] };
  const ov = rec.v;
  const os = rec.st;
  const on = rec.n;
  const orr = rec.reasons;
  const ob = rec.bits;

  // Context: moisture fraction, stack T and absolute pressure, dry O2.
  const h = input(cfg, cm, cfg.moisture);
  h.v = h.v / 100;
  let hReasons = 0;
  if (isUsable(h.st) && !(h.v >= 0 && h.v < 1)) {
    h.st = S_FAULT;
    hReasons = R_MOISTURE_RANGE;
  }
  const t = input(cfg, cm, cfg.temperature);
  const ps = input(cfg, cm, cfg.staticPressure);
  const ba = input(cfg, cm, cfg.ambientPressure);
  const tpSt = combineStatus(combineStatus(t.st, ps.st), ba.st);
  const tpN = Math.min(t.n, ps.n, ba.n);
  let o2 = NaN;
  let o2St = S_FAULT;
  let o2N = 0;
  let o2Reasons = 0;
  if (cfg.o2Ch >= 0) {
    const k = cfg.o2Ch;
    const wet = cfg.channels[k].water === 'WET';
    o2 = wet ? wetToDry(cm.v[k], h.v) : cm.v[k];
    o2St = wet ? combineStatus(cm.st[k], h.st) : cm.st[k];
    o2N = wet ? Math.min(cm.n[k], h.n) : cm.n[k];
    o2Reasons = cm.reasons[k] | (wet ? hReasons : 0);
  }
  const flowNdry = cfg.outIndex['flow.ndry'];

  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    const ch = o.ch >= 0 ? cfg.channels[o.ch] : null;
    let v = NaN;
    let st = S_VALID;
    let n = 0;
    let reasons = 0;
    let bits = -1;
    if (ch) {
      v = cm.v[o.ch];
      st = cm.st[o.ch];
      n = cm.n[o.ch];
      reasons = cm.reasons[o.ch];
      bits = cm.bits[o.ch];
    }
    switch (o.kind) {
      case 'MEASURED':
        break;
      case 'FLOW_ACT': {
        const f = cfg.flow;
        if (f && ch) v = f.velocityCh >= 0 ? actualFlow(v, f.areaM2, f.kv) : v * unitToWorking(ch.unit);
        break;
      }
      case 'FLOW_NDRY': {
        const a = o.src;
        v = normalDryFlow(ov[a], t.v, ba.v, ps.v, h.v, cond);
        st = combineStatus(combineStatus(os[a], tpSt), h.st);
        n = Math.min(on[a], tpN, h.n);
        reasons = orr[a] | hReasons;
        bits = ob[a];
        break;
      }
      case 'DRY': {
        if (ch && ch.def.kind !== 'DILUENT' && o.unit === 'mg/m3') {
          if (ch.unit === 'mg/m3') {
            if (ch.actual) {
              v = actualToReference(v, t.v, ba.v + ps.v, cond);
              st = combineStatus(st, tpSt);
              n = Math.min(n, tpN);
            }
          } else v = ppmToMg(ch.unit === 'pct' ? v * 10000 : v, ch.def.molarMass, cond);
        }
        if (ch && ch.water === 'WET') {
          v = wetToDry(v, h.v);
          st = combineStatus(st, h.st);
          n = Math.min(n, h.n);
          reasons |= hReasons;
        }
        break;
      }
      case 'REF': {
        const a = o.src;
        v = ov[a];
        st = combineStatus(os[a], o2St);
        n = Math.min(on[a], o2N);
        reasons = orr[a] | o2Reasons;
        let o2Used = o2;
        if (isUsable(o2St)) {
          if (!(o2 < cfg.profile.o2K)) {
            st = S_FAULT;
            reasons |= R_O2_RANGE;
          } else if (!isNaN(cfg.o2CapPct)) {
            if (o2 > cfg.o2CapPct) {
              o2Used = cfg.o2CapPct;
              reasons |= R_DILUENT_CAP;
            }
          } else if (o2 >= cfg.o2LimitPct) {
            st = S_FAULT;
            reasons |= R_O2_GUARD;
          }
        }
        v = o2Correct(v, o.o2RefPct, o2Used, cfg.profile.o2K);
        break;
      }
      case 'MASS': {
        const a = o.src;
        v = massFor(cfg, o, ov[a], ov[flowNdry]);
        st = combineStatus(os[a], os[flowNdry]);
        n = Math.min(on[a], on[flowNdry]);
        reasons = orr[a] | orr[flowNdry];
        break;
      }
      case 'CO2E': {
        v = 0;
        n = Infinity;
        for (let j = 0; j < o.terms.length; j++) {
          const k = o.terms[j].out;
          const tph = outs[k].unit === 't/h' ? ov[k] : ov[k] / 1000;
          v += o.terms[j].w * tph;
          st = combineStatus(st, os[k]);
          if (on[k] < n) n = on[k];
          reasons |= orr[k];
        }
        break;
      }
    }
    if (!isUsable(st) && ch && isUsable(cm.st[o.ch])) reasons |= R_INPUT_INVALID;
    ov.push(v);
    rec.raw.push(o.kind === 'MEASURED' && ch ? cm.raw[o.ch] : NaN);
    os.push(st);
    on.push(n);
    orr.push(reasons);
    ob.push(bits);
  }
  return rec;
}
