// Host side of the plan format (format.ts): collects sections and writes the file with its hash. Not part of the
// device bundle: the device only reads plans (reader.ts).
import { codedError } from '../errors';
import type { Sha256 } from '../ports';
import { PlanHeader } from './format';

/** Rows of float64 fields, built row by row. */
export class F64Table {
  readonly fields: number;
  readonly values: number[] = [];

  constructor(fields: number) {
    this.fields = fields;
  }

  /** Appends a row of NaN and returns its index; fill it with set(). */
  addRow(): number {
    for (let i = 0; i < this.fields; i++) this.values.push(NaN);
    return this.values.length / this.fields - 1;
  }

  set(row: number, field: number, value: number): void {
    if (field < 0 || field >= this.fields) throw codedError('PLAN_FIELD', 'field ' + field + ' outside 0..' + (this.fields - 1));
    this.values[row * this.fields + field] = value;
  }

  get rows(): number {
    return this.values.length / this.fields;
  }
}

/** ASCII strings stored once each, referred to by index. */
export class StringTable {
  readonly list: string[] = [];
  private readonly index: { [s: string]: number } = {};

  /** Index of `s` (added on first use). Throws on non-ASCII text: the device stores bytes. */
  id(s: string): number {
    const key = '#' + s;
    const known = this.index[key];
    if (typeof known === 'number') return known;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 126 || s.charCodeAt(i) < 32) throw codedError('PLAN_TEXT', 'not printable ASCII: ' + JSON.stringify(s));
    }
    this.index[key] = this.list.length;
    this.list.push(s);
    return this.list.length - 1;
  }
}

export function f64Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat64(i * 8, values[i], true);
  return out;
}

export function stringsBytes(t: StringTable): Uint8Array {
  let blob = 0;
  for (const s of t.list) blob += s.length;
  const head = 4 + 4 * (t.list.length + 1);
  const out = new Uint8Array(head + blob);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, t.list.length, true);
  let at = 0;
  for (let i = 0; i < t.list.length; i++) {
    dv.setUint32(4 + 4 * i, at, true);
    for (let k = 0; k < t.list[i].length; k++) out[head + at + k] = t.list[i].charCodeAt(k);
    at += t.list[i].length;
  }
  dv.setUint32(4 + 4 * t.list.length, at, true);
  return out;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** The plan file: header, section table, sections (8-byte aligned), SHA-256 of everything after the hash. */
export function writePlan(sections: { id: number; bytes: Uint8Array }[], sha256: Sha256): Uint8Array {
  const tableBytes = 4 + sections.length * PlanHeader.SECTION_ENTRY_BYTES;
  let at = align8(PlanHeader.BODY_AT + tableBytes);
  const offsets: number[] = [];
  for (const s of sections) {
    offsets.push(at);
    at = align8(at + s.bytes.length);
  }
  const out = new Uint8Array(at);
  const dv = new DataView(out.buffer);
  out[0] = PlanHeader.MAGIC_C;
  out[1] = PlanHeader.MAGIC_P;
  out[2] = PlanHeader.FORMAT;
  dv.setUint32(PlanHeader.LENGTH_AT, out.length, true);
  dv.setUint32(PlanHeader.BODY_AT, sections.length, true);
  sections.forEach((s, i) => {
    const e = PlanHeader.BODY_AT + 4 + i * PlanHeader.SECTION_ENTRY_BYTES;
    dv.setUint32(e, s.id, true);
    dv.setUint32(e + 4, offsets[i], true);
    dv.setUint32(e + 8, s.bytes.length, true);
    out.set(s.bytes, offsets[i]);
  });
  out.set(sha256(out.subarray(PlanHeader.BODY_AT)), PlanHeader.HASH_AT);
  return out;
}
