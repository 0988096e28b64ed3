// The golden files as the current code makes them: the fixture plan the kit embeds (test/kit/record-plan.ts), and
// test/golden/records/: the device's records and chain state from the golden builder (test/kit/record-golden.ts) and
// the host's JSON rendition of each COSE_Mac0 record. The golden test compares them with the committed files;
// `npm run golden:update` (scripts/update-golden.ts) writes them.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../protocol/bytes';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { recordToJson } from '../../host-sim/verifier/json';
import { openPlan } from '../../protocol/plan/reader';
import { buildGoldenRecords, goldenHex } from '../kit/record-golden';
import { fixturePlanBytes, fixturePlanSource } from './fixture-plan';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Paths from the repository root. */
export const GOLDEN_FILES = {
  plan: 'test/kit/record-plan.ts',
  mac0: 'test/golden/records/mac0.hex',
  es256: 'test/golden/records/es256-tbs.hex',
  json: 'test/golden/records/json.txt',
  state: 'test/golden/records/state.hex',
};

export function goldenPath(file: string): string {
  return join(ROOT, file);
}

/** One line per record (hex or JSON), newline-terminated. */
function lines(list: string[]): string {
  return list.join('\n') + '\n';
}

/** Path -> content; the records from the plan compiled now (whether or not the kit's copy is current). */
export function goldenFiles(): { [file: string]: string } {
  const g = goldenHex(buildGoldenRecords(nodeSha256, openPlan(fixturePlanBytes(), nodeSha256)));
  const json = g.mac0.map((hex) => {
    const rec = fromHex(hex);
    return recordToJson(decodeRecordPayload(decodeCose(rec, { requireTag: true }).payload), nodeSha256(rec));
  });
  return {
    [GOLDEN_FILES.plan]: fixturePlanSource(fixturePlanBytes()),
    [GOLDEN_FILES.mac0]: lines(g.mac0),
    [GOLDEN_FILES.es256]: lines(g.es256ToBeSigned),
    [GOLDEN_FILES.json]: lines(json),
    [GOLDEN_FILES.state]: g.state + '\n',
  };
}
