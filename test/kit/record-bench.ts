// Benchmark loops for the record path, pure so that they run unchanged in Node, in the Espruino-profile sandbox and
// on the device: seal the fixture plant's hourly records (38 quantities, two parts) through the device's record path,
// and verify such records back.
import { asciiBytes } from '../../protocol/bytes';
import { codedError } from '../../protocol/errors';
import type { Sha256 } from '../../protocol/ports';
import { decodeCose, verifyMac0 } from '../../protocol/record/cose';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { FIXTURE_HMAC_KID, fixtureHmacKey } from './record-fixtures';
import { bootedRecords, expectSealed, kitHour, type RecordKit } from './record-kit';

export interface RecordBenchLoop {
  unit: string;
  iterations: number;
  /** Runs n iterations; returns the bytes produced or checked (keeps the work observable). */
  run(n: number): number;
}

function ignore(): void {}

/** A booted kit with the fixture HMAC key (synchronous: its boot record is sealed on return). */
function hmacKit(sha256: Sha256): RecordKit {
  const kit = bootedRecords(sha256, createHmacSigner(sha256, fixtureHmacKey(), asciiBytes(FIXTURE_HMAC_KID)), ignore);
  expectSealed(kit);
  return kit;
}

/** Seals n hourly period records with a booted kit whose signer answers synchronously: engine output -> two parts,
 *  chain state, chain hash. */
export function hourlySealLoop(kit: RecordKit): RecordBenchLoop {
  let hour = 0;
  return {
    unit: 'hourly records',
    iterations: 100,
    run: function (n) {
      const from = kit.sealed.length;
      for (let i = 0; i < n; i++) kitHour(kit, hour++, 0);
      expectSealed(kit);
      let bytes = 0;
      for (let i = from; i < kit.sealed.length; i++) bytes += kit.sealed[i].length;
      // the sealed records are not needed again: keep memory flat over long runs (splice: an array's length is
      // read-only on Espruino, src/jsparse.c jspGetNamedField marks it JSV_CONSTANT)
      kit.sealed.splice(0, kit.sealed.length);
      return bytes;
    },
  };
}

/** The sealing loop with the fixture HMAC key (what the device does with an HMAC key). */
export function createRecordBuildLoop(sha256: Sha256): RecordBenchLoop {
  return hourlySealLoop(hmacKit(sha256));
}

/** Verifies n records (COSE decode, HMAC check, strict schema decode) from a ring of 8 record parts built once. */
export function createRecordVerifyLoop(sha256: Sha256): RecordBenchLoop {
  const kit = hmacKit(sha256);
  for (let h = 0; h < 4; h++) kitHour(kit, h, h);
  expectSealed(kit);
  const ring = kit.sealed.slice(kit.sealed.length - 8);
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
