// Benchmark loops for the record path, pure so that they run unchanged in Node, in the Espruino-profile sandbox and
// on the device: build + HMAC-sign 10-quantity hourly records through the chain, and verify them back.
import { codedError, type CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { RecordChain } from './chain';
import { decodeCose, verifyMac0 } from './cose';
import {
  FIXTURE_HMAC_KID,
  FIXTURE_START_MS,
  HOUR_MS,
  fixtureHmacKey,
  fixtureHourlyBody,
  fixtureHourlyPeriod,
  fixtureIdentity,
  fixtureTime,
} from './fixtures';
import { createHmacSigner } from './hmac-signer';
import { asciiBytes } from '../bytes';
import { decodeRecordPayload } from './schema';
import type { Signer } from './signer';

export interface RecordBenchLoop {
  unit: string;
  iterations: number;
  /** Runs n iterations; returns the bytes produced or checked (keeps the work observable). */
  run(n: number): number;
}

/**
 * A chain with the fixture identity that persists nothing, booted at FIXTURE_START_MS after a power-on. `done` gets
 * the boot's outcome and the chain (before this returns when the signer answers synchronously).
 */
export function bootedChain(sha256: Sha256, signer: Signer, done: (err: CodedError | null, chain: RecordChain) => void): RecordChain {
  const chain = new RecordChain({ sha256: sha256, signer: signer, identity: fixtureIdentity(sha256), store: { save: function () {} }, reserveBlock: 64 });
  chain.boot({ nowMs: FIXTURE_START_MS, time: fixtureTime(), reason: 'power-on', persisted: null, journalTail: null }, function (err) {
    done(err, chain);
  });
  return chain;
}

function ignoreBoot(): void {}

/** The chain the loops sign with: HMAC with the fixture key, synchronous. */
function fixtureHmacChain(sha256: Sha256): RecordChain {
  return bootedChain(sha256, createHmacSigner(sha256, fixtureHmacKey(), asciiBytes(FIXTURE_HMAC_KID)), ignoreBoot);
}

/** Builds and signs n hourly records (schema encode, deterministic CBOR, COSE_Mac0, chain hash). */
export function createRecordBuildLoop(sha256: Sha256): RecordBenchLoop {
  const chain = fixtureHmacChain(sha256);
  let hour = 0;
  return {
    unit: 'records',
    iterations: 200,
    run: function (n) {
      let bytes = 0;
      let failure: CodedError | null = null;
      for (let i = 0; i < n; i++) {
        chain.append(fixtureHourlyBody(hour, 0), function (err, rec) {
          if (err) failure = err;
          else bytes += (rec as Uint8Array).length;
        });
        hour++;
      }
      if (failure !== null) throw failure;
      return bytes;
    },
  };
}

/** Verifies n records (COSE decode, HMAC check, strict schema decode) from a small ring built once. */
export function createRecordVerifyLoop(sha256: Sha256): RecordBenchLoop {
  const chain = fixtureHmacChain(sha256);
  const ring: Uint8Array[] = [];
  for (let i = 0; i < 8; i++) {
    chain.append({ time: fixtureTime(), createdMs: FIXTURE_START_MS + (i + 1) * HOUR_MS, period: fixtureHourlyPeriod(FIXTURE_START_MS + i * HOUR_MS, i), event: null }, function (err, rec) {
      if (!err) ring.push(rec as Uint8Array);
    });
  }
  if (ring.length !== 8) throw codedError('BENCH_SETUP', 'could not build the records to verify');
  const key = fixtureHmacKey();
  return {
    unit: 'records',
    iterations: 200,
    run: function (n) {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const rec = ring[i % ring.length];
        const msg = decodeCose(rec, { requireTag: true });
        verifyMac0(msg, key, sha256, null);
        bytes += decodeRecordPayload(msg.payload).period !== null ? rec.length : 0;
      }
      return bytes;
    },
  };
}
