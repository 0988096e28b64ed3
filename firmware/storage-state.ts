// What the module keeps in Espruino Storage: the compiled plan (provisioned, or the embedded default installed with
// the firmware), the record chain state (two alternating files: a Storage replace is not atomic, so a write goes to
// the slot that does not hold the newest state) and the emissions-engine snapshot.
import { codedError } from '../protocol/errors';
import type { Sha256 } from '../protocol/ports';
import type { ChainStore } from '../protocol/module/records';
import { decodeChainState, type ChainState } from '../protocol/record/chain-state';
import config from '../espruino.config.js';

const storage = require('Storage');

/** A Storage file as bytes (a view of the memory-mapped file: no RAM copy), or null when absent. */
export function readFile(name: string): Uint8Array | null {
  const text = storage.read(name);
  return text === undefined ? null : new Uint8Array(E.toArrayBuffer(text));
}

/** The plan to run and where it came from: the provisioned one, else the embedded default. */
export function readPlanFile(): { bytes: Uint8Array | null; source: string } {
  const provisioned = readFile(config.storage.plan);
  if (provisioned) return { bytes: provisioned, source: 'provisioned' };
  return { bytes: readFile(config.storage.defaultPlan), source: 'embedded default' };
}

export function readEngineState(): Uint8Array | null {
  return readFile(config.storage.engineState);
}

export function saveEngineState(snapshot: Uint8Array): void {
  if (!storage.write(config.storage.engineState, snapshot)) throw codedError('STORAGE_FULL', 'engine state not saved');
}

function isNewer(a: ChainState, b: ChainState): boolean {
  if (a.lastSeq !== b.lastSeq) return a.lastSeq > b.lastSeq;
  if (a.reservedSeq !== b.reservedSeq) return a.reservedSeq > b.reservedSeq;
  return a.bootCount > b.bootCount;
}

/** Chain state in two alternating Storage files; `persisted` is the newest valid state at boot. */
export interface SlotStore extends ChainStore {
  persisted: Uint8Array | null;
}

export function chainSlots(sha256: Sha256): SlotStore {
  const names = config.storage.chainSlots;
  let newest = -1;
  let best: ChainState | null = null;
  let bytes: Uint8Array | null = null;
  for (let i = 0; i < 2; i++) {
    const b = readFile(names[i]);
    if (!b) continue;
    try {
      const s = decodeChainState(b, sha256);
      if (!best || isNewer(s, best)) {
        best = s;
        newest = i;
        bytes = b;
      }
    } catch (e) {
      // a torn or stale slot: the other one holds the state
    }
  }
  let next = newest === 0 ? 1 : 0;
  return {
    persisted: bytes,
    save: function (state: Uint8Array): void {
      if (!storage.write(names[next], state)) throw codedError('STORAGE_FULL', 'chain state not saved to ' + names[next]);
      next = next === 0 ? 1 : 0;
    },
  };
}
