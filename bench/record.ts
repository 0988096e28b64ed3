// Record path figures in Node: the fixture plant's hourly records (38 quantities, two parts) sealed per second through
// the device's record path (engine output -> period writer -> COSE in place -> chain; HMAC, and software ES256 for
// comparison), records verified per second, and the record sizes. The same seal/verify loops (test/kit/record-bench.ts)
// are what the Espruino-profile sandbox runs.
import { decodeCose } from '../protocol/record/cose';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../host-sim/record/es256-signer';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { createRecordBuildLoop, createRecordVerifyLoop, hourlySealLoop, type RecordBenchLoop } from '../test/kit/record-bench';
import { bootedRecords, expectSealed, kitHour } from '../test/kit/record-kit';

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

function es256Kit() {
  const kit = bootedRecords(nodeSha256, createSoftwareEs256Signer(generateEs256KeyPair().privateKey, new Uint8Array(8)), () => {});
  expectSealed(kit);
  return kit;
}

/** Payload bytes of one fixture hour (both parts). */
function hourPayload(): number {
  const kit = es256Kit();
  kitHour(kit, 0, 0);
  return kit.sealed.slice(1).reduce((n, r) => n + decodeCose(r).payload.length, 0);
}

export function runBench(): Figure[] {
  const hmac = rate(createRecordBuildLoop(nodeSha256), 1000);
  const verify = rate(createRecordVerifyLoop(nodeSha256), 500);
  const es = rate(hourlySealLoop(es256Kit()), 500);
  return [
    { name: 'hourly records sealed, HMAC', value: hmac.perSecond, unit: 'hours/s', note: '38 quantities in two COSE_Mac0 parts: period writer + COSE in place + chain state + chain hash' },
    { name: 'hourly records sealed, ES256 (software)', value: es.perSecond, unit: 'hours/s', note: 'node:crypto P-256; the ATECC608 takes ~160 ms per signature' },
    { name: 'records verified (COSE_Mac0 + strict schema)', value: verify.perSecond, unit: 'records/s', note: 'one part each' },
    { name: 'hourly record, COSE_Mac0', value: Math.round(hmac.bytes / hmac.n), unit: 'B', note: 'both parts' },
    { name: 'hourly record, COSE_Sign1 (ES256)', value: Math.round(es.bytes / es.n), unit: 'B', note: 'both parts' },
    { name: 'hourly record, payload only', value: hourPayload(), unit: 'B', note: 'both parts; deterministic CBOR, integer keys' },
  ];
}
