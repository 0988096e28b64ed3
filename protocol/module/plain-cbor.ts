// Plain data <-> deterministic CBOR, bit-exact for numbers: the canonical bytes behind configuration hashes and the
// engine snapshots. No recursion (Espruino's stack is shallow): explicit stacks.
import { copyBytes } from '../bytes';
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

/** A container being filled by a tree copy: an array, a CBOR map or a plain object. */
type Container = unknown[] | CborMap | { [k: string]: unknown };

/** The work list of an iterative tree copy: values still to convert, and the container and key their copy goes to. */
interface TreeWork {
  values: unknown[];
  parents: Container[];
  keys: (number | string)[];
}

function queueChild(w: TreeWork, value: unknown, parent: Container, key: number | string): void {
  w.values.push(value);
  w.parents.push(parent);
  w.keys.push(key);
}

/** The copy of an array: placeholders, each queued to receive the copy of its element. */
function copyArray(w: TreeWork, v: unknown[]): unknown[] {
  const arr: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    arr.push(null);
    queueChild(w, v[i], arr, i);
  }
  return arr;
}

/**
 * Copies a tree without recursion. `convert` returns the copy of one node; for a container it returns the empty copy
 * and queues the children, whose copies then fill it.
 */
function copyTree(root: unknown, convert: (w: TreeWork, v: unknown) => unknown): unknown {
  const holder: unknown[] = [null];
  const w: TreeWork = { values: [root], parents: [holder], keys: [0] };
  while (w.values.length > 0) {
    const v = w.values.pop();
    const parent = w.parents.pop() as Container;
    const key = w.keys.pop() as number | string;
    const out = convert(w, v);
    if (parent instanceof CborMap) parent.set(key, out as CborValue);
    else (parent as { [k: string]: unknown })[key as string] = out;
  }
  return holder[0];
}

function plainNodeToCbor(w: TreeWork, v: unknown): CborValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return numberToCbor(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return new CborTag(TAG_U8, copyBytes(v, 0, v.length));
  if (v instanceof Uint16Array || v instanceof Float32Array || v instanceof Float64Array) return typedToTag(v);
  if (Array.isArray(v)) return copyArray(w, v) as CborValue[];
  if (typeof v !== 'object') return null;
  const m = new CborMap();
  const o = v as { [k: string]: unknown };
  const ks = Object.keys(o);
  for (let i = 0; i < ks.length; i++) {
    if (o[ks[i]] === undefined) continue;
    m.set(ks[i], null);
    queueChild(w, o[ks[i]], m, ks[i]);
  }
  return m;
}

/**
 * Plain data (objects with text keys, arrays, numbers, strings, booleans, null, Uint8Array/Uint16Array/Float32Array/
 * Float64Array) as a CBOR value: integers stay integers, other numbers become floats (NaN and -0 included), typed
 * arrays become RFC 8746 tagged byte strings. Properties that are undefined are left out. No recursion.
 */
export function plainToCbor(root: unknown): CborValue {
  return copyTree(root, plainNodeToCbor) as CborValue;
}

function tagToTyped(t: CborTag): unknown {
  const b = t.value;
  if (!(b instanceof Uint8Array)) return null;
  if (t.tag === TAG_U8) return copyBytes(b, 0, b.length);
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

function cborNodeToPlain(w: TreeWork, v: unknown): unknown {
  if (v instanceof CborFloat) return v.value;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof CborTag) return tagToTyped(v);
  if (Array.isArray(v)) return copyArray(w, v);
  if (!(v instanceof CborMap)) return null;
  const o: { [k: string]: unknown } = {};
  for (let i = 0; i < v.keys.length; i++) {
    const k = v.keys[i];
    if (typeof k !== 'string') continue;
    o[k] = null;
    queueChild(w, v.values[i], o, k);
  }
  return o;
}

/** The inverse of plainToCbor for decoded CBOR (text-keyed maps become objects). No recursion. */
export function cborToPlain(root: CborValue): unknown {
  return copyTree(root, cborNodeToPlain);
}
