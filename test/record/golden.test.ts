// Golden records: the device's record path (test/kit/record-golden.ts) must reproduce the committed bytes exactly.
// The same builder runs in the Espruino-profile sandbox and on the device; see test/golden/records/README.md.
// The test only compares: after a deliberate change of the record bytes, `npm run golden:update` rewrites the files.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asciiBytes, fromHex, toHex } from '../../protocol/bytes';
import { decodeCbor } from '../../protocol/record/cbor';
import { decodeChainState } from '../../protocol/record/chain-state';
import { decodeCose } from '../../protocol/record/cose';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { FIXTURE_HMAC_KID, fixtureHmacKey } from '../kit/record-fixtures';
import { GOLDEN_FILES, goldenFiles, goldenPath } from './golden-files';
import { referenceMismatches } from './reference';

const now = goldenFiles();

const committed = (f: string): string => {
  const p = goldenPath(f);
  if (!existsSync(p)) throw new Error(f + ' missing: npm run golden:update');
  return readFileSync(p, 'utf8');
};
/** "line N" of the first line where two texts differ, or null. */
function firstDifference(a: string, b: string): string | null {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return 'line ' + (i + 1);
  return null;
}

const committedLines = (f: string): string[] => committed(f).trimEnd().split('\n');
const mac0 = (): Uint8Array[] => committedLines(GOLDEN_FILES.mac0).map(fromHex);

describe('golden records', () => {
  for (const f of Object.values(GOLDEN_FILES)) {
    it(f + ' is what the current code makes (npm run golden:update after a deliberate change)', () => {
      expect(firstDifference(now[f], committed(f))).toBeNull();
    });
  }

  it('covers two boots: reboot, split hours, every event kind, a substituted hour, a supplement, then gap + reboot', () => {
    const kinds = committedLines(GOLDEN_FILES.json).map((j) => {
      const r = JSON.parse(j);
      if (r.event) return r.seq + ':' + r.event.kind;
      return r.seq + ':' + (r.period.supplement ? 'supplement' : 'part' + r.period.part.index);
    });
    expect(kinds).toEqual([
      '0:reboot', '1:part0', '2:part1', '3:calibration', '4:maintenance', '5:config-change', '6:part0', '7:part1',
      '8:time-set', '9:supplement', '10:gap', '11:part0', '12:part1', '16:gap', '17:reboot',
    ]);
  });

  it('the committed records verify, with the post-reboot branch reported as a warning', () => {
    const keys = new KeyRing().addHmacKey(asciiBytes(FIXTURE_HMAC_KID), fixtureHmacKey());
    const report = verifyRecords(mac0(), { keys });
    expect(report.errors).toBe(0);
    const notes = report.results.flatMap((r) => r.findings.map((f) => r.seq + ':' + f.code));
    expect(notes).toEqual(['2:PERIOD_PART', '7:PERIOD_PART', '9:PERIOD_SUPPLEMENT', '12:PERIOD_PART', '16:CHAIN_BRANCH']);
  });

  it('every record is what the reference encoders write for its decoded content', () => {
    expect(referenceMismatches(mac0())).toEqual([]);
  });

  it('each ES256 to-be-signed is a Sig_structure with protected {1: -7}; the first one carries the same payload as the Mac0 record', () => {
    const tbs = committedLines(GOLDEN_FILES.es256);
    expect(tbs.length).toBe(mac0().length);
    for (const t of tbs) expect(t.startsWith('846a5369676e61747572653143a1012640')).toBe(true);
    const first = decodeCbor(fromHex(tbs[0])) as Uint8Array[];
    expect(toHex(first[3])).toBe(toHex(decodeCose(mac0()[0]).payload));
  });

  it('the chain state is the one saved for the second boot: last seq 11 persisted, reserved through seq 19', () => {
    const state = decodeChainState(fromHex(committedLines(GOLDEN_FILES.state)[0]), nodeSha256);
    expect(state).toMatchObject({ lastSeq: 11, reservedSeq: 19, bootCount: 2 });
  });
});
