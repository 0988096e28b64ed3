// Engines for tests, vectors and benchmark loops, built from an emissions configuration the way the host compiles a
// plan (compileConfig -> engineSections) and the device runs it (float64 views -> createEngine), with the period
// close linked in instead of loaded on demand. Espruino subset: the conformance bundle runs this on the device.
import { compileConfig, type CemsConfig } from '../../protocol/cems/config';
import { S } from '../../protocol/cems/codes';
import { closeDay, emitPeriod } from '../../protocol/cems/close';
import { createEngine, G, PA, type Closer, type Engine, type EnginePlan } from '../../protocol/cems/engine';
import { Eng, Section } from '../../protocol/plan/format';
import { engineSections } from '../../protocol/plan/compile-engine';
import { floorTo } from '../../protocol/cems/numbers';
import { DAY_MS } from '../../protocol/cems/time';
import { codedError } from '../../protocol/errors';
import { lookup } from '../../protocol/own';

export interface KitEngine {
  e: Engine;
  /** The compiled configuration: channel and output ids (chanIndex, outIndex), units, bases. */
  cfg: CemsConfig;
}

const CLOSER: Closer = { emitPeriod: emitPeriod, closeDay: closeDay };

function closer(): Closer {
  return CLOSER;
}

function section(sections: { id: number; bytes: Uint8Array }[], id: number): Float64Array {
  for (let i = 0; i < sections.length; i++) {
    // engineSections writes every section into a buffer of its own, so the view starts at offset 0
    if (sections[i].id === id) return new Float64Array(sections[i].bytes.buffer);
  }
  throw codedError('KIT_SECTION', 'no engine section ' + id);
}

/** The engine plan tables of a compiled emissions configuration. */
function enginePlanOf(cfg: CemsConfig): EnginePlan {
  const s = engineSections(cfg);
  return {
    eng: section(s, Section.ENGINE),
    ch: section(s, Section.CHANNELS),
    om: section(s, Section.OUT_MINUTE),
    oc: section(s, Section.OUT_CLOSE),
    lists: section(s, Section.LISTS),
  };
}

/** A fresh engine for an emissions configuration input (throws CEMS_CONFIG when it does not validate). */
export function engineOf(input: unknown): KitEngine {
  const cfg = compileConfig(input);
  return { e: createEngine(enginePlanOf(cfg), closer), cfg: cfg };
}

/** Index of channel `id` (throws for an id the configuration does not have). */
export function channelOf(k: KitEngine, id: string): number {
  const i = lookup(k.cfg.chanIndex, id);
  if (i === undefined) throw codedError('KIT_CHANNEL', 'no channel ' + id);
  return i;
}

/** Indices of channels `ids`, in order. */
export function channelsOf(k: KitEngine, ids: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) out.push(channelOf(k, ids[i]));
  return out;
}

/** Index of output `id` (throws for an id the configuration does not have). */
export function outputOf(k: KitEngine, id: string): number {
  const i = lookup(k.cfg.outIndex, id);
  if (i === undefined) throw codedError('KIT_OUTPUT', 'no output ' + id);
  return i;
}

/**
 * Closes the period at startMs through the engine's own period close, every output having a full period of usable
 * minutes whose mean is exactly `mean` (NaN: a full period of FAULT minutes). Formula vectors of the close (MRR Eq. 4)
 * need exact period values, which sample streams cannot give: their sums round.
 */
export function closePeriodWithMean(k: KitEngine, startMs: number, mean: number): void {
  const e = k.e;
  const minutes = e.eng[Eng.PERIOD_MINUTES];
  e.g[G.PERIOD_START] = startMs;
  e.g[G.DAY_START] = floorTo(startMs, DAY_MS);
  for (let o = 0; o < e.nOut; o++) {
    const b = o * PA.FIELDS;
    const a = e.pAcc;
    a[b + PA.MINUTES] = minutes;
    if (isNaN(mean)) {
      e.pSt[o * S.COUNT + S.FAULT] = minutes;
      continue;
    }
    e.pSt[o * S.COUNT + S.VALID] = minutes;
    a[b + PA.VALID] = minutes;
    a[b + PA.SAMPLES] = minutes * e.eng[Eng.SAMPLES_PER_MINUTE];
    // weight 1: the mean is the sum itself, exactly
    a[b + PA.SUM] = mean;
    a[b + PA.RAW_SUM] = mean;
    a[b + PA.WEIGHT] = 1;
    a[b + PA.MIN] = mean;
    a[b + PA.MAX] = mean;
    a[b + PA.FIRST_VALID] = 0;
    a[b + PA.LAST_VALID] = minutes - 1;
    for (let m = 0; m < minutes && m < 60; m++) e.pQuad[o * 8 + Math.floor(m / 15)]++;
  }
  emitPeriod(e);
}
