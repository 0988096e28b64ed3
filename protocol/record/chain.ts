// The record chain: assigns sequence numbers, links each record to the SHA-256 of the previous record's complete
// COSE bytes, signs, and keeps the sequence monotonic across reboots.
//
// Persistence: sequence numbers are reserved in blocks. Before a record would use a number beyond the reservation,
// the chain writes {last seq, last hash, reservation end, boot count} through ChainStore.save. After a reboot the
// chain resumes from the journal's newest record when the firmware can name it (continuous chain, no gap); otherwise
// from the persisted state, skipping the whole reserved block and declaring the skipped numbers in a gap event, since
// records in it may or may not have been emitted before power was lost. Every boot then emits a reboot event.
// Nothing here ever reuses a sequence number or jumps silently.
import { bytesEqual, copyBytes } from '../bytes';
import { codedError, type CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { coseSeal, decodeCose } from './cose';
import {
  HASH_BYTES,
  MAX_RECORD_BYTES,
  RECORD_SCHEMA_VERSION,
  decodeRecordPayload,
  encodeRecordPayload,
  type GapDetail,
  type Identity,
  type RebootReason,
  type RecordBody,
  type RecordData,
  type ResumedFrom,
  type TimeInfo,
} from './schema';
import type { Signer } from './signer';

/** `prev` of the very first record of a device. */
export const GENESIS_HASH = new Uint8Array(HASH_BYTES);

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

/** Where the firmware keeps the chain state (two alternating slots, a Storage file...). save throws on failure. */
export interface ChainStore {
  save(state: Uint8Array): void;
}

// --- persisted state: 60 bytes, fixed layout, integrity-checked ------------------------------------------------------
//  0  'R' 'C' version=1 0
//  4  lastSeq + 1      u64 big-endian (hi u32, lo u32)
// 12  reservedSeq + 1  u64
// 20  bootCount        u32
// 24  lastHash         32 bytes
// 56  first 4 bytes of SHA-256 over bytes 0..55 (detects torn or stale-format writes)
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
    lastHash: copyBytes(bytes, 24, 56),
  };
  if (s.reservedSeq < s.lastSeq) throw codedError('CHAIN_STATE_CORRUPT', 'reservation below last sequence number');
  return s;
}

/** The chain link of a record (for the journal tail at boot). Structure only: no signature check. */
export function recordLink(record: Uint8Array, sha256: Sha256): ChainLink {
  const msg = decodeCose(record, { requireTag: true });
  return { seq: decodeRecordPayload(msg.payload).seq, hash: sha256(record) };
}

export interface ChainOptions {
  sha256: Sha256;
  signer: Signer;
  identity: Identity;
  store: ChainStore;
  /** Sequence numbers reserved per state write: fewer flash writes vs. a larger declared gap after a crash. */
  reserveBlock: number;
}

export interface BootInfo {
  nowMs: number;
  time: TimeInfo;
  reason: RebootReason;
  /** The state bytes last saved through ChainStore, or null if none could be read. */
  persisted: Uint8Array | null;
  /** The newest record still in the journal (see recordLink), or null. */
  journalTail: ChainLink | null;
}

type RecordDone = (err: CodedError | null, record: Uint8Array | null) => void;

interface Job {
  body: RecordBody;
  done: RecordDone;
}

export class RecordChain {
  private opts: ChainOptions;
  private booted = false;
  private lastSeq = -1;
  private lastHash: Uint8Array = GENESIS_HASH;
  private reservedSeq = -1;
  private nextSeq = 0;
  private bootCount = 0;
  private queue: Job[] = [];
  private busy = false;
  private pumping = false;

  constructor(opts: ChainOptions) {
    if (Math.floor(opts.reserveBlock) !== opts.reserveBlock || opts.reserveBlock < 1) throw codedError('CHAIN_CONFIG', 'reserveBlock must be a positive integer');
    this.opts = opts;
  }

  state(): ChainState {
    return { lastSeq: this.lastSeq, lastHash: this.lastHash, reservedSeq: this.reservedSeq, bootCount: this.bootCount };
  }

