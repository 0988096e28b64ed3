// Hash chain and sequence, as the device runs them (records service + seal module): links, block reservation,
// resumption after reboot (journal tail, persisted state, nothing), explicit gap and reboot events, failure handling,
// asynchronous signers, and a crash-loop property test checked by the verifier. Sequence numbers are never reused.
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../protocol/bytes';
import { codedError } from '../../protocol/errors';
import { recordsBoot, recordsEvent, recordsTick } from '../../protocol/module/records';
import { CHAIN_STATE_BYTES, decodeChainState, encodeChainState } from '../../protocol/record/chain-state';
import { decodeCose } from '../../protocol/record/cose';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { decodeRecordPayload, type RecordData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { recordLink } from '../../host-sim/record/record-link';
import { seededRandom } from '../../host-sim/prng';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { FIXTURE_START_MS } from '../kit/record-fixtures';
import { createRecordKit, fixturePlan, kitBoot, kitHour, whenSettled, type RecordKit } from '../kit/record-kit';
import { codeOf } from './helpers';
import { referenceMismatches } from './reference';

const KEY = new Uint8Array(32).fill(9);
const KID = new Uint8Array([0x6b, 0x31]);
const hmac = createHmacSigner(nodeSha256, KEY, KID);
const keys = new KeyRing().addHmacKey(KID, KEY);
const plan = fixturePlan(nodeSha256);
const GENESIS = new Uint8Array(32);

const payloadOf = (rec: Uint8Array): RecordData => decodeRecordPayload(decodeCose(rec, { requireTag: true }).payload);
const lastOf = (list: Uint8Array[]): Uint8Array => list[list.length - 1];

/** A records service over the fixture plan with `reserveBlock` numbers reserved per chain-state write. */
function newKit(reserveBlock: number, signer: Signer = hmac): RecordKit {
  const kit = createRecordKit(nodeSha256, plan, signer);
  kit.svc.o.reserveBlock = reserveBlock;
  return kit;
}

/** Boots `kit` (power-on) and returns the boot records. */
function boot(kit: RecordKit, persisted: Uint8Array | null, tail: { seq: number; hash: Uint8Array } | null): Uint8Array[] {
  kit.clock.t = FIXTURE_START_MS;
  recordsBoot(kit.svc, 'power-on', persisted, tail, null);
  return kit.sealed.slice();
}

/** Records one event (one record) at minute `i` and returns what was sealed by it. */
function append(kit: RecordKit, i: number): Uint8Array[] {
  const from = kit.sealed.length;
  kit.clock.t = FIXTURE_START_MS + (i + 1) * 60000;
  recordsEvent(kit.svc, { kind: 'maintenance', startMs: kit.clock.t, endMs: -1, actor: 'device', detail: { analyzerId: 'gm32', reason: 'check ' + i } });
  return kit.sealed.slice(from);
}

describe('chain state bytes', () => {
  const state = { lastSeq: 4294967300, lastHash: nodeSha256(new Uint8Array([5])), reservedSeq: 4294967315, bootCount: 17 };

  it('round-trips, including sequence numbers above 2^32', () => {
    const b = encodeChainState(state, nodeSha256);
    expect(b.length).toBe(CHAIN_STATE_BYTES);
    expect(decodeChainState(b, nodeSha256)).toEqual(state);
    expect(decodeChainState(encodeChainState({ ...state, lastSeq: -1, lastHash: GENESIS }, nodeSha256), nodeSha256).lastSeq).toBe(-1);
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
    const kit = newKit(8);
    const [rec] = boot(kit, null, null);
    const r = payloadOf(rec);
    expect(r.seq).toBe(0);
    expect(bytesEqual(r.prev, GENESIS)).toBe(true);
    expect(r.event).toMatchObject({ kind: 'reboot', detail: { bootCount: 1, reason: 'power-on', resumedFrom: 'genesis' } });
    expect(kit.saved.length).toBe(1);
    expect(decodeChainState(kit.saved[0], nodeSha256)).toMatchObject({ lastSeq: -1, reservedSeq: 7, bootCount: 1 });
  });

  it('links each record to the SHA-256 of the previous record bytes and persists once per block', () => {
    const kit = newKit(3);
    const recs = boot(kit, null, null);
    for (let i = 0; i < 7; i++) recs.push(...append(kit, i));
    recs.forEach((rec, i) => {
      const r = payloadOf(rec);
      expect(r.seq).toBe(i);
      if (i > 0) expect(toHex(r.prev)).toBe(toHex(nodeSha256(recs[i - 1])));
    });
    // reservations at seq 0, 3, 6
    expect(kit.saved.map((s) => decodeChainState(s, nodeSha256).reservedSeq)).toEqual([2, 5, 8]);
    expect(decodeChainState(lastOf(kit.saved), nodeSha256)).toMatchObject({ lastSeq: 5, lastHash: nodeSha256(recs[5]) });
    expect(kit.svc).toMatchObject({ lastSeq: 7, lastHash: nodeSha256(recs[7]), nextSeq: 8 });
    expect(recordLink(recs[7], nodeSha256)).toEqual({ seq: 7, hash: nodeSha256(recs[7]) });
  });

  it('the parts of a split hour are consecutive links of the chain, written as the reference encoders write them', () => {
    const kit = newKit(3);
    const recs = boot(kit, null, null);
    kitHour(kit, 0, 0);
    kitHour(kit, 1, 1);
    recs.push(...kit.sealed.slice(1));
    expect(recs.map((r) => payloadOf(r).period?.part ?? null)).toEqual([null, { index: 0, count: 2 }, { index: 1, count: 2 }, { index: 0, count: 2 }, { index: 1, count: 2 }]);
    recs.forEach((rec, i) => {
      expect(payloadOf(rec).seq).toBe(i);
      if (i > 0) expect(toHex(payloadOf(rec).prev)).toBe(toHex(nodeSha256(recs[i - 1])));
    });
    expect(kit.saved.map((s) => decodeChainState(s, nodeSha256).reservedSeq)).toEqual([2, 5]);
    expect(referenceMismatches(recs)).toEqual([]);
    const report = verifyRecords(recs, { keys });
    expect(report.ok).toBe(true);
    expect(report.warnings).toBe(0);
  });

  it('reboot with only the persisted state: skips the reserved block and declares it in a gap event', () => {
    const a = newKit(4);
    const recs = boot(a, null, null);
    for (let i = 0; i < 5; i++) recs.push(...append(a, i)); // seq 0..5; reservation 4..7 saved before seq 4
    const b = newKit(4);
    const rebooted = boot(b, lastOf(a.saved), null);
    expect(rebooted.length).toBe(2);
    const gap = payloadOf(rebooted[0]);
    const reboot = payloadOf(rebooted[1]);
    expect(gap.seq).toBe(8);
    expect(gap.event).toMatchObject({ kind: 'gap', detail: { reason: 'unpersisted-seq', firstSeq: 4, lastSeq: 7 } });
    expect(toHex(gap.prev)).toBe(toHex(nodeSha256(recs[3]))); // last link the state knows
    expect(reboot.seq).toBe(9);
    expect(reboot.event).toMatchObject({ kind: 'reboot', detail: { bootCount: 2, resumedFrom: 'state' } });
    const report = verifyRecords([...recs, ...rebooted], { keys });
    expect(report.ok).toBe(true);
    expect(report.results[6].findings.map((f) => f.code)).toEqual(['CHAIN_BRANCH']);
  });

  it('reboot with the journal tail: links to the newest record; never reuses a reserved number', () => {
    const a = newKit(4);
    const recs = boot(a, null, null);
    for (let i = 0; i < 5; i++) recs.push(...append(a, i));
    const tail = recordLink(recs[5], nodeSha256);
    const rebooted = boot(newKit(4), lastOf(a.saved), tail);
    const gap = payloadOf(rebooted[0]);
    expect(gap.event).toMatchObject({ kind: 'gap', detail: { firstSeq: 6, lastSeq: 7 } });
    expect(toHex(gap.prev)).toBe(toHex(tail.hash));
    expect(payloadOf(rebooted[1]).event).toMatchObject({ detail: { resumedFrom: 'journal' } });
    const report = verifyRecords([...recs, ...rebooted], { keys });
    expect(report.ok).toBe(true);
    expect(report.warnings).toBe(0);
  });

  it('reboot right at the end of a reservation with the journal tail: no gap at all', () => {
    const a = newKit(3);
    const recs = boot(a, null, null);
    for (let i = 0; i < 5; i++) recs.push(...append(a, i)); // seq 0..5, reserved up to 5
    const rebooted = boot(newKit(3), lastOf(a.saved), recordLink(recs[5], nodeSha256));
    expect(rebooted.length).toBe(1);
    expect(payloadOf(rebooted[0])).toMatchObject({ seq: 6, event: { kind: 'reboot' } });
    expect(verifyRecords([...recs, ...rebooted], { keys }).ok).toBe(true);
  });

  it('a journal tail older than the state, or contradicting it, is ignored in favour of the state', () => {
    const a = newKit(2);
    const recs = boot(a, null, null);
    for (let i = 0; i < 5; i++) recs.push(...append(a, i));
    const state = decodeChainState(lastOf(a.saved), nodeSha256);
    const old = boot(newKit(2), lastOf(a.saved), recordLink(recs[1], nodeSha256));
    expect(payloadOf(lastOf(old)).event).toMatchObject({ detail: { resumedFrom: 'state' } });
    const forged = boot(newKit(2), lastOf(a.saved), { seq: state.lastSeq, hash: new Uint8Array(32).fill(1) });
    expect(payloadOf(lastOf(forged)).event).toMatchObject({ detail: { resumedFrom: 'state' } });
  });

  it('unreadable state: resumes from the journal tail if there is one, otherwise starts a new chain', () => {
    const a = newKit(2);
    const recs = boot(a, null, null);
    recs.push(...append(a, 0));
    const corrupt = lastOf(a.saved).slice();
    corrupt[5] ^= 1;
    const viaTail = boot(newKit(2), corrupt, recordLink(recs[1], nodeSha256));
    expect(payloadOf(viaTail[0])).toMatchObject({ seq: 2, event: { detail: { resumedFrom: 'journal', bootCount: 1 } } });
    const fresh = boot(newKit(2), corrupt, null);
    expect(payloadOf(fresh[0])).toMatchObject({ seq: 0, event: { detail: { resumedFrom: 'genesis' } } });
    const report = verifyRecords([...recs, ...fresh], { keys });
    expect(report.results[2].findings.map((f) => f.code)).toEqual(['CHAIN_RESTART']);
  });

  it('a failed state write or signature consumes no sequence number; the record waits for the next tick', () => {
    let failSign = false;
    const signer: Signer = {
      alg: hmac.alg,
      kid: hmac.kid,
      sign: (buf, start, end, done) => (failSign ? done(codedError('SE_NACK', 'secure element did not answer'), null) : hmac.sign(buf, start, end, done)),
    };
    const kit = newKit(1, signer);
    const store = kit.svc.o.store;
    let failSave = false;
    kit.svc.o.store = {
      save: (s) => {
        if (failSave) throw new Error('flash write failed');
        store.save(s);
      },
    };
    const recs = boot(kit, null, null);
    failSave = true;
    expect(append(kit, 0)).toEqual([]);
    expect(kit.svc.lastError).toContain('CHAIN_PERSIST');
    failSave = false;
    failSign = true;
    recordsTick(kit.svc, kit.clock.t);
    expect(kit.sealed.length).toBe(1);
    expect(kit.svc.lastError).toContain('SE_NACK');
    failSign = false;
    recordsTick(kit.svc, kit.clock.t);
    recs.push(...kit.sealed.slice(1));
    expect(recs.map((r) => payloadOf(r).seq)).toEqual([0, 1]);
    expect(kit.svc.queue.length).toBe(0);
    expect(verifyRecords(recs, { keys }).ok).toBe(true);
  });

  it('records made before boot wait, and are sealed after the boot records', () => {
    const kit = newKit(4);
    expect(append(kit, 0)).toEqual([]);
    const recs = boot(kit, null, null);
    expect(recs.map((r) => payloadOf(r).event!.kind)).toEqual(['reboot', 'maintenance']);
    expect(recs.map((r) => payloadOf(r).seq)).toEqual([0, 1]);
  });

  it('serializes records with an asynchronous signer (secure element timing)', async () => {
    const slow: Signer = { alg: hmac.alg, kid: hmac.kid, sign: (buf, start, end, done) => setTimeout(() => hmac.sign(buf, start, end, done), 2) };
    const kit = newKit(2, slow);
    kitBoot(kit, FIXTURE_START_MS, 'power-on', null);
    for (let i = 0; i < 5; i++) append(kit, i);
    kitHour(kit, 0, 0);
    expect(kit.svc.inFlight).toBe(true);
    expect(kit.sealed).toEqual([]);
    const err = await new Promise<string | null>((resolve) => whenSettled(kit, resolve));
    expect(err).toBeNull();
    expect(kit.sealed.map((r) => payloadOf(r).seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(verifyRecords(kit.sealed, { keys }).ok).toBe(true);
  });

  it('property: 300 crash/reboot cycles keep seq strictly increasing and the capture verifiable', () => {
    const r = seededRandom(2024);
    let persisted: Uint8Array | null = null;
    const journal: Uint8Array[] = [];
    let hour = 0;
    for (let cycle = 0; cycle < 300; cycle++) {
      const useTail = journal.length > 0 && r() < 0.5;
      const tail = useTail ? recordLink(lastOf(journal), nodeSha256) : null;
      const kit = newKit(1 + Math.floor(r() * 5));
      journal.push(...boot(kit, persisted, tail));
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) {
        // events, and now and then an hour in two parts
        if (r() < 0.2) {
          const from = kit.sealed.length;
          kitHour(kit, hour++, 0);
          journal.push(...kit.sealed.slice(from));
        } else journal.push(...append(kit, cycle * 10 + i));
      }
      expect(kit.svc.queue.length).toBe(0);
      if (kit.saved.length > 0) persisted = lastOf(kit.saved);
    }
    const seqs = journal.map((rec) => payloadOf(rec).seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    const report = verifyRecords(journal, { keys });
    const errs = report.results.flatMap((x) => x.findings.filter((f) => f.severity === 'error').map((f) => x.index + ' ' + x.seq + ' ' + f.code + ' ' + f.message));
    expect(errs.slice(0, 5)).toEqual([]);
    expect(report.reboots).toBe(300);
    // every warning is an explained branch after a reboot without the journal tail
    for (const res of report.results) for (const f of res.findings) if (f.severity !== 'info') expect(f.code).toBe('CHAIN_BRANCH');
    expect(hour).toBeGreaterThan(10);
  });
});
