// Engine snapshots: the emissions engine's state as deterministic CBOR, bound to the emissions configuration it
// belongs to, so the averaging state (open period, MRR year, Part 75 lookback) survives a reboot.
import { codedError } from '../errors';
import type { CemsState } from '../cems/engine';
import { CborMap, decodeCbor, encodeCbor } from '../record/cbor';
import { cborToPlain, plainToCbor } from './plain-cbor';

export const ENGINE_SNAPSHOT_VERSION = 1;
/** Upper bound for a decoded engine snapshot (Part 75 lookbacks are ~4 KB per substituted output). */
const MAX_SNAPSHOT_BYTES = 262144;

/** Deterministic CBOR {"v": 1, "cfg": SHA-256 of the emissions config, "state": CemsState as plain data}. */
export function encodeEngineSnapshot(state: CemsState, emissionsHash: Uint8Array): Uint8Array {
  return encodeCbor(new CborMap().set('v', ENGINE_SNAPSHOT_VERSION).set('cfg', emissionsHash).set('state', plainToCbor(state)));
}

/** The engine state of a snapshot; throws ENGINE_SNAPSHOT_* when it is corrupt or belongs to another configuration. */
export function decodeEngineSnapshot(bytes: Uint8Array, emissionsHash: Uint8Array): CemsState {
  const m = decodeCbor(bytes, { strict: true, maxBytes: MAX_SNAPSHOT_BYTES });
  if (!(m instanceof CborMap) || m.get('v') !== ENGINE_SNAPSHOT_VERSION) throw codedError('ENGINE_SNAPSHOT_VERSION', 'not an engine snapshot of version ' + ENGINE_SNAPSHOT_VERSION);
  const h = m.get('cfg');
  if (!(h instanceof Uint8Array) || h.length !== emissionsHash.length) throw codedError('ENGINE_SNAPSHOT_CORRUPT', 'no configuration hash');
  for (let i = 0; i < h.length; i++) if (h[i] !== emissionsHash[i]) throw codedError('ENGINE_SNAPSHOT_CONFIG', 'snapshot belongs to another emissions configuration');
  const state = cborToPlain(m.get('state'));
  if (!state || typeof state !== 'object') throw codedError('ENGINE_SNAPSHOT_CORRUPT', 'no state');
  return state as CemsState;
}
