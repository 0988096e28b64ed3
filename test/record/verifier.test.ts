// Verifier library: authentic chains pass; tampering, forgery, key confusion, chain breaks, recomputation
// mismatches and coverage holes are reported with their codes; mutated captures never crash it; period reports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CborMap, encodeCbor } from '../../protocol/record/cbor';
import { coseSeal, decodeCose } from '../../protocol/record/cose';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { K_PERIOD, K_QUANTITY, K_RECORD, recordToCbor, decodeRecordPayload, type PeriodData, type QuantityData, type RecordBody, type RecordData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { readCapture, writeCapture } from '../../host-sim/verifier/capture';
import { KeyRing } from '../../host-sim/verifier/keys';
import { buildPeriodReport, periodReportToText, writePeriodReport } from '../../host-sim/verifier/report';
import { verifyRecords, type VerificationReport } from '../../host-sim/verifier/verify';
import { seededRandom } from '../../host-sim/prng';
import { FIXTURE_START_MS, HOUR_MS, fixtureHourlyBody, fixtureIdentity, fixtureTime } from '../kit/record-fixtures';
import { referenceChain } from './reference';

const KEY = new Uint8Array(32).fill(3);
const KID = new Uint8Array(Buffer.from('dev-1/hmac', 'ascii'));
const hmac = createHmacSigner(nodeSha256, KEY, KID);
const es = generateEs256KeyPair();
const ES_KID = new Uint8Array(Buffer.from('dev-1/atecc', 'ascii'));
const esSigner = createSoftwareEs256Signer(es.privateKey, ES_KID);
const keys = new KeyRing().addHmacKey(KID, KEY).addEs256Key(ES_KID, es.publicKey);
const identity = fixtureIdentity(nodeSha256);

const hourBody = (h: number): RecordBody => fixtureHourlyBody(h, h % 3);

function capture(signer: Signer, bodies: RecordBody[]): Uint8Array[] {
  return referenceChain(nodeSha256, signer, identity, fixtureTime(), FIXTURE_START_MS, bodies);
}

/** A record with arbitrary (validly signed) payload content. */
function signPayload(signer: Signer, map: CborMap): Uint8Array {
  let out: Uint8Array | null = null;
  coseSeal(encodeCbor(map), signer, null, (e, m) => {
    if (e) throw e;
    out = m;
  });
  return out!;
}

const payloadOf = (rec: Uint8Array): RecordData => decodeRecordPayload(decodeCose(rec).payload);
const codes = (rep: VerificationReport): string[] => rep.results.flatMap((r) => r.findings.map((f) => r.index + ':' + f.code));

describe('authentic captures', () => {
  it('an HMAC chain and an ES256 chain verify without findings', () => {
    for (const signer of [hmac, esSigner]) {
      const recs = capture(signer, [0, 1, 2, 3].map(hourBody));
      const rep = verifyRecords(recs, { keys, deviceId: identity.device.id });
      expect(codes(rep)).toEqual([]);
      expect(rep).toMatchObject({ ok: true, records: 5, trusted: 5, firstSeq: 0, lastSeq: 4, reboots: 1, periods: { count: 4, fromMs: FIXTURE_START_MS, toMs: FIXTURE_START_MS + 4 * HOUR_MS } });
      expect(rep.results.every((r) => r.authentic && r.schemaOk && r.linked === true)).toBe(true);
    }
  });

  it('a capture that starts mid-chain is accepted with an info note', () => {
    const recs = capture(hmac, [0, 1, 2].map(hourBody)).slice(2);
    const rep = verifyRecords(recs, { keys });
    expect(rep.ok).toBe(true);
    expect(codes(rep)).toEqual(['0:CHAIN_START']);
    expect(rep.results[0].linked).toBeNull();
  });
});

describe('tampering and forgery', () => {
  const recs = capture(hmac, [0, 1, 2, 3].map(hourBody));

  it('a dropped record is an undeclared gap', () => {
    expect(codes(verifyRecords([recs[0], recs[1], recs[3], recs[4]], { keys }))).toEqual(['2:SEQ_GAP_UNDECLARED', '2:PERIOD_GAP_UNDECLARED']);
  });

  it('replayed, reordered and flipped records are caught', () => {
    expect(codes(verifyRecords([...recs, recs[2]], { keys }))).toEqual(['5:SEQ_DUPLICATE', '5:PERIOD_OVERLAP']);
    expect(codes(verifyRecords([recs[0], recs[2], recs[1]], { keys }))).toEqual(['1:SEQ_GAP_UNDECLARED', '2:SEQ_REGRESSION', '2:PERIOD_OVERLAP']);
    const flipped = recs[2].slice();
    flipped[flipped.length - 40] ^= 0x01; // inside the payload
    const rep = verifyRecords([recs[0], recs[1], flipped, recs[3]], { keys });
    expect(codes(rep)[0]).toBe('2:COSE_BAD_MAC');
    expect(codes(rep)).toContain('3:SEQ_GAP_UNDECLARED'); // an untrusted record takes no part in the chain
  });

  it('a record re-signed with a valid key but spliced into another chain position breaks the chain', () => {
    const other = capture(hmac, [5, 6].map(hourBody));
    expect(codes(verifyRecords([recs[0], recs[1], other[2]], { keys }))).toEqual(['2:CHAIN_BROKEN', '2:PERIOD_GAP_UNDECLARED']);
  });

  it('unknown kid, wrong key, key of the other algorithm, missing kid', () => {
    const stranger = createHmacSigner(nodeSha256, KEY, new Uint8Array([1, 2, 3]));
    expect(codes(verifyRecords(capture(stranger, []), { keys }))).toEqual(['0:COSE_KID_UNKNOWN']);
    const forger = createHmacSigner(nodeSha256, new Uint8Array(32).fill(4), KID);
    expect(codes(verifyRecords(capture(forger, []), { keys }))).toEqual(['0:COSE_BAD_MAC']);
    const confused = new KeyRing().addEs256Key(KID, es.publicKey);
    expect(codes(verifyRecords(capture(hmac, []), { keys: confused }))).toEqual(['0:COSE_ALG_MISMATCH']);
    const anonymous = createHmacSigner(nodeSha256, KEY, new Uint8Array(0));
    expect(codes(verifyRecords(capture(anonymous, []), { keys }))).toEqual(['0:COSE_KID_MISSING']);
    const wrongEs = createSoftwareEs256Signer(generateEs256KeyPair().privateKey, ES_KID);
    expect(codes(verifyRecords(capture(wrongEs, []), { keys }))).toEqual(['0:COSE_BAD_SIGNATURE']);
  });

  it('records from another device, oversize records, untagged records', () => {
    const [rec] = referenceChain(nodeSha256, hmac, { ...identity, device: { ...identity.device, id: 'OTHER' } }, fixtureTime(), 1, []);
    expect(codes(verifyRecords([recs[0], rec], { keys }))).toEqual(['1:DEVICE_MISMATCH', '1:CHAIN_RESTART']);
    expect(codes(verifyRecords([new Uint8Array(5000)], { keys }))).toEqual(['0:RECORD_TOO_LARGE']);
    const untagged = recs[0].subarray(1); // drop the d1 tag byte
    expect(codes(verifyRecords([untagged], { keys }))).toEqual(['0:COSE_UNTAGGED']);
    expect(codes(verifyRecords([recs[0].subarray(0, 100)], { keys }))).toEqual(['0:CBOR_TRUNCATED']);
  });
});

describe('recomputation and schema on validly signed records', () => {
  const base = payloadOf(capture(hmac, [hourBody(0)])[1]);
  const edited = (edit: (m: CborMap) => void): string[] => {
    const m = recordToCbor({ ...base, seq: 0, prev: new Uint8Array(32) });
    edit(m);
    return codes(verifyRecords([signPayload(hmac, m)], { keys }));
  };
  const q = (m: CborMap, i: number): CborMap => ((m.get(K_RECORD.PERIOD) as CborMap).get(K_PERIOD.QUANTITIES) as CborMap[])[i];

  it('availability that does not follow from the counts', () => {
    expect(edited((m) => q(m, 1).set(K_QUANTITY.AVAILABILITY, 10000))).toEqual(['0:RECOMPUTE_AVAILABILITY']);
  });
  it('a period length that contradicts the averaging interval', () => {
    expect(edited((m) => (m.get(K_RECORD.PERIOD) as CborMap).set(K_PERIOD.AVERAGING, 1800))).toEqual(['0:RECOMPUTE_PERIOD']);
  });
  it('substitution without the SUBSTITUTED status and the reverse', () => {
    expect(edited((m) => q(m, 0).set(K_QUANTITY.STATUS, 10))).toEqual(['0:STATUS_SUBSTITUTION']);
    expect(edited((m) => q(m, 0).set(K_QUANTITY.SUBSTITUTION, new CborMap().set(0, 'x').set(1, 1)))).toEqual(['0:STATUS_SUBSTITUTION']);
  });
  it('duplicate quantity ids and VALID without valid samples', () => {
    expect(edited((m) => q(m, 1).set(K_QUANTITY.ID, 'so2'))).toEqual(['0:SCHEMA_DUP_QUANTITY']);
    expect(edited((m) => q(m, 0).set(K_QUANTITY.N_VALID, 0).set(K_QUANTITY.AVAILABILITY, 0))).toEqual(['0:STATUS_INCONSISTENT']);
  });
  it('unknown payload keys, even when signed', () => {
    expect(edited((m) => m.set(15, 'extra'))).toEqual(['0:SCHEMA_UNKNOWN_KEY']);
  });
});

describe('coverage', () => {
  it('a missing hour is a warning unless a no-data gap event covers it', () => {
    const holes = capture(hmac, [hourBody(0), hourBody(2)]);
    expect(codes(verifyRecords(holes, { keys }))).toEqual(['2:PERIOD_GAP_UNDECLARED']);
    const gap: RecordBody = {
      time: fixtureTime(), createdMs: FIXTURE_START_MS + 3 * HOUR_MS, period: null,
      event: { kind: 'gap', startMs: FIXTURE_START_MS + HOUR_MS, endMs: FIXTURE_START_MS + 2 * HOUR_MS, actor: 'device', detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: FIXTURE_START_MS + HOUR_MS, toMs: FIXTURE_START_MS + 2 * HOUR_MS } },
    };
    const explained = capture(hmac, [hourBody(0), gap, hourBody(2)]);
    const rep = verifyRecords(explained, { keys });
    expect(codes(rep)).toEqual([]);
    expect(rep.declaredGaps).toHaveLength(1);
  });
});

