// Period records (schema v1, docs/records.md "From samples to records"): one record per closed period with a
// quantity per engine output (and a mass total after each mass rate), written straight into the record buffer from
// the engine's period rows and the plan's CBOR fragments. Substitutes in the same batch turn their quantity
// SUBSTITUTED; substitutes for periods recorded earlier (Part 75 fills a gap when it ends) or never recorded become
// supplement records that carry only the substituted quantities. A record that would exceed MAX_RECORD_BYTES is split
// into parts with exact sizes; the same input always gives the same parts.
import { Eng, NativeScheme, PeriodRuleKind, Qt, Rec, Section } from '../plan/format';
import { planBytes, planF64, type Plan } from '../plan/reader';
import { PR, SubstMethod, type Substitute } from '../cems/engine';
import { S } from '../cems/codes';
import { byte, floatOrNull, floatOrNullSize, head, headSize, int, intSize, raw, text, textSize, type CborWriter } from './cbor-writer';
import { MAX_SEQ, RECORD_TYPE_PERIOD, writeRecordHeader, type RecordHeader } from './record-writer';

/** The plan's record tables, mapped once per seal-module load. */
export interface RecordPlan {
  rec: Float64Array;
  frag: Uint8Array;
  qt: Float64Array;
  nq: number;
  periodMinutes: number;
  samplesPerMinute: number;
  bySamples: boolean;
  nativeScheme: number;
}

export function recordPlan(p: Plan): RecordPlan {
  const recBytes = planBytes(p, Section.RECORD);
  const eng = planF64(p, Section.ENGINE);
  const rec = new Float64Array(recBytes.buffer, recBytes.byteOffset, Rec.FIELDS);
  return {
    rec: rec,
    frag: recBytes.subarray(Rec.FIELDS * 8),
    qt: planF64(p, Section.QUANTITIES),
    nq: rec[Rec.N_QUANTITIES],
    periodMinutes: eng[Eng.PERIOD_MINUTES],
    samplesPerMinute: eng[Eng.SAMPLES_PER_MINUTE],
    bySamples: eng[Eng.RULE_KIND] === PeriodRuleKind.SAMPLE_FRACTION,
    nativeScheme: eng[Eng.NATIVE_SCHEME],
  };
}

/** A period to record: its rows (null for a supplement) and the substitutes of the same engine batch. */
export interface PeriodJob {
  startMs: number;
  periodMs: number;
  rows: Float64Array | null;
  subs: Substitute[];
  /** Quantity rows (Qt) the record carries, in order. */
  list: number[];
  /** First list index of each part (one entry: not split). */
  parts: number[];
  /** The dynamic values of every listed quantity (Q.FIELDS each) and its substitute, computed once by planParts. */
  vals: Float64Array | null;
  subOf: (Substitute | null)[];
}

export const MRR_METHOD = 'EU-MRR-2018/2066:Art45-AnnexVIII-Eq4';
export const P75_METHOD = '40CFR75.33';
/** HJ 212-2017 data flag (Table 8) per normalized status. */
const HJ_FLAGS = 'NCMDDTNBFSSDF';

/** The substitute in `subs` for output `out` covering the period at startMs, or null. */
function covering(job: PeriodJob, out: number): Substitute | null {
  const subs = job.subs;
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    if (s.out === out && job.startMs >= s.startMs && job.startMs < s.startMs + s.periods * job.periodMs) return s;
  }
  return null;
}

// Dynamic values of the quantity being written or measured.
export const enum Q {
  VALUE,
  RAW,
  N_VALID,
  N_TOTAL,
  AVAIL,
  STATUS,
  /** 0 none, 1 the profile's rule, 2 the substitute rule. */
  RULE,
  /** Native code: bits (integer), HJ flag (character code) or MODC (0: none). */
  NATIVE,
  FIELDS,
}
const V = new Float64Array(Q.FIELDS);
let SUB: Substitute | null = null;

function values(rp: RecordPlan, job: PeriodJob, q: number): void {
  const qb = q * Qt.FIELDS;
  const out = rp.qt[qb + Qt.OUT];
  const total = rp.qt[qb + Qt.TOTAL] === 1;
  const rows = job.rows;
  const r = out * PR.FIELDS;
  const sv = covering(job, out);
  SUB = sv;
  const minutes = rp.periodMinutes;
  if (total) V[Q.VALUE] = sv ? (sv.v * minutes) / 60 : rows ? rows[r + PR.TOTAL] : NaN;
  else V[Q.VALUE] = sv ? sv.v : rows ? rows[r + PR.REPORTED] : NaN;
  V[Q.RAW] = !total && rp.qt[qb + Qt.HAS_RAW] === 1 && rows ? rows[r + PR.RAW] : NaN;
  // counts in the unit of the validity rule; nTotal never below nValid (a fast scan can exceed the plan)
  let nValid = 0;
  let nTotal = rp.bySamples ? minutes * rp.samplesPerMinute : minutes;
  if (rows) nValid = rp.bySamples ? rows[r + PR.SAMPLES] : rows[r + PR.N_VALID];
  if (nValid > nTotal) nTotal = nValid;
  V[Q.N_VALID] = nValid;
  V[Q.N_TOTAL] = nTotal;
  V[Q.AVAIL] = nTotal > 0 ? Math.floor((nValid * 10000) / nTotal) : 0;
  V[Q.STATUS] = sv ? S.SUBSTITUTED : rows ? rows[r + PR.STATUS] : S.INSUFFICIENT_DATA;
  V[Q.RULE] = rows ? 1 : sv ? 2 : 0;
  const scheme = rp.nativeScheme;
  if (scheme === NativeScheme.HJ212) {
    let flag = 'S';
    if (!sv && rows) {
      const st = rows[r + PR.STATUS];
      const cause = rows[r + PR.CAUSE];
      flag = HJ_FLAGS.charAt(st === S.INSUFFICIENT_DATA && cause >= 0 ? cause : st);
    }
    V[Q.NATIVE] = flag.charCodeAt(0);
  } else if (scheme === NativeScheme.P75_MODC) V[Q.NATIVE] = sv ? sv.code : rows ? rows[r + PR.MODC] : 0;
  else V[Q.NATIVE] = rows ? rows[r + PR.BITS] : -1;
}

