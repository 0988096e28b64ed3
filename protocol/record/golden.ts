// Golden records: fixed inputs (identity, clock readings, HMAC key, chain state) -> the exact record bytes committed
// in test/golden/records/. Pure and synchronous, so it runs unchanged on Espruino (conformance bundle), in the
// Espruino-profile sandbox and in Node; all three must produce the same bytes.
//
// The ES256 to-be-signed bytes come from a chain whose signer records what it is asked to sign and answers with a
// deterministic 64-byte placeholder (SHA-256(tbs) || SHA-256(SHA-256(tbs))), so that the whole sequence of
// Sig_structures, which depends on the previous records' bytes, is reproducible. It is not an ECDSA signature.
import { asciiBytes, concatBytes, toHex } from '../bytes';
import type { CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { RecordChain, type ChainStore } from './chain';
import {
  FIXTURE_HMAC_KID,
  FIXTURE_START_MS,
  HOUR_MS,
  fixtureHmacKey,
  fixtureHourlyPeriod,
  fixtureIdentity,
  fixtureTime,
} from './fixtures';
import { createHmacSigner } from './hmac-signer';
import { recordToJson } from './json';
import { decodeCose } from './cose';
import { decodeRecordPayload, type RecordBody } from './schema';
import { COSE_ALG_ES256, type Signer } from './signer';

export interface GoldenRecords {
  /** COSE_Mac0 records in chain order (two boots). */
  mac0: Uint8Array[];
  /** The Sig_structure bytes an ES256 signer is asked to sign for the same inputs, in order. */
  es256ToBeSigned: Uint8Array[];
  /** JSON rendition of each COSE_Mac0 record (with its record hash). */
  json: string[];
  /** Chain state bytes as last saved. */
  state: Uint8Array;
}

function goldenBodies(sha256: Sha256): RecordBody[] {
  const time = fixtureTime();
  const t0 = FIXTURE_START_MS;
  const period2 = fixtureHourlyPeriod(t0 + HOUR_MS, 1);
  const so2 = period2.quantities[0];
  so2.status = 'SUBSTITUTED';
  so2.nValid = 12;
  so2.availabilityBp = 2000;
  so2.substitution = { method: 'EU-MRR-2018/2066:Art45-AnnexVIII-Eq4', code: 'MEAN+2SD' };
  return [
    { time: time, createdMs: t0 + HOUR_MS + 1500, period: fixtureHourlyPeriod(t0, 0), event: null },
    {
      time: time,
      createdMs: t0 + HOUR_MS + 600000,
      period: null,
      event: {
        kind: 'calibration', startMs: t0 + HOUR_MS + 300000, endMs: t0 + HOUR_MS + 600000, actor: 'device',
        detail: {
          analyzerId: 'AN-1', check: 'span', quantity: 'so2', reference: 180, measured: 17855 / 100, unit: 'mg/m3',
          passed: true, functionId: '', decimals: 2,
        },
      },
    },
    {
      time: time,
      createdMs: t0 + HOUR_MS + 900000,
      period: null,
      event: {
        kind: 'config-change', startMs: t0 + HOUR_MS + 900000, endMs: -1, actor: 'tech:jdoe',
        detail: {
          oldHash: sha256(asciiBytes('config v6')),
          newHash: sha256(asciiBytes('config v7')),
          changes: [
            { path: 'channels.o2.refPct', oldValue: 6, newValue: 7 / 2 },
            { path: 'uplink.host', oldValue: 'old.example', newValue: 'cems.example' },
            { path: 'channels.dust.enabled', oldValue: false, newValue: true },
          ],
        },
      },
    },
    { time: time, createdMs: t0 + 2 * HOUR_MS + 1500, period: period2, event: null },
    {
      time: time,
      createdMs: t0 + 4 * HOUR_MS + 1500,
      period: null,
      event: {
        kind: 'gap', startMs: t0 + 2 * HOUR_MS, endMs: t0 + 3 * HOUR_MS, actor: 'device',
        detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: t0 + 2 * HOUR_MS, toMs: t0 + 3 * HOUR_MS },
      },
    },
  ];
}

/** Placeholder ES256 signer: remembers what it is asked to sign (see the file comment). */
function recordingSigner(sha256: Sha256, kid: Uint8Array, seen: Uint8Array[]): Signer {
  return {
    alg: COSE_ALG_ES256,
    kid: kid,
    sign: function (tbs, done) {
      seen.push(tbs);
      const h = sha256(tbs);
      done(null, concatBytes([h, sha256(h)]));
    },
  };
}

interface RunResult {
  records: Uint8Array[];
  state: Uint8Array;
}

/** Boot from nothing, append the bodies, then reboot from the persisted state alone (no journal tail). */
function runChain(sha256: Sha256, signer: Signer): RunResult {
  const identity = fixtureIdentity(sha256);
  const saved: Uint8Array[] = [];
  const store: ChainStore = { save: function (s) { saved.push(s); } };
  const records: Uint8Array[] = [];
  let failure: CodedError | null = null;
  const collect = function (err: CodedError | null, rec: Uint8Array | null): void {
    if (err) failure = err;
    else records.push(rec as Uint8Array);
  };
  const collectMany = function (err: CodedError | null, recs: Uint8Array[]): void {
    if (err) failure = err;
    for (let i = 0; i < recs.length; i++) records.push(recs[i]);
  };
  const first = new RecordChain({ sha256: sha256, signer: signer, identity: identity, store: store, reserveBlock: 4 });
  first.boot({ nowMs: FIXTURE_START_MS - 60000, time: fixtureTime(), reason: 'power-on', persisted: null, journalTail: null }, collectMany);
  const bodies = goldenBodies(sha256);
  for (let i = 0; i < bodies.length; i++) first.append(bodies[i], collect);
  const second = new RecordChain({ sha256: sha256, signer: signer, identity: identity, store: store, reserveBlock: 4 });
  second.boot(
    { nowMs: FIXTURE_START_MS + 5 * HOUR_MS, time: fixtureTime(), reason: 'watchdog', persisted: saved[saved.length - 1], journalTail: null },
    collectMany,
  );
  if (failure !== null) throw failure;
  return { records: records, state: saved[saved.length - 1] };
}

export function buildGoldenRecords(sha256: Sha256): GoldenRecords {
  const kid = asciiBytes(FIXTURE_HMAC_KID);
  const mac = runChain(sha256, createHmacSigner(sha256, fixtureHmacKey(), kid));
  const tbs: Uint8Array[] = [];
  runChain(sha256, recordingSigner(sha256, asciiBytes('CEMS-DOM-0001/atecc-slot0'), tbs));
  const json: string[] = [];
  for (let i = 0; i < mac.records.length; i++) {
    const rec = mac.records[i];
    json.push(recordToJson(decodeRecordPayload(decodeCose(rec, { requireTag: true }).payload), sha256(rec)));
  }
  return { mac0: mac.records, es256ToBeSigned: tbs, json: json, state: mac.state };
}

/** The golden output as text, for comparing runs across platforms. */
export function goldenRecordsHex(sha256: Sha256): { mac0: string[]; es256ToBeSigned: string[]; json: string[]; state: string } {
  const g = buildGoldenRecords(sha256);
  const mac0: string[] = [];
  const es256: string[] = [];
  for (let i = 0; i < g.mac0.length; i++) mac0.push(toHex(g.mac0[i]));
  for (let i = 0; i < g.es256ToBeSigned.length; i++) es256.push(toHex(g.es256ToBeSigned[i]));
  return { mac0: mac0, es256ToBeSigned: es256, json: g.json, state: toHex(g.state) };
}