describe('split periods and supplements', () => {
  const T = (h: number): number => FIXTURE_START_MS + h * HOUR_MS;
  const period = (h: number, over: Partial<PeriodData>): RecordBody => {
    const b = hourBody(h);
    b.period = { ...b.period!, ...over };
    return b;
  };
  /** Hour h in two parts: quantities 0-4 and 5-9. */
  const parts = (h: number, over: Partial<PeriodData> = {}): RecordBody[] => {
    const qs = hourBody(h).period!.quantities;
    return [
      period(h, { quantities: qs.slice(0, 5), part: { index: 0, count: 2 }, ...over }),
      period(h, { quantities: qs.slice(5), part: { index: 1, count: 2 }, ...over }),
    ];
  };
  const substitute = (q: QuantityData, value: number): QuantityData => ({
    ...q, corrected: { ...q.corrected, value }, raw: { ...q.raw, value: null }, nValid: 0, availabilityBp: 0,
    status: 'SUBSTITUTED', substitution: { method: 'EU-MRR-2018/2066:Art45-AnnexVIII-Eq4', code: 'EQ4' }, validityRule: 'EU_MRR:SUBSTITUTE',
  });
  /** A supplement for hour h: dust (INSUFFICIENT_DATA in the fixture) substituted with 5. */
  const supplement = (h: number, edit: (q: QuantityData) => QuantityData = (q) => q): RecordBody => {
    const b = period(h, { supplement: true, quantities: [edit(substitute(hourBody(h).period!.quantities[3], 5))] });
    b.createdMs = T(h + 2) + 500;
    return b;
  };
  const noData = (h: number, reason: 'no-data' | 'journal-overflow'): RecordBody => ({
    time: fixtureTime(), createdMs: T(h + 1) + 900, period: null,
    event: { kind: 'gap', startMs: T(h), endMs: T(h + 1), actor: 'device', detail: { reason, firstSeq: -1, lastSeq: -1, fromMs: T(h), toMs: T(h + 1) } },
  });
  const findings = (rep: VerificationReport): string[] => rep.results.flatMap((r) => r.findings.map((f) => r.index + ':' + f.code + ':' + f.severity));

  it('parts of a period verify with an info note each, and the report merges them into one period', () => {
    const rep = verifyRecords(capture(hmac, [hourBody(0), ...parts(1), hourBody(2)]), { keys });
    expect(findings(rep)).toEqual(['3:PERIOD_PART:info']);
    expect(rep).toMatchObject({ ok: true, warnings: 0, periods: { count: 4 } });
    const p = buildPeriodReport(rep, T(0), T(3));
    expect(p).toMatchObject({ periods: 3, periodRecords: 4, supplements: 0, missingIntervals: [] });
    expect(p.quantities.map((q) => [q.id, q.periods])).toEqual(hourBody(0).period!.quantities.map((q) => [q.id, 3]));
    expect(periodReportToText(p)).toContain('periods: 3 (4 period records, 1 split into parts, 0 supplements)');
  });

  it('a part that repeats a quantity is an overlap; a missing part is a warning unless a gap declares the period', () => {
    const [a, b] = parts(1);
    const repeat = period(1, { quantities: [hourBody(1).period!.quantities[4], ...b.period!.quantities], part: { index: 1, count: 2 } });
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a, repeat]), { keys }))).toEqual(['3:PERIOD_OVERLAP:warning']);
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a, hourBody(2)]), { keys }))).toEqual(['2:PERIOD_PART_MISSING:warning']);
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), b, hourBody(2)]), { keys }))).toEqual(['2:PERIOD_PART:info', '2:PERIOD_PART_MISSING:warning']);
    const declared = verifyRecords(capture(hmac, [hourBody(0), a, noData(1, 'journal-overflow'), hourBody(2)]), { keys });
    expect(findings(declared)).toEqual([]);
  });

  it('a whole period recorded twice, or a second record starting inside a period, stays an overlap', () => {
    const again = period(1, {});
    again.createdMs += 1;
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), hourBody(1), again]), { keys }))).toEqual(['3:PERIOD_OVERLAP:warning']);
    const rep = verifyRecords(capture(hmac, [hourBody(0), hourBody(1), again]), { keys });
    expect(rep.results[3].findings[0].message).toContain('quantities so2, nox, co');
    // parts without a marker (records written before parts were marked) overlap as they always did
    const [a, b] = parts(1);
    delete a.period!.part;
    delete b.period!.part;
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a, b]), { keys }))).toEqual(['3:PERIOD_OVERLAP:warning']);
  });

  it('a supplement for an earlier period is verified and takes the place of its quantity in the report', () => {
    const rep = verifyRecords(capture(hmac, [hourBody(0), hourBody(1), supplement(0), hourBody(2)]), { keys });
    expect(findings(rep)).toEqual(['3:PERIOD_SUPPLEMENT:info']);
    expect(rep.results[3].findings[0].message).toBe('substitutes dust for the period ' + T(0) + '..' + T(1));
    const p = buildPeriodReport(rep, T(0), T(3));
    expect(p).toMatchObject({ periods: 3, periodRecords: 4, supplements: 1 });
    const dust = p.quantities.find((q) => q.id === 'dust')!;
    // hour 0 carries the substitute (status, value), its measured counts stay those of the original record
    expect(dust).toMatchObject({ periods: 3, status: { SUBSTITUTED: 1, INSUFFICIENT_DATA: 2 }, substituted: 1, min: 2.7, max: 5, meanAvailabilityBp: 6500 });
    expect(dust.mean).toBeCloseTo((5 + 2.7 + 2.7) / 3, 12);
  });

  it('a supplement must carry substitutes only, with method and code', () => {
    const measured = supplement(0, (q) => ({ ...q, status: 'INSUFFICIENT_DATA', substitution: null }));
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), measured]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT_CONTENT:error', '2:PERIOD_SUPPLEMENT:info']);
    const noMethod = supplement(0, (q) => ({ ...q, substitution: { method: '', code: 'EQ4' } }));
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), noMethod]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT_CONTENT:error', '2:PERIOD_SUPPLEMENT:info']);
    const empty = period(0, { supplement: true, quantities: [] });
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), empty]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT_CONTENT:error', '2:PERIOD_SUPPLEMENT:info']);
  });

  it('a supplement must refer to a period recorded before it or lying in a declared gap', () => {
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), supplement(5)]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT:info', '2:PERIOD_SUPPLEMENT_UNANCHORED:warning']);
    // hour 1 had no data: its supplement may come before or after the gap event that declares it
    for (const body of [[hourBody(0), supplement(1), noData(1, 'no-data'), hourBody(2)], [hourBody(0), noData(1, 'no-data'), supplement(1), hourBody(2)]]) {
      const rep = verifyRecords(capture(hmac, body), { keys });
      expect(findings(rep).filter((f) => !f.endsWith(':info'))).toEqual([]);
      const p = buildPeriodReport(rep, T(0), T(3));
      expect(p.missingIntervals).toEqual([]);
      expect(p.quantities.find((q) => q.id === 'dust')).toMatchObject({ periods: 3, substituted: 1 });
      expect(p.quantities.find((q) => q.id === 'so2')).toMatchObject({ periods: 2 });
    }
  });

  it('a supplement split into parts is checked like any split record', () => {
    const qs = hourBody(0).period!.quantities.map((q) => substitute(q, 1));
    const a = period(0, { supplement: true, quantities: qs.slice(0, 5), part: { index: 0, count: 2 } });
    const b = period(0, { supplement: true, quantities: qs.slice(5), part: { index: 1, count: 2 } });
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a, b]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT:info', '3:PERIOD_SUPPLEMENT:info']);
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT:info', '2:PERIOD_PART_MISSING:warning']);
    const overlap = period(0, { supplement: true, quantities: qs.slice(4), part: { index: 1, count: 2 } });
    expect(findings(verifyRecords(capture(hmac, [hourBody(0), a, overlap]), { keys }))).toEqual(['2:PERIOD_SUPPLEMENT:info', '3:PERIOD_OVERLAP:warning', '3:PERIOD_SUPPLEMENT:info']);
  });
});

