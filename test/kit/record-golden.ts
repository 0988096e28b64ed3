// Golden records: fixed inputs (the fixture plan, engine output, events, clock readings, HMAC key) through the
// device's record path (records service, seal module, period and event writers, COSE in place) -> the exact record
// bytes committed in test/golden/records/. Synchronous, so it runs unchanged on Espruino (conformance bundle), in the
// Espruino-profile sandbox and in Node; all three must produce the same bytes.
//
// The ES256 to-be-signed bytes come from a chain whose signer records what it is asked to sign and answers with a
// deterministic 64-byte placeholder (SHA-256(tbs) || SHA-256(SHA-256(tbs))), so that the whole sequence of
// Sig_structures, which depends on the previous records' bytes, is reproducible. It is not an ECDSA signature.
import { asciiBytes, concatBytes, copyBytes, toHex } from '../../protocol/bytes';
import type { Sha256 } from '../../protocol/ports';
import { recordsClockSynced, recordsEvent } from '../../protocol/module/records';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { COSE_ALG_ES256, type Signer } from '../../protocol/record/signer';
import type { Plan } from '../../protocol/plan/reader';
import {
  FIXTURE_HMAC_KID,
  FIXTURE_START_MS,
  HOUR_MS,
  fixtureHmacKey,
  fixtureHourOutput,
  fixtureNoData,
  fixtureSubstitute,
} from './record-fixtures';
import { createRecordKit, expectSealed, fixturePlan, kitBoot, kitHour, kitOutput, outputCount, outputOf, type RecordKit } from './record-kit';

export interface GoldenRecords {
  /** COSE_Mac0 records in chain order (two boots). */
  mac0: Uint8Array[];
  /** The Sig_structure bytes an ES256 signer is asked to sign for the same inputs, in order. */
  es256ToBeSigned: Uint8Array[];
  /** Chain state bytes as last saved. */
  state: Uint8Array;
}

/** Placeholder ES256 signer: remembers what it is asked to sign (see the file comment). */
function recordingSigner(sha256: Sha256, kid: Uint8Array, seen: Uint8Array[]): Signer {
  return {
    alg: COSE_ALG_ES256,
    kid: kid,
    sign: function (buf, start, end, done) {
      const tbs = copyBytes(buf, start, end);
      seen.push(tbs);
      const h = sha256(tbs);
      done(null, concatBytes([h, sha256(h)]));
    },
  };
}

const T0 = FIXTURE_START_MS;

/** Every event kind the device writes from outside the engine: calibration, maintenance, configuration change. */
function technicianEvents(kit: RecordKit, sha256: Sha256): void {
  kit.clock.t = T0 + HOUR_MS + 600000;
  recordsEvent(kit.svc, {
    kind: 'calibration', startMs: T0 + HOUR_MS + 300000, endMs: T0 + HOUR_MS + 600000, actor: 'tech:jdoe',
    detail: {
      analyzerId: 'gm32', check: 'span', quantity: 'so2', reference: 180, measured: 17855 / 100, unit: 'ppm',
      passed: true, functionId: 'QAL2-2025-011', decimals: 2,
    },
  });
  kit.clock.t = T0 + HOUR_MS + 660000;
  recordsEvent(kit.svc, {
    kind: 'maintenance', startMs: T0 + HOUR_MS + 620000, endMs: T0 + HOUR_MS + 660000, actor: '',
    detail: { analyzerId: 'stack', reason: 'filter change' },
  });
  kit.clock.t = T0 + HOUR_MS + 900000;
  recordsEvent(kit.svc, {
    kind: 'config-change', startMs: T0 + HOUR_MS + 900000, endMs: -1, actor: 'tech:jdoe',
    detail: {
      oldHash: sha256(asciiBytes('config v6')),
      newHash: sha256(asciiBytes('config v7')),
      changes: [
        { path: 'emissions.o2RefPct', oldValue: 6, newValue: 7 / 2 },
        { path: 'site.facilityId', oldValue: 'old', newValue: 'DE-TEST-FAC-01' },
        { path: 'emissions.channels[1].mass', oldValue: false, newValue: true },
        { path: 'analyzers[3].serial', oldValue: null, newValue: 'SN-4' },
      ],
    },
  });
}

/**
 * First boot from nothing: reboot; hour 0 (two parts); calibration, maintenance and configuration change; hour 1
 * with Eq. 4 substitutes for co2.dry and co2.mass; a clock step (time-set); hour 3 closing a supplement and a no-data
 * gap for hour 2. Then a reboot from the persisted chain state alone: gap (unpersisted numbers) and reboot.
 */
function runChain(sha256: Sha256, plan: Plan, signer: Signer): { records: Uint8Array[]; state: Uint8Array } {
  const first = createRecordKit(sha256, plan, signer);
  const nOut = outputCount(first);
  const co2Dry = outputOf(plan, 'co2.dry');
  const co2Mass = outputOf(plan, 'co2.mass');
  kitBoot(first, T0 - 60000, 'power-on', null);
  kitHour(first, 0, 0);
  technicianEvents(first, sha256);
  const subs = [fixtureSubstitute(co2Dry, T0 + HOUR_MS, 1675 / 100), fixtureSubstitute(co2Mass, T0 + HOUR_MS, 3259 / 100)];
  kitOutput(first, fixtureHourOutput(nOut, 1, 1, subs, []), T0 + 2 * HOUR_MS + 1500);
  recordsClockSynced(first.svc, T0 + 2 * HOUR_MS + 2000, 'gnss', -2500);
  const late = [fixtureSubstitute(co2Dry, T0 + 2 * HOUR_MS, 1711 / 100)];
  kitOutput(first, fixtureHourOutput(nOut, 3, 0, late, [fixtureNoData(2, 3)]), T0 + 4 * HOUR_MS + 1500);
  expectSealed(first);
  const second = createRecordKit(sha256, plan, signer);
  kitBoot(second, T0 + 5 * HOUR_MS, 'watchdog', first.saved[first.saved.length - 1]);
  expectSealed(second);
  return { records: first.sealed.concat(second.sealed), state: second.saved[second.saved.length - 1] };
}

/** The golden records for `plan` (the fixture plan: fixturePlan()). */
export function buildGoldenRecords(sha256: Sha256, plan: Plan): GoldenRecords {
  const mac = runChain(sha256, plan, createHmacSigner(sha256, fixtureHmacKey(), asciiBytes(FIXTURE_HMAC_KID)));
  const tbs: Uint8Array[] = [];
  runChain(sha256, plan, recordingSigner(sha256, asciiBytes('CEMS-DOM-0001/atecc-slot0'), tbs));
  return { mac0: mac.records, es256ToBeSigned: tbs, state: mac.state };
}

function hexAll(list: Uint8Array[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) out.push(toHex(list[i]));
  return out;
}

export interface GoldenHex {
  mac0: string[];
  es256ToBeSigned: string[];
  state: string;
}

export function goldenHex(g: GoldenRecords): GoldenHex {
  return { mac0: hexAll(g.mac0), es256ToBeSigned: hexAll(g.es256ToBeSigned), state: toHex(g.state) };
}

/** The golden output of the fixture plan as text, for comparing runs across platforms. */
export function goldenRecordsHex(sha256: Sha256): GoldenHex {
  return goldenHex(buildGoldenRecords(sha256, fixturePlan(sha256)));
}