  /**
   * Resumes the chain after power-up and emits its boot records: a gap event when sequence numbers had to be skipped,
   * then the reboot event. `done` receives the emitted records in order.
   */
  boot(info: BootInfo, done: (err: CodedError | null, records: Uint8Array[]) => void): void {
    if (this.booted) {
      done(codedError('CHAIN_ALREADY_BOOTED', 'boot() called twice'), []);
      return;
    }
    let persisted: ChainState | null = null;
    if (info.persisted !== null) {
      try {
        persisted = decodeChainState(info.persisted, this.opts.sha256);
      } catch (e) {
        persisted = null; // torn write or erased flash: treated as no state
      }
    }
    const tail = info.journalTail;
    let resumedFrom: ResumedFrom;
    let gap: GapDetail | null = null;
    const tailUsable =
      tail !== null &&
      (persisted === null || tail.seq > persisted.lastSeq || (tail.seq === persisted.lastSeq && bytesEqual(tail.hash, persisted.lastHash)));
    if (tail !== null && tailUsable) {
      this.lastSeq = tail.seq;
      this.lastHash = tail.hash;
      this.nextSeq = tail.seq + 1;
      if (persisted !== null && persisted.reservedSeq >= this.nextSeq) this.nextSeq = persisted.reservedSeq + 1;
      resumedFrom = 'journal';
    } else if (persisted !== null) {
      this.lastSeq = persisted.lastSeq;
      this.lastHash = persisted.lastHash;
      this.nextSeq = persisted.reservedSeq + 1;
      resumedFrom = 'state';
    } else {
      this.lastSeq = -1;
      this.lastHash = GENESIS_HASH;
      this.nextSeq = 0;
      resumedFrom = 'genesis';
    }
    if (this.nextSeq > this.lastSeq + 1) {
      gap = { reason: 'unpersisted-seq', firstSeq: this.lastSeq + 1, lastSeq: this.nextSeq - 1, fromMs: -1, toMs: -1 };
    }
    this.reservedSeq = this.nextSeq - 1;
    this.bootCount = (persisted !== null ? persisted.bootCount : 0) + 1;
    this.booted = true;

    const records: Uint8Array[] = [];
    const bodies: RecordBody[] = [];
    if (gap !== null) {
      bodies.push({ time: info.time, createdMs: info.nowMs, period: null, event: { kind: 'gap', startMs: info.nowMs, endMs: -1, actor: 'device', detail: gap } });
    }
    bodies.push({
      time: info.time,
      createdMs: info.nowMs,
      period: null,
      event: { kind: 'reboot', startMs: info.nowMs, endMs: -1, actor: 'device', detail: { bootCount: this.bootCount, reason: info.reason, resumedFrom: resumedFrom } },
    });
    let remaining = bodies.length;
    let failed = false;
    const collect: RecordDone = function (err, record) {
      if (failed) return;
      if (err) {
        failed = true;
        done(err, records);
        return;
      }
      records.push(record as Uint8Array);
      remaining--;
      if (remaining === 0) done(null, records);
    };
    for (let i = 0; i < bodies.length; i++) this.enqueue(bodies[i], collect);
  }

  /** Queues a record; `done` gets its COSE bytes once signed (synchronously with an HMAC signer). */
  append(body: RecordBody, done: RecordDone): void {
    if (!this.booted) {
      done(codedError('CHAIN_NOT_BOOTED', 'boot() must run before records are appended'), null);
      return;
    }
    this.enqueue(body, done);
  }

  private enqueue(body: RecordBody, done: RecordDone): void {
    this.queue.push({ body: body, done: done });
    this.pump();
  }

  // One record at a time; a loop rather than recursion so that synchronous signers do not deepen the stack.
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (!this.busy && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.busy = true;
      this.run(job);
    }
    this.pumping = false;
  }

  private finish(job: Job, err: CodedError | null, record: Uint8Array | null): void {
    this.busy = false;
    job.done(err, record);
    if (!this.pumping) this.pump();
  }

  private run(job: Job): void {
    const self = this;
    const o = this.opts;
    const seq = this.nextSeq;
    if (seq > this.reservedSeq) {
      const reserved = seq + o.reserveBlock - 1;
      try {
        o.store.save(encodeChainState({ lastSeq: this.lastSeq, lastHash: this.lastHash, reservedSeq: reserved, bootCount: this.bootCount }, o.sha256));
      } catch (e) {
        this.finish(job, codedError('CHAIN_PERSIST', 'state could not be saved: ' + (e && (e as Error).message)), null);
        return;
      }
      this.reservedSeq = reserved;
    }
    const data: RecordData = {
      version: RECORD_SCHEMA_VERSION,
      seq: seq,
      prev: this.lastHash,
      device: o.identity.device,
      site: o.identity.site,
      time: job.body.time,
      createdMs: job.body.createdMs,
      period: job.body.period,
      event: job.body.event,
    };
    let payload: Uint8Array;
    try {
      payload = encodeRecordPayload(data);
    } catch (e) {
      this.finish(job, e as CodedError, null);
      return;
    }
    if (payload.length > MAX_RECORD_BYTES) {
      this.finish(job, codedError('RECORD_TOO_LARGE', 'payload is ' + payload.length + ' bytes, limit ' + MAX_RECORD_BYTES), null);
      return;
    }
    coseSeal(payload, o.signer, null, function (err, message) {
      if (err || message === null) {
        self.finish(job, err || codedError('CHAIN_SIGN', 'no message'), null);
        return;
      }
      if (message.length > MAX_RECORD_BYTES) {
        self.finish(job, codedError('RECORD_TOO_LARGE', 'record is ' + message.length + ' bytes, limit ' + MAX_RECORD_BYTES), null);
        return;
      }
      self.lastSeq = seq;
      self.lastHash = o.sha256(message);
      self.nextSeq = seq + 1;
      self.finish(job, null, message);
    });
  }
}