describe('robustness', () => {
  it('5,000 mutated captures: only coded findings, never an exception', () => {
    const recs = capture(hmac, [0, 1].map(hourBody));
    const r = seededRandom(77);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const victim = Math.floor(r() * recs.length);
      const m = recs[victim].slice();
      const n = 1 + Math.floor(r() * 4);
      for (let k = 0; k < n; k++) m[Math.floor(r() * m.length)] ^= 1 + Math.floor(r() * 255);
      if (Buffer.compare(m, recs[victim]) === 0) continue;
      const cap = recs.map((x, j) => (j === victim ? m : x));
      const rep = verifyRecords(cap, { keys });
      for (const res of rep.results) for (const f of res.findings) {
        expect(f.code).toMatch(/^(CBOR|COSE|SCHEMA|SEQ|CHAIN|RECOMPUTE|STATUS|PERIOD|DEVICE|RECORD|TIME|GAP)_[A-Z0-9_]+$/);
        seen.add(f.code);
      }
      expect(rep.ok).toBe(false);
    }
    expect(seen.has('COSE_BAD_MAC')).toBe(true);
    expect([...seen].some((c) => c.startsWith('CBOR_'))).toBe(true);
  });
});

describe('period report', () => {
  const recs = capture(hmac, [0, 1, 2, 4].map(hourBody));

  it('summarizes quantities, holes and events and gives a verdict', () => {
    const p = buildPeriodReport(verifyRecords(recs, { keys }), FIXTURE_START_MS, FIXTURE_START_MS + 5 * HOUR_MS);
    expect(p.verdict).toBe('PASS');
    expect(p).toMatchObject({ periods: 4, periodRecords: 4, splitPeriods: 0, supplements: 0 });
    expect(p.missingIntervals).toEqual([{ fromMs: FIXTURE_START_MS + 3 * HOUR_MS, toMs: FIXTURE_START_MS + 4 * HOUR_MS }]);
    expect(p.quantities).toHaveLength(10);
    const dust = p.quantities.find((x) => x.id === 'dust')!;
    expect(dust).toMatchObject({ periods: 4, status: { INSUFFICIENT_DATA: 4 }, meanAvailabilityBp: 6500, min: 2.7, max: 2.7 });
    expect(p.events).toEqual([{ seq: 0, kind: 'reboot', startMs: FIXTURE_START_MS }]);
    expect(p.findings.map((f) => f.code)).toEqual(['PERIOD_GAP_UNDECLARED']);
    const text = periodReportToText(p);
    expect(text).toContain('verdict:  PASS');
    expect(text).toContain('no period record for 2026-01-01T03:00:00.000Z .. 2026-01-01T04:00:00.000Z');
    expect(text).toContain('co2_mass [t/h]: 4 periods');
  });

  it('fails the verdict on any error and writes JSON and text files', () => {
    const bad = recs.slice();
    bad[2] = bad[2].slice();
    bad[2][bad[2].length - 1] ^= 1;
    const p = buildPeriodReport(verifyRecords(bad, { keys }), FIXTURE_START_MS, FIXTURE_START_MS + 5 * HOUR_MS);
    expect(p.verdict).toBe('FAIL');
    const dir = mkdtempSync(join(tmpdir(), 'records-report-'));
    const files = writePeriodReport(p, dir, 'report-2026-01-01');
    expect(JSON.parse(readFileSync(files.json, 'utf8')).verdict).toBe('FAIL');
    expect(readFileSync(files.text, 'utf8')).toContain('COSE_BAD_MAC');
  });
});