function modcText(m: number): string {
  return m === 0 ? '' : m < 10 ? '0' + m : '' + m;
}

function substCode(sv: Substitute): string {
  return sv.method === SubstMethod.MRR_EQ4 ? 'EQ4' : modcText(sv.code);
}

function nativeSize(rp: RecordPlan): number {
  const v = V[Q.NATIVE];
  if (rp.nativeScheme === NativeScheme.HJ212) return 2;
  if (rp.nativeScheme === NativeScheme.P75_MODC) return v === 0 ? 1 : 3;
  return intSize(v);
}

function ruleSize(rp: RecordPlan): number {
  const rule = V[Q.RULE];
  return rule === 1 ? rp.rec[Rec.RULE_LEN] : rule === 2 ? rp.rec[Rec.SUBST_RULE_LEN] : 1;
}

/** Encoded bytes of quantity row q (its values computed by values()). */
function quantitySize(rp: RecordPlan, q: number): number {
  const qb = q * Qt.FIELDS;
  const t = rp.qt;
  let n = 1 + t[qb + Qt.A_LEN] + t[qb + Qt.B_LEN] + t[qb + Qt.C_LEN] + t[qb + Qt.NATIVE_LEN] + t[qb + Qt.METHOD_LEN];
  n += floatOrNullSize(V[Q.RAW]) + floatOrNullSize(V[Q.VALUE]);
  // nValid, key 7, nTotal, key 8, availability, key 9, rule, key 10, status
  n += headSize(V[Q.N_VALID]) + 1 + headSize(V[Q.N_TOTAL]) + 1 + headSize(V[Q.AVAIL]) + 1 + ruleSize(rp) + 1 + 1;
  n += nativeSize(rp);
  if (SUB) n += 3 + textSize(SUB.method === SubstMethod.MRR_EQ4 ? MRR_METHOD : P75_METHOD) + 1 + textSize(substCode(SUB));
  return n;
}

function fragment(w: CborWriter, rp: RecordPlan, at: number, len: number): void {
  raw(w, rp.frag.subarray(at, at + len));
}

function writeQuantity(w: CborWriter, rp: RecordPlan, q: number): void {
  const qb = q * Qt.FIELDS;
  const t = rp.qt;
  const sv = SUB;
  byte(w, 0xa0 | (t[qb + Qt.MAP_SIZE] + (sv ? 1 : 0)));
  fragment(w, rp, t[qb + Qt.A_AT], t[qb + Qt.A_LEN]);
  floatOrNull(w, V[Q.RAW]);
  fragment(w, rp, t[qb + Qt.B_AT], t[qb + Qt.B_LEN]);
  floatOrNull(w, V[Q.VALUE]);
  fragment(w, rp, t[qb + Qt.C_AT], t[qb + Qt.C_LEN]);
  head(w, 0, V[Q.N_VALID]);
  byte(w, 0x07);
  head(w, 0, V[Q.N_TOTAL]);
  byte(w, 0x08);
  head(w, 0, V[Q.AVAIL]);
  byte(w, 0x09);
  const rule = V[Q.RULE];
  if (rule === 1) fragment(w, rp, rp.rec[Rec.RULE_AT], rp.rec[Rec.RULE_LEN]);
  else if (rule === 2) fragment(w, rp, rp.rec[Rec.SUBST_RULE_AT], rp.rec[Rec.SUBST_RULE_LEN]);
  else byte(w, 0x60);
  byte(w, 0x0a);
  byte(w, V[Q.STATUS]);
  fragment(w, rp, t[qb + Qt.NATIVE_AT], t[qb + Qt.NATIVE_LEN]);
  const native = V[Q.NATIVE];
  if (rp.nativeScheme === NativeScheme.HJ212) text(w, String.fromCharCode(native));
  else if (rp.nativeScheme === NativeScheme.P75_MODC) text(w, modcText(native));
  else int(w, native);
  if (sv) {
    byte(w, 0x0c);
    byte(w, 0xa2);
    byte(w, 0x00);
    text(w, sv.method === SubstMethod.MRR_EQ4 ? MRR_METHOD : P75_METHOD);
    byte(w, 0x01);
    text(w, substCode(sv));
  }
  fragment(w, rp, t[qb + Qt.METHOD_AT], t[qb + Qt.METHOD_LEN]);
}

