// Record path figures in Node: 10-quantity hourly records built + signed per second (HMAC through the chain, the
// device's path; software ES256 for comparison), verified per second, and the record sizes. The same build/verify
// loops (protocol/record/bench-loop.ts) are what the Espruino-profile sandbox runs.
import { bootedChain, createRecordBuildLoop, createRecordVerifyLoop, type RecordBenchLoop } from '../protocol/record/bench-loop';
import { encodeRecordPayload } from '../protocol/record/schema';
import { FIXTURE_START_MS, HOUR_MS, fixtureHourlyBody, fixtureHourlyPeriod, fixtureIdentity, fixtureTime } from '../protocol/record/fixtures';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../host-sim/record/es256-signer';
import { nodeSha256 } from '../host-sim/record/node-sha256';

interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** Iterations per second over about `ms` milliseconds (bounded). */
function rate(loop: RecordBenchLoop, ms: number): { perSecond: number; bytes: number; n: number } {
  loop.run(20); // warm-up
  let n = 0;
  let bytes = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms && n < 200000) {
    bytes += loop.run(50);
    n += 50;
  }
  return { perSecond: (n / (performance.now() - t0)) * 1000, bytes, n };
}

function es256Loop(): RecordBenchLoop {
  const keys = generateEs256KeyPair();
  const chain = bootedChain(nodeSha256, createSoftwareEs256Signer(keys.privateKey, new Uint8Array(8)), () => {});
  let hour = 0;
  return {
    unit: 'records',
    iterations: 100,
    run(n) {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        chain.append(fixtureHourlyBody(hour++, 0), (e, r) => {
          if (e) throw e;
          bytes += r!.length;
        });
      }
      return bytes;
    },
  };
}

export function runBench(): Figure[] {
  const hmac = rate(createRecordBuildLoop(nodeSha256), 1000);
  const verify = rate(createRecordVerifyLoop(nodeSha256), 500);
  const es = rate(es256Loop(), 500);
  const identity = fixtureIdentity(nodeSha256);
  const payload = encodeRecordPayload({
    version: 1, seq: 1000, prev: new Uint8Array(32), device: identity.device, site: identity.site, time: fixtureTime(),
    createdMs: FIXTURE_START_MS + HOUR_MS, period: fixtureHourlyPeriod(FIXTURE_START_MS, 0), event: null,
  });
  return [
    { name: '10-quantity hourly records built + HMAC-signed', value: hmac.perSecond, unit: 'records/s', note: 'schema + deterministic CBOR + COSE_Mac0 + chain hash' },
    { name: '10-quantity hourly records built + ES256-signed (software)', value: es.perSecond, unit: 'records/s', note: 'node:crypto P-256; the ATECC608 takes ~160 ms per signature' },
    { name: 'records verified (COSE_Mac0 + strict schema)', value: verify.perSecond, unit: 'records/s' },
    { name: '10-quantity hourly record, COSE_Mac0', value: Math.round(hmac.bytes / hmac.n), unit: 'B' },
    { name: '10-quantity hourly record, COSE_Sign1 (ES256)', value: Math.round(es.bytes / es.n), unit: 'B' },
    { name: '10-quantity hourly record, payload only', value: payload.length, unit: 'B', note: 'deterministic CBOR, integer keys' },
  ];
}