describe('capture files and the command line', () => {
  const recs = capture(hmac, [0, 1].map(hourBody));
  const keyHex = { hmac: { [Buffer.from(KID).toString('hex')]: Buffer.from(KEY).toString('hex') } };

  it('a capture file round-trips records and keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-capture-'));
    writeCapture(join(dir, 'c.json'), recs, keyHex);
    const back = readCapture(join(dir, 'c.json'));
    expect(back.records).toEqual(recs);
    expect(verifyRecords(back.records, { keys: back.keys }).ok).toBe(true);
  });

  it('cli.ts verifies a capture, prints the report and writes it; the exit status is the verdict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-cli-'));
    const tsx = join(__dirname, '../../node_modules/tsx/dist/cli.mjs');
    const cli = join(__dirname, '../../host-sim/verifier/cli.ts');
    writeCapture(join(dir, 'good.json'), recs, keyHex);
    const good = spawnSync(process.execPath, [tsx, cli, join(dir, 'good.json'), '--out', dir, '--name', 'r'], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('verdict:  PASS');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).periodRecords).toBe(2);
    const bad = recs.slice();
    bad[1] = bad[1].slice();
    bad[1][bad[1].length - 1] ^= 1;
    writeCapture(join(dir, 'bad.json'), bad, keyHex);
    const failed = spawnSync(process.execPath, [tsx, cli, join(dir, 'bad.json')], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('COSE_BAD_MAC');
  });
});
