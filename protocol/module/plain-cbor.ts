// Plain data <-> deterministic CBOR, bit-exact for numbers: the canonical bytes behind configuration hashes and the
// engine snapshots. No recursion (Espruino's stack is shallow): explicit stacks.
import { CborFloat, CborMap, CborTag, type CborValue } from '../record/cbor';

const MAX_SAFE = 9007199254740991;

/** RFC 8746 typed-array tags (big endian). */
const TAG_U8 = 64;
const TAG_U16 = 65;
const TAG_F32 = 81;
const TAG_F64 = 82;

function typedToTag(v: Uint16Array | Float32Array | Float64Array): CborTag {
  const width = v instanceof Uint16Array ? 2 : v instanceof Float32Array ? 4 : 8;
  const bytes = new Uint8Array(v.length * width);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < v.length; i++) {
    if (width === 2) dv.setUint16(i * 2, v[i]);
    else if (width === 4) dv.setFloat32(i * 4, v[i]);
    else dv.setFloat64(i * 8, v[i]);
  }
  return new CborTag(width === 2 ? TAG_U16 : width === 4 ? TAG_F32 : TAG_F64, bytes);
}

function numberToCbor(x: number): CborValue {
  return Math.floor(x) === x && x >= -MAX_SAFE && x <= MAX_SAFE && !(x === 0 && 1 / x < 0) ? x : new CborFloat(x);
}

function setChild(parent: CborValue[] | CborMap, key: number | string, v: CborValue): void {
  if (parent instanceof CborMap) parent.set(key, v);
  else parent[key as number] = v;
}

/**
 * Plain data (objects with text keys, arrays, numbers, strings, booleans, null, Uint8Array/Uint16Array/Float32Array/
 * Float64Array) as a CBOR value: integers stay integers, other numbers become floats (NaN and -0 included), typed
 * arrays become RFC 8746 tagged byte strings. Properties that are undefined are left out. No recursion.
 */
export function plainToCbor(root: unknown): CborValue {
  const holder: CborValue[] = [null];
  const values: unknown[] = [root];
  const parents: (CborValue[] | CborMap)[] = [holder];
  const keys: (number | string)[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const parent = parents.pop() as CborValue[] | CborMap;
    const key = keys.pop() as number | string;
    let out: CborValue;
    if (v === null || v === undefined) out = null;
    else if (typeof v === 'number') out = numberToCbor(v);
    else if (typeof v === 'string' || typeof v === 'boolean') out = v;
    else if (v instanceof Uint8Array) out = new CborTag(TAG_U8, v.slice(0));
    else if (v instanceof Uint16Array || v instanceof Float32Array || v instanceof Float64Array) out = typedToTag(v);
    else if (Array.isArray(v)) {
      const arr: CborValue[] = [];
      for (let i = 0; i < v.length; i++) {
        arr.push(null);
        values.push(v[i]);
        parents.push(arr);
        keys.push(i);
      }
      out = arr;
    } else if (typeof v === 'object') {
      const m = new CborMap();
      const o = v as { [k: string]: unknown };
      const ks = Object.keys(o);
      for (let i = 0; i < ks.length; i++) {
        if (o[ks[i]] === undefined) continue;
        m.set(ks[i], null);
        values.push(o[ks[i]]);
        parents.push(m);
        keys.push(ks[i]);
      }
      out = m;
    } else out = null;
    setChild(parent, key, out);
  }
  return holder[0];
}

function tagToTyped(t: CborTag): unknown {
  const b = t.value;
  if (!(b instanceof Uint8Array)) return null;
  if (t.tag === TAG_U8) return b.slice(0);
  const width = t.tag === TAG_U16 ? 2 : t.tag === TAG_F32 ? 4 : t.tag === TAG_F64 ? 8 : 0;
  if (width === 0 || b.length % width !== 0) return null;
  const n = b.length / width;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (width === 2) {
    const u = new Uint16Array(n);
    for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2);
    return u;
  }
  if (width === 4) {
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = dv.getFloat32(i * 4);
    return f;
  }
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = dv.getFloat64(i * 8);
  return d;
}

/** The inverse of plainToCbor for decoded CBOR (text-keyed maps become objects). No recursion. */
export function cborToPlain(root: CborValue): unknown {
  const holder: unknown[] = [null];
  const values: CborValue[] = [root];
  const parents: (unknown[] | { [k: string]: unknown })[] = [holder];
  const keys: (number | string)[] = [0];
  while (values.length > 0) {
    const v = values.pop() as CborValue;
    const parent = parents.pop() as unknown[] | { [k: string]: unknown };
    const key = keys.pop() as number | string;
    let out: unknown = null;
    if (v instanceof CborFloat) out = v.value;
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out = v;
    else if (v instanceof CborTag) out = tagToTyped(v);
    else if (Array.isArray(v)) {
      const arr: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        arr.push(null);
        values.push(v[i]);
        parents.push(arr);
        keys.push(i);
      }
      out = arr;
    } else if (v instanceof CborMap) {
      const o: { [k: string]: unknown } = {};
      for (let i = 0; i < v.keys.length; i++) {
        const k = v.keys[i];
        if (typeof k !== 'string') continue;
        o[k] = null;
        values.push(v.values[i]);
        parents.push(o);
        keys.push(k);
      }
      out = o;
    }
    (parent as { [k: string]: unknown })[key as string] = out;
  }
  return holder[0];
}