/**
 * The quantities of a period record: every row for a closed period; for a supplement only the rows whose output has
 * a substitute covering the period.
 */
export function quantityList(rp: RecordPlan, job: PeriodJob): number[] {
  const list: number[] = [];
  for (let q = 0; q < rp.nq; q++) {
    if (job.rows || covering(job, rp.qt[q * Qt.FIELDS + Qt.OUT])) list.push(q);
  }
  return list;
}

/** Writes the period payload with quantities list[from, to); `part` [index, count] or null; seq etc. from `h`. */
export function writePeriodPayload(w: CborWriter, rp: RecordPlan, h: RecordHeader, job: PeriodJob, from: number, to: number, index: number, count: number): void {
  writeRecordHeader(w, h, RECORD_TYPE_PERIOD);
  byte(w, 0x08);
  const supplement = job.rows === null;
  byte(w, 0xa6 + (count > 1 ? 1 : 0) + (supplement ? 1 : 0));
  byte(w, 0x00);
  head(w, 0, job.startMs);
  byte(w, 0x01);
  head(w, 0, job.startMs + job.periodMs);
  byte(w, 0x02);
  head(w, 0, rp.rec[Rec.AVERAGING_S]);
  byte(w, 0x03);
  fragment(w, rp, rp.rec[Rec.ANALYZERS_AT], rp.rec[Rec.ANALYZERS_LEN]);
  byte(w, 0x04);
  head(w, 4, to - from);
  for (let i = from; i < to; i++) {
    if (job.vals) {
      V.set(job.vals.subarray(i * Q.FIELDS, (i + 1) * Q.FIELDS));
      SUB = job.subOf[i];
    } else values(rp, job, job.list[i]);
    writeQuantity(w, rp, job.list[i]);
  }
  byte(w, 0x05);
  fragment(w, rp, rp.rec[Rec.PLAN_VERSION_AT], rp.rec[Rec.PLAN_VERSION_LEN]);
  if (count > 1) {
    byte(w, 0x06);
    byte(w, 0x82);
    head(w, 0, index);
    head(w, 0, count);
  }
  if (supplement) {
    byte(w, 0x07);
    byte(w, 0xf5);
  }
}

/** What the part marker adds to a period map: key 6, array(2), index, count. */
function markerSize(index: number, count: number): number {
  return 2 + headSize(index) + headSize(count);
}

/** Greedy fill: the first quantity index of each part, for a marker saying `count` parts. */
function partStarts(base: number, sizes: number[], budget: number, count: number): number[] {
  const starts: number[] = [];
  let curBytes = 0;
  let curLen = 0;
  for (let i = 0; i < sizes.length; i++) {
    const index = starts.length > 0 ? starts.length - 1 : 0;
    const next = base + markerSize(index, count) + curBytes + sizes[i] + headSize(curLen + 1) - headSize(0);
    if (starts.length === 0 || (curLen > 0 && next > budget)) {
      starts.push(i);
      curBytes = 0;
      curLen = 0;
    }
    curBytes += sizes[i];
    curLen++;
  }
  return starts;
}

/**
 * Fills job.list and job.parts: the payload of each part stays within `budget` bytes (MAX_RECORD_BYTES minus the
 * signer's COSE overhead). Sizes are exact: the record without quantities, written with the largest sequence number,
 * plus the marker plus each quantity's encoding plus the array head. A quantity that alone exceeds the budget still
 * gets its own part (sealing then reports RECORD_TOO_LARGE); nothing is dropped.
 */
export function planParts(w: CborWriter, rp: RecordPlan, h: RecordHeader, job: PeriodJob, budget: number): void {
  job.list = quantityList(rp, job);
  job.vals = null;
  const seq = h.seq;
  const start = w.n;
  h.seq = MAX_SEQ;
  writePeriodPayload(w, rp, h, job, 0, 0, 0, 1);
  h.seq = seq;
  const base = w.n - start;
  w.n = start;
  const sizes: number[] = [];
  let total = base + headSize(job.list.length) - headSize(0);
  const vals = new Float64Array(job.list.length * Q.FIELDS);
  job.subOf = [];
  for (let i = 0; i < job.list.length; i++) {
    values(rp, job, job.list[i]);
    vals.set(V, i * Q.FIELDS);
    job.subOf.push(SUB);
    sizes.push(quantitySize(rp, job.list[i]));
    total += sizes[i];
  }
  job.vals = vals;
  job.parts = [0];
  if (total <= budget) return;
  // the marker's size depends on the number of parts: grow the assumed count until its size class holds
  let count = 2;
  let starts = partStarts(base, sizes, budget, count);
  while (headSize(starts.length) > headSize(count)) {
    count = starts.length;
    starts = partStarts(base, sizes, budget, count);
  }
  if (starts.length >= 2) job.parts = starts;
}
