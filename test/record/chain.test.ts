// Hash chain and sequence: links, block reservation, resumption after reboot (journal tail, persisted state,
// nothing), explicit gap and reboot events, failure handling, asynchronous signers, and a crash-loop property test
// checked by the verifier.
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../protocol/bytes';
import { codedError, type CodedError } from '../../protocol/errors';
import {
  CHAIN_STATE_BYTES,
  GENESIS_HASH,
  RecordChain,
  decodeChainState,
  encodeChainState,
  recordLink,
  type ChainLink,
  type ChainStore,
} from '../../protocol/record/chain';
import { decodeCose } from '../../protocol/record/cose';
import { FIXTURE_START_MS, fixtureHourlyBody, fixtureIdentity, fixtureTime } from '../../protocol/record/fixtures';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { decodeRecordPayload, type RecordBody, type RecordData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { seededRandom } from '../../host-sim/prng';
import { codeOf } from './helpers';

const KEY = new Uint8Array(32).fill(9);
const KID = new Uint8Array([0x6b, 0x31]);
const hmac = createHmacSigner(nodeSha256, KEY, KID);
const identity = fixtureIdentity(nodeSha256);
const keys = new KeyRing().addHmacKey(KID, KEY);

class MemoryStore implements ChainStore {
  saves: Uint8Array[] = [];
  failNext = false;
  save(state: Uint8Array): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('flash write failed');
    }
    this.saves.push(state);
  }
  get last(): Uint8Array | null {
    return this.saves.length ? this.saves[this.saves.length - 1] : null;
  }
}

const payloadOf = (rec: Uint8Array): RecordData => decodeRecordPayload(decodeCose(rec, { requireTag: true }).payload);

const periodBody = (hour: number): RecordBody => fixtureHourlyBody(hour, 0);

function newChain(store: ChainStore, reserveBlock: number, signer: Signer = hmac): RecordChain {
  return new RecordChain({ sha256: nodeSha256, signer, identity, store, reserveBlock });
}

function bootSync(chain: RecordChain, persisted: Uint8Array | null, tail: ChainLink | null): Uint8Array[] {
  let out: Uint8Array[] = [];
  let error: CodedError | null = null;
  chain.boot({ nowMs: FIXTURE_START_MS, time: fixtureTime(), reason: 'power-on', persisted, journalTail: tail }, (e, recs) => {
    error = e;
    out = recs;
  });
  if (error) throw error;
  return out;
}

function appendSync(chain: RecordChain, body: RecordBody): Uint8Array {
  let out: Uint8Array | null = null;
  let error: CodedError | null = null;
  chain.append(body, (e, rec) => {
    error = e;
    out = rec;
  });
  if (error) throw error;
  return out!;
}

describe('chain state bytes', () => {
  const state = { lastSeq: 4294967300, lastHash: nodeSha256(new Uint8Array([5])), reservedSeq: 4294967315, bootCount: 17 };

  it('round-trips, including sequence numbers above 2^32', () => {
    const b = encodeChainState(state, nodeSha256);
    expect(b.length).toBe(CHAIN_STATE_BYTES);
    expect(decodeChainState(b, nodeSha256)).toEqual(state);
    expect(decodeChainState(encodeChainState({ ...state, lastSeq: -1, lastHash: GENESIS_HASH }, nodeSha256), nodeSha256).lastSeq).toBe(-1);
  });

  it('detects torn, foreign or inconsistent state', () => {
    const b = encodeChainState(state, nodeSha256);
    expect(codeOf(() => decodeChainState(b.subarray(0, 59), nodeSha256))).toBe('CHAIN_STATE_CORRUPT');
    for (const i of [0, 2, 10, 30, 59]) {
      const t = b.slice();
      t[i] ^= 0x10;
      expect(codeOf(() => decodeChainState(t, nodeSha256))).toBe('CHAIN_STATE_CORRUPT');
    }
    const erased = new Uint8Array(CHAIN_STATE_BYTES).fill(0xff);
    expect(codeOf(() => decodeChainState(erased, nodeSha256))).toBe('CHAIN_STATE_CORRUPT');
    expect(codeOf(() => decodeChainState(encodeChainState({ ...state, reservedSeq: 3 }, nodeSha256), nodeSha256))).toBe('CHAIN_STATE_CORRUPT');
  });
});

