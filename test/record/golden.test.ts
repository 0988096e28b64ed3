// Golden records: buildGoldenRecords (protocol/record/golden.ts) must reproduce the committed bytes exactly. The
// same function runs in the Espruino-profile sandbox and on the device; see test/golden/records/README.md.
// Regenerate (only after a deliberate format change): UPDATE_GOLDEN=1 npx vitest run test/record/golden.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { decodeCbor } from '../../protocol/record/cbor';
import { decodeCose } from '../../protocol/record/cose';
import { FIXTURE_HMAC_KID, fixtureHmacKey } from '../../protocol/record/fixtures';
import { goldenRecordsHex } from '../../protocol/record/golden';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords } from '../../host-sim/verifier/verify';

const DIR = join(__dirname, '../golden/records');
const FILES = { mac0: 'mac0.hex', es256: 'es256-tbs.hex', json: 'json.txt', state: 'state.hex' };

const golden = goldenRecordsHex(nodeSha256);
const lines = (a: string[]): string => a.join('\n') + '\n';

if (process.env.UPDATE_GOLDEN === '1') {
  writeFileSync(join(DIR, FILES.mac0), lines(golden.mac0));
  writeFileSync(join(DIR, FILES.es256), lines(golden.es256ToBeSigned));
  writeFileSync(join(DIR, FILES.json), lines(golden.json));
  writeFileSync(join(DIR, FILES.state), golden.state + '\n');
}

const read = (f: string): string[] => {
  const p = join(DIR, f);
  if (!existsSync(p)) throw new Error(p + ' missing: run UPDATE_GOLDEN=1 npx vitest run test/record/golden.test.ts');
  return readFileSync(p, 'utf8').trimEnd().split('\n');
};

describe('golden records', () => {
  it('COSE_Mac0 records are byte-identical to the committed ones', () => {
    expect(golden.mac0).toEqual(read(FILES.mac0));
  });
  it('ES256 to-be-signed bytes are byte-identical to the committed ones', () => {
    expect(golden.es256ToBeSigned).toEqual(read(FILES.es256));
  });
  it('JSON renditions are byte-identical to the committed ones', () => {
    expect(golden.json).toEqual(read(FILES.json));
  });
  it('the final chain state is byte-identical', () => {
    expect(golden.state).toEqual(read(FILES.state)[0]);
  });

  it('covers two boots: reboot, 2 periods, calibration, config change, data gap, then gap + reboot', () => {
    const kinds = golden.json.map((j) => {
      const r = JSON.parse(j);
      return r.seq + ':' + (r.period ? 'period' : r.event.kind);
    });
    expect(kinds).toEqual(['0:reboot', '1:period', '2:calibration', '3:config-change', '4:period', '5:gap', '8:gap', '9:reboot']);
  });

  it('the committed records verify, with the post-reboot branch reported as a warning', () => {
    const keys = new KeyRing().addHmacKey(new Uint8Array(Buffer.from(FIXTURE_HMAC_KID, 'ascii')), fixtureHmacKey());
    const report = verifyRecords(read(FILES.mac0).map((h) => new Uint8Array(Buffer.from(h, 'hex'))), { keys });
    expect(report.errors).toBe(0);
    expect(report.results.flatMap((r) => r.findings.map((f) => r.seq + ':' + f.code))).toEqual(['8:CHAIN_BRANCH']);
  });

  it('each ES256 to-be-signed is a Sig_structure with protected {1: -7}; the first one carries the same payload as the Mac0 record', () => {
    for (const tbs of golden.es256ToBeSigned) expect(tbs.startsWith('846a5369676e61747572653143a1012640')).toBe(true);
    const first = decodeCbor(new Uint8Array(Buffer.from(golden.es256ToBeSigned[0], 'hex'))) as Uint8Array[];
    const macPayload = decodeCose(new Uint8Array(Buffer.from(golden.mac0[0], 'hex'))).payload;
    expect(toHex(first[3])).toBe(toHex(macPayload));
  });
});
