// Engine snapshots: the engine's state arrays as bytes, bound to the plan they belong to, so the averaging state (open
// minute, period and day, MRR year, Part 75 lookback, calibration-range weeks) survives a reboot.
// Layout: 'E' 'S' version 0, the plan hash (32 bytes), then every state array's bytes in a fixed order, then the
// Part 75 states (u16 count; per state: u16 output, the numbers as float64, the lookback and availability rings, the
// open gap). Typed-array bytes are little-endian on the ESP32 and on the hosts the simulator runs on.
// Stored with runs of zero words packed (packZeros): a state just after a period close is mostly zeros, so the
// hourly snapshot of the delivered plant takes a few KB of flash instead of 13 KB.
import { codedError } from '../errors';
import type { Engine } from './engine';
import { newP75State, P75_LOOKBACK_H, P75_PMA_WINDOW_H, type P75State } from './p75';

const VERSION = 2;
const HEAD = 36;
const P75_NUMBERS = 8;

function arrays(e: Engine): Uint8Array[] {
  const list = [e.g, e.mAcc, e.mSt, e.pAcc, e.pSt, e.pQuad, e.dAcc, e.dSt, e.mrr, e.cal];
  const out: Uint8Array[] = [];
  for (let i = 0; i < list.length; i++) out.push(new Uint8Array(list[i].buffer, list[i].byteOffset, list[i].byteLength));
  return out;
}

function p75Bytes(s: P75State): number {
  return 2 + 8 * P75_NUMBERS + 4 * P75_LOOKBACK_H + P75_PMA_WINDOW_H / 8 + 2 + 16 * s.gap.length;
}

/** The engine's state as a packed snapshot bound to the plan hash. */
export function encodeEngineSnapshot(e: Engine, planHash: Uint8Array): Uint8Array {
  const parts = arrays(e);
  let n = HEAD + 2;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  let states = 0;
  for (let o = 0; o < e.p75.length; o++) {
    const s = e.p75[o];
    if (s) {
      states++;
      n += p75Bytes(s);
    }
  }
  // whole 8-byte words, zero-padded: packZeros scans the buffer in place
  const out = new Uint8Array((n + 7) & ~7);
  const dv = new DataView(out.buffer);
  out[0] = 0x45;
  out[1] = 0x53;
  out[2] = VERSION;
  out.set(planHash, 4);
  let at = HEAD;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], at);
    at += parts[i].length;
  }
  dv.setUint16(at, states);
  at += 2;
  for (let o = 0; o < e.p75.length; o++) {
    const s = e.p75[o];
    if (!s) continue;
    dv.setUint16(at, o);
    at += 2;
    const nums = [s.lookHead, s.lookN, s.qaHours, s.opHours, s.availHours, s.ringHead, s.ringAvail, s.before];
    for (let k = 0; k < P75_NUMBERS; k++) dv.setFloat64(at + 8 * k, nums[k]);
    at += 8 * P75_NUMBERS;
    out.set(new Uint8Array(s.look.buffer), at);
    at += 4 * P75_LOOKBACK_H;
    out.set(s.ring, at);
    at += s.ring.length;
    dv.setUint16(at, s.gap.length);
    at += 2;
    for (let k = 0; k < s.gap.length; k++) {
      dv.setFloat64(at, s.gap[k].startMs);
      dv.setFloat64(at + 8, s.gap[k].flow);
      at += 16;
    }
  }
  return packZeros(out, n);
}

function corrupt(why: string): Error {
  return codedError('ENGINE_SNAPSHOT_CORRUPT', why);
}

/**
 * Restores the state of `e` from a snapshot. Throws ENGINE_SNAPSHOT_CONFIG when it belongs to another plan and
 * ENGINE_SNAPSHOT_CORRUPT when it is damaged; `e` is then left as it was.
 */
