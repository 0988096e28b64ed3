// Device side of the plan format (format.ts): checks a plan's integrity and maps its sections as typed-array views.
// On the device the buffer is the Storage file itself (E.toArrayBuffer of the memory-mapped string), so the views
// cost a few JsVars each and the tables stay in flash.
import { codedError } from '../errors';
import type { Sha256 } from '../ports';
import { PlanHeader, Section } from './format';

export interface Plan {
  bytes: Uint8Array;
  /** SHA-256 of the plan body, as recorded in the header and checked. */
  hash: Uint8Array;
  /** Section offsets and lengths by id (index = Section id, -1 when absent). */
  at: Int32Array;
  len: Int32Array;
}

const MAX_SECTION_ID = 32;

/** Checks magic, format, length and hash; throws PLAN_* coded errors. */
export function openPlan(bytes: Uint8Array, sha256: Sha256): Plan {
  if (bytes.length < PlanHeader.BODY_AT + 4 || bytes[0] !== PlanHeader.MAGIC_C || bytes[1] !== PlanHeader.MAGIC_P) {
    throw codedError('PLAN_FORMAT', 'not a compiled plan (npm run provision writes one)');
  }
  if (bytes[2] !== PlanHeader.FORMAT) {
    throw codedError('PLAN_FORMAT', 'plan format ' + bytes[2] + ', this firmware reads format ' + PlanHeader.FORMAT);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (dv.getUint32(PlanHeader.LENGTH_AT, true) !== bytes.length) throw codedError('PLAN_LENGTH', 'plan is truncated or has trailing bytes');
  const hash = sha256(bytes.subarray(PlanHeader.BODY_AT, bytes.length));
  for (let i = 0; i < PlanHeader.HASH_BYTES; i++) {
    if (hash[i] !== bytes[PlanHeader.HASH_AT + i]) throw codedError('PLAN_HASH', 'plan content does not match its hash');
  }
  const at = new Int32Array(MAX_SECTION_ID);
  const len = new Int32Array(MAX_SECTION_ID);
  at.fill(-1);
  const count = dv.getUint32(PlanHeader.BODY_AT, true);
  for (let i = 0; i < count; i++) {
    const e = PlanHeader.BODY_AT + 4 + i * PlanHeader.SECTION_ENTRY_BYTES;
    const id = dv.getUint32(e, true);
    const off = dv.getUint32(e + 4, true);
    const n = dv.getUint32(e + 8, true);
    if (id >= MAX_SECTION_ID || off + n > bytes.length || off % 8 !== 0) throw codedError('PLAN_FORMAT', 'section table entry ' + i + ' is invalid');
    at[id] = off;
    len[id] = n;
  }
  return { bytes: bytes, hash: hash, at: at, len: len };
}

/**
 * openPlan for the plan a module runs: the compiler writes every section (empty when unused), so one missing means
 * the plan was not made for a module (a Modbus-only plan of the simulator, or a damaged one): PLAN_SECTION.
 */
export function openModulePlan(bytes: Uint8Array, sha256: Sha256): Plan {
  const p = openPlan(bytes, sha256);
  for (let id = Section.STRINGS; id <= Section.QUANTITIES; id++) {
    if (p.at[id] < 0) throw codedError('PLAN_SECTION', 'section ' + id + ' missing');
  }
  return p;
}

/** A float64 section as a view (throws PLAN_SECTION when absent). */
export function planF64(p: Plan, id: Section): Float64Array {
  const off = p.at[id];
  if (off < 0) throw codedError('PLAN_SECTION', 'section ' + id + ' missing');
  return new Float64Array(p.bytes.buffer, p.bytes.byteOffset + off, p.len[id] / 8);
}

/** A byte section as a view (throws PLAN_SECTION when absent). */
export function planBytes(p: Plan, id: Section): Uint8Array {
  const off = p.at[id];
  if (off < 0) throw codedError('PLAN_SECTION', 'section ' + id + ' missing');
  return p.bytes.subarray(off, off + p.len[id]);
}

/** String `i` of the STRINGS section as a byte view. */
export function planStringBytes(p: Plan, i: number): Uint8Array {
  const s = planBytes(p, Section.STRINGS);
  const dv = new DataView(s.buffer, s.byteOffset, s.length);
  const count = dv.getUint32(0, true);
  if (!(i >= 0 && i < count)) throw codedError('PLAN_STRING', 'no string ' + i);
  const head = 4 + 4 * (count + 1);
  return s.subarray(head + dv.getUint32(4 + 4 * i, true), head + dv.getUint32(8 + 4 * i, true));
}
