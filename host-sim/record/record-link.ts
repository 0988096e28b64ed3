// A record's place in the chain read from its bytes: the journal tail a simulated device names when it boots.
// Structure only: no signature check.
import type { Sha256 } from '../../protocol/ports';
import type { ChainLink } from '../../protocol/record/chain-state';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';

export function recordLink(record: Uint8Array, sha256: Sha256): ChainLink {
  const msg = decodeCose(record, { requireTag: true });
  return { seq: decodeRecordPayload(msg.payload).seq, hash: sha256(record) };
}