export function restoreEngineSnapshot(e: Engine, packed: Uint8Array, planHash: Uint8Array): void {
  const bytes = unpackZeros(packed);
  if (bytes.length < HEAD + 2 || bytes[0] !== 0x45 || bytes[1] !== 0x53 || bytes[2] !== VERSION) throw corrupt('not an engine snapshot of version ' + VERSION);
  for (let i = 0; i < 32; i++) if (bytes[4 + i] !== planHash[i]) throw codedError('ENGINE_SNAPSHOT_CONFIG', 'snapshot belongs to another plan');
  const parts = arrays(e);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = HEAD;
  for (let i = 0; i < parts.length; i++) at += parts[i].length;
  if (at + 2 > bytes.length) throw corrupt('state arrays truncated');
  // parse the Part 75 states completely before touching the engine
  const states: P75State[] = [];
  const outs: number[] = [];
  let count = dv.getUint16(at);
  at += 2;
  while (count-- > 0) {
    if (at + 2 + 8 * P75_NUMBERS + 4 * P75_LOOKBACK_H + P75_PMA_WINDOW_H / 8 + 2 > bytes.length) throw corrupt('Part 75 state truncated');
    const o = dv.getUint16(at);
    if (o >= e.nOut) throw corrupt('Part 75 state for output ' + o);
    at += 2;
    const s = newP75State();
    const nums: number[] = [];
    for (let k = 0; k < P75_NUMBERS; k++) nums.push(dv.getFloat64(at + 8 * k));
    at += 8 * P75_NUMBERS;
    s.lookHead = nums[0];
    s.lookN = nums[1];
    s.qaHours = nums[2];
    s.opHours = nums[3];
    s.availHours = nums[4];
    s.ringHead = nums[5];
    s.ringAvail = nums[6];
    s.before = nums[7];
    new Uint8Array(s.look.buffer).set(bytes.subarray(at, at + 4 * P75_LOOKBACK_H));
    at += 4 * P75_LOOKBACK_H;
    s.ring.set(bytes.subarray(at, at + s.ring.length));
    at += s.ring.length;
    let gaps = dv.getUint16(at);
    at += 2;
    if (at + 16 * gaps > bytes.length) throw corrupt('Part 75 gap truncated');
    while (gaps-- > 0) {
      s.gap.push({ startMs: dv.getFloat64(at), flow: dv.getFloat64(at + 8) });
      at += 16;
    }
    states.push(s);
    outs.push(o);
  }
  if (at !== bytes.length) throw corrupt('trailing bytes');
  at = HEAD;
  for (let i = 0; i < parts.length; i++) {
    parts[i].set(bytes.subarray(at, at + parts[i].length));
    at += parts[i].length;
  }
  for (let i = 0; i < states.length; i++) e.p75[outs[i]] = states[i];
}

/** Largest state a snapshot holds: Espruino's typed arrays and ArrayBuffers end at 65,535 bytes, and the state is
 *  held in whole 8-byte words. */
export const MAX_SNAPSHOT_BYTES = 65528;

/**
 * Runs of zero 8-byte words left out: u32 length `n`, then runs of (u16 zero words, u16 data words, the data words'
 * bytes) over the first `n` bytes of `b` in whole words. `b` must be those words: its length ((n + 7) >> 3) * 8, the
 * padding zero, at a 4-byte aligned offset, so it is scanned in place. Two passes (size, then bytes) so that nothing
 * but the exact result is allocated: on an ESP32 the state, a padded copy and a worst-case output buffer together
 * were some 3,000 variables at the hour's end. Word-wise, with one native copy per data run: on the interpreter a
 * byte-by-byte scan of the delivered plant's 13 KB state took some 300 ms. Runs fit in u16: the state is at most
 * MAX_SNAPSHOT_BYTES.
 */
export function packZeros(b: Uint8Array, n: number): Uint8Array {
  if (n > MAX_SNAPSHOT_BYTES) throw codedError('ENGINE_SNAPSHOT_SIZE', 'state of ' + n + ' bytes, limit ' + MAX_SNAPSHOT_BYTES);
  const words = (n + 7) >> 3;
  if (b.length !== words * 8 || (b.byteOffset & 3) !== 0) throw codedError('ENGINE_SNAPSHOT_SIZE', 'state buffer of ' + b.length + ' bytes for ' + n);
  const w = new Int32Array(b.buffer, b.byteOffset, words * 2);
  const out = new Uint8Array(zeroRuns(b, w, words, null));
  new DataView(out.buffer).setUint32(0, n);
  zeroRuns(b, w, words, out);
  return out;
}

/** Walks the runs of `w`; writes them into `out` when given. Returns the packed length. */
function zeroRuns(b: Uint8Array, w: Int32Array, words: number, out: Uint8Array | null): number {
  const dv = out ? new DataView(out.buffer) : null;
  let o = 4;
  let i = 0;
  while (i < words) {
    let zeros = 0;
    while (i < words && w[2 * i] === 0 && w[2 * i + 1] === 0) {
      zeros++;
      i++;
    }
    const from = i;
    while (i < words && (w[2 * i] !== 0 || w[2 * i + 1] !== 0)) i++;
    if (dv && out) {
      dv.setUint16(o, zeros);
      dv.setUint16(o + 2, i - from);
      out.set(b.subarray(8 * from, 8 * i), o + 4);
    }
    o += 4 + 8 * (i - from);
  }
  return o;
}

/** Inverse of packZeros; throws ENGINE_SNAPSHOT_CORRUPT when the runs do not add up to the recorded length. */
export function unpackZeros(p: Uint8Array): Uint8Array {
  if (p.length < 4) throw corrupt('no length');
  const dv = new DataView(p.buffer, p.byteOffset, p.length);
  const n = dv.getUint32(0);
  if (n > MAX_SNAPSHOT_BYTES) throw corrupt('length ' + n);
  const words = (n + 7) >> 3;
  const out = new Uint8Array(words * 8);
  let at = 4;
  let o = 0;
  while (at < p.length) {
    if (at + 4 > p.length) throw corrupt('truncated run');
    o += 8 * dv.getUint16(at);
    const data = 8 * dv.getUint16(at + 2);
    at += 4;
    if (at + data > p.length || o + data > out.length) throw corrupt('run beyond the end');
    out.set(p.subarray(at, at + data), o);
    at += data;
    o += data;
  }
  if (o !== out.length) throw corrupt('runs cover ' + o + ' of ' + out.length + ' bytes');
  return out.subarray(0, n);
}
