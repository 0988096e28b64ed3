// The record chain's persisted state: where the sequence stands and the hash the next record links to. Sequence
// numbers are reserved in blocks: before a record would use a number beyond the reservation the state is written, so
// after a power cut the chain resumes beyond every number that may have been used, and declares the skipped ones.
// 60 bytes, fixed layout, integrity-checked:
//  0  'R' 'C' version=1 0
//  4  lastSeq + 1      u64 big-endian (hi u32, lo u32)
// 12  reservedSeq + 1  u64
// 20  bootCount        u32
// 24  lastHash         32 bytes
// 56  first 4 bytes of SHA-256 over bytes 0..55 (detects torn or stale-format writes)
import { codedError } from '../errors';
import type { Sha256 } from '../ports';

/** A record's place in the chain: its sequence number and the SHA-256 of its COSE bytes. */
export interface ChainLink {
  seq: number;
  hash: Uint8Array;
}

export interface ChainState {
  /** Last record emitted, -1 before the first. */
  lastSeq: number;
  lastHash: Uint8Array;
  /** Highest sequence number usable without writing the state again. */
  reservedSeq: number;
  bootCount: number;
}

export const CHAIN_STATE_BYTES = 60;
const STATE_VERSION = 1;
const TWO_POW_32 = 4294967296;

function putU64(dv: DataView, off: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32);
  dv.setUint32(off, hi);
  dv.setUint32(off + 4, v - hi * TWO_POW_32);
}

function getU64(dv: DataView, off: number): number {
  return dv.getUint32(off) * TWO_POW_32 + dv.getUint32(off + 4);
}

export function encodeChainState(s: ChainState, sha256: Sha256): Uint8Array {
  const out = new Uint8Array(CHAIN_STATE_BYTES);
  const dv = new DataView(out.buffer);
  out[0] = 0x52;
  out[1] = 0x43;
  out[2] = STATE_VERSION;
  putU64(dv, 4, s.lastSeq + 1);
  putU64(dv, 12, s.reservedSeq + 1);
  dv.setUint32(20, s.bootCount);
  out.set(s.lastHash, 24);
  out.set(sha256(out.subarray(0, 56)).subarray(0, 4), 56);
  return out;
}

/** Throws CHAIN_STATE_CORRUPT when the bytes are not a valid state (wrong size, magic, version or check). */
export function decodeChainState(bytes: Uint8Array, sha256: Sha256): ChainState {
  if (bytes.length !== CHAIN_STATE_BYTES) throw codedError('CHAIN_STATE_CORRUPT', 'state is ' + bytes.length + ' bytes, expected ' + CHAIN_STATE_BYTES);
  if (bytes[0] !== 0x52 || bytes[1] !== 0x43 || bytes[2] !== STATE_VERSION || bytes[3] !== 0) throw codedError('CHAIN_STATE_CORRUPT', 'bad magic or version');
  const check = sha256(bytes.subarray(0, 56));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[56 + i]) throw codedError('CHAIN_STATE_CORRUPT', 'check bytes do not match');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const s: ChainState = {
    lastSeq: getU64(dv, 4) - 1,
    reservedSeq: getU64(dv, 12) - 1,
    bootCount: dv.getUint32(20),
    lastHash: new Uint8Array(bytes.subarray(24, 56)),
  };
  if (s.reservedSeq < s.lastSeq) throw codedError('CHAIN_STATE_CORRUPT', 'reservation below last sequence number');
  return s;
}