describe('record chain', () => {
  it('genesis boot: a reboot record at seq 0 with an all-zero prev, after reserving a block', () => {
    const store = new MemoryStore();
    const chain = newChain(store, 8);
    const [rec] = bootSync(chain, null, null);
    const r = payloadOf(rec);
    expect(r.seq).toBe(0);
    expect(bytesEqual(r.prev, GENESIS_HASH)).toBe(true);
    expect(r.event).toMatchObject({ kind: 'reboot', detail: { bootCount: 1, reason: 'power-on', resumedFrom: 'genesis' } });
    expect(store.saves.length).toBe(1);
    expect(decodeChainState(store.saves[0], nodeSha256)).toMatchObject({ lastSeq: -1, reservedSeq: 7, bootCount: 1 });
  });

  it('links each record to the SHA-256 of the previous record bytes and persists once per block', () => {
    const store = new MemoryStore();
    const chain = newChain(store, 3);
    const recs = bootSync(chain, null, null);
    for (let h = 0; h < 7; h++) recs.push(appendSync(chain, periodBody(h)));
    recs.forEach((rec, i) => {
      const r = payloadOf(rec);
      expect(r.seq).toBe(i);
      if (i > 0) expect(toHex(r.prev)).toBe(toHex(nodeSha256(recs[i - 1])));
    });
    // reservations at seq 0, 3, 6
    expect(store.saves.map((s) => decodeChainState(s, nodeSha256).reservedSeq)).toEqual([2, 5, 8]);
    expect(decodeChainState(store.last!, nodeSha256)).toMatchObject({ lastSeq: 5, lastHash: nodeSha256(recs[5]) });
    expect(chain.state()).toMatchObject({ lastSeq: 7, lastHash: nodeSha256(recs[7]) });
    expect(recordLink(recs[7], nodeSha256)).toEqual({ seq: 7, hash: nodeSha256(recs[7]) });
  });

  it('reboot with only the persisted state: skips the reserved block and declares it in a gap event', () => {
    const store = new MemoryStore();
    const a = newChain(store, 4);
    const recs = bootSync(a, null, null);
    for (let h = 0; h < 5; h++) recs.push(appendSync(a, periodBody(h))); // seq 0..5; reservation 4..7 saved before seq 4
    const b = newChain(store, 4);
    const boot = bootSync(b, store.last, null);
    expect(boot.length).toBe(2);
    const gap = payloadOf(boot[0]);
    const reboot = payloadOf(boot[1]);
    expect(gap.seq).toBe(8);
    expect(gap.event).toMatchObject({ kind: 'gap', detail: { reason: 'unpersisted-seq', firstSeq: 4, lastSeq: 7 } });
    expect(toHex(gap.prev)).toBe(toHex(nodeSha256(recs[3]))); // last link the state knows
    expect(reboot.seq).toBe(9);
    expect(reboot.event).toMatchObject({ kind: 'reboot', detail: { bootCount: 2, resumedFrom: 'state' } });
    const report = verifyRecords([...recs, ...boot], { keys });
    expect(report.ok).toBe(true);
    expect(report.results[6].findings.map((f) => f.code)).toEqual(['CHAIN_BRANCH']);
  });

  it('reboot with the journal tail: links to the newest record; never reuses a reserved number', () => {
    const store = new MemoryStore();
    const a = newChain(store, 4);
    const recs = bootSync(a, null, null);
    for (let h = 0; h < 5; h++) recs.push(appendSync(a, periodBody(h)));
    const tail = recordLink(recs[5], nodeSha256);
    const boot = bootSync(newChain(store, 4), store.last, tail);
    const gap = payloadOf(boot[0]);
    expect(gap.event).toMatchObject({ kind: 'gap', detail: { firstSeq: 6, lastSeq: 7 } });
    expect(toHex(gap.prev)).toBe(toHex(tail.hash));
    expect(payloadOf(boot[1]).event).toMatchObject({ detail: { resumedFrom: 'journal' } });
    const report = verifyRecords([...recs, ...boot], { keys });
    expect(report.ok).toBe(true);
    expect(report.warnings).toBe(0);
  });

  it('reboot right at the end of a reservation with the journal tail: no gap at all', () => {
    const store = new MemoryStore();
    const a = newChain(store, 3);
    const recs = bootSync(a, null, null);
    for (let h = 0; h < 5; h++) recs.push(appendSync(a, periodBody(h))); // seq 0..5, reserved up to 5
    const boot = bootSync(newChain(store, 3), store.last, recordLink(recs[5], nodeSha256));
    expect(boot.length).toBe(1);
    expect(payloadOf(boot[0])).toMatchObject({ seq: 6, event: { kind: 'reboot' } });
    expect(verifyRecords([...recs, ...boot], { keys }).ok).toBe(true);
  });

  it('a journal tail older than the state, or contradicting it, is ignored in favour of the state', () => {
    const store = new MemoryStore();
    const a = newChain(store, 2);
    const recs = bootSync(a, null, null);
    for (let h = 0; h < 5; h++) recs.push(appendSync(a, periodBody(h)));
    const state = decodeChainState(store.last!, nodeSha256);
    const old = bootSync(newChain(store, 2), store.last, recordLink(recs[1], nodeSha256));
    expect(payloadOf(old[old.length - 1]).event).toMatchObject({ detail: { resumedFrom: 'state' } });
    const forged = bootSync(newChain(store, 2), store.last, { seq: state.lastSeq, hash: new Uint8Array(32).fill(1) });
    expect(payloadOf(forged[forged.length - 1]).event).toMatchObject({ detail: { resumedFrom: 'state' } });
  });

  it('unreadable state: resumes from the journal tail if there is one, otherwise starts a new chain', () => {
    const store = new MemoryStore();
    const a = newChain(store, 2);
    const recs = bootSync(a, null, null);
    recs.push(appendSync(a, periodBody(0)));
    const corrupt = store.last!.slice();
    corrupt[5] ^= 1;
    const viaTail = bootSync(newChain(store, 2), corrupt, recordLink(recs[1], nodeSha256));
    expect(payloadOf(viaTail[0])).toMatchObject({ seq: 2, event: { detail: { resumedFrom: 'journal', bootCount: 1 } } });
    const fresh = bootSync(newChain(new MemoryStore(), 2), corrupt, null);
    expect(payloadOf(fresh[0])).toMatchObject({ seq: 0, event: { detail: { resumedFrom: 'genesis' } } });
    const report = verifyRecords([...recs, ...fresh], { keys });
    expect(report.results[2].findings.map((f) => f.code)).toEqual(['CHAIN_RESTART']);
  });

  it('a failed state write or signature consumes no sequence number', () => {
    const store = new MemoryStore();
    let failSign = false;
    const signer: Signer = {
      alg: hmac.alg,
      kid: hmac.kid,
      sign: (tbs, done) => (failSign ? done(codedError('SE_NACK', 'secure element did not answer'), null) : hmac.sign(tbs, done)),
    };
    const chain = newChain(store, 1, signer);
    const recs = bootSync(chain, null, null);
    store.failNext = true;
    expect(codeOf(() => appendSync(chain, periodBody(0)))).toBe('CHAIN_PERSIST');
    failSign = true;
    expect(codeOf(() => appendSync(chain, periodBody(0)))).toBe('SE_NACK');
    failSign = false;
    recs.push(appendSync(chain, periodBody(0)));
    expect(payloadOf(recs[1]).seq).toBe(1);
    expect(verifyRecords(recs, { keys }).ok).toBe(true);
  });

  it('rejects misuse and oversize records', () => {
    const chain = newChain(new MemoryStore(), 4);
    expect(codeOf(() => appendSync(chain, periodBody(0)))).toBe('CHAIN_NOT_BOOTED');
    bootSync(chain, null, null);
    expect(codeOf(() => bootSync(chain, null, null))).toBe('CHAIN_ALREADY_BOOTED');
    const big = periodBody(0);
    const q = big.period!.quantities;
    for (let i = 0; i < 30; i++) q.push({ ...q[i % 10], id: 'q' + i });
    expect(codeOf(() => appendSync(chain, big))).toBe('RECORD_TOO_LARGE');
    const bad = periodBody(0);
    bad.period!.quantities[0].raw.value = NaN;
    expect(codeOf(() => appendSync(chain, bad))).toBe('SCHEMA_RANGE');
    expect(payloadOf(appendSync(chain, periodBody(0))).seq).toBe(1);
    expect(codeOf(() => newChain(new MemoryStore(), 0))).toBe('CHAIN_CONFIG');
  });

  it('serializes records with an asynchronous signer (secure element timing)', async () => {
    const slow: Signer = { alg: hmac.alg, kid: hmac.kid, sign: (tbs, done) => setTimeout(() => hmac.sign(tbs, done), 2) };
    const chain = newChain(new MemoryStore(), 2, slow);
    const all: Uint8Array[] = [];
    await new Promise<void>((resolve, reject) =>
      chain.boot({ nowMs: FIXTURE_START_MS, time: fixtureTime(), reason: 'power-on', persisted: null, journalTail: null }, (e, recs) => {
        if (e) reject(e);
        all.push(...recs);
        resolve();
      }),
    );
    const done = await Promise.all(
      [0, 1, 2, 3, 4].map((h) => new Promise<Uint8Array>((resolve, reject) => chain.append(periodBody(h), (e, r) => (e ? reject(e) : resolve(r!))))),
    );
    all.push(...done);
    expect(all.map((r) => payloadOf(r).seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(verifyRecords(all, { keys }).ok).toBe(true);
  });

  it('property: 300 crash/reboot cycles keep seq strictly increasing and the capture verifiable', () => {
    const r = seededRandom(2024);
    const store = new MemoryStore();
    const journal: Uint8Array[] = [];
    let hour = 0;
    for (let cycle = 0; cycle < 300; cycle++) {
      const useTail = journal.length > 0 && r() < 0.5;
      const tail = useTail ? recordLink(journal[journal.length - 1], nodeSha256) : null;
      const chain = newChain(store, 1 + Math.floor(r() * 5));
      journal.push(...bootSync(chain, store.last, tail));
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) journal.push(appendSync(chain, periodBody(hour++)));
    }
    const seqs = journal.map((rec) => payloadOf(rec).seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    const report = verifyRecords(journal, { keys });
    const errs = report.results.flatMap((x) => x.findings.filter((f) => f.severity === 'error').map((f) => x.index + ' ' + x.seq + ' ' + f.code + ' ' + f.message));
    expect(errs.slice(0, 5)).toEqual([]);
    expect(report.reboots).toBe(300);
    // every warning is an explained branch after a reboot without the journal tail
    for (const res of report.results) for (const f of res.findings) expect(f.code).toBe('CHAIN_BRANCH');
  });
});
