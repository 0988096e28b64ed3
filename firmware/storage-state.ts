// What the module keeps in Espruino Storage between boots: the configuration text, the record chain state (two
// alternating files) and the emissions-engine snapshot.
import type { ChainStore } from '../protocol/record/chain';
import type { Sha256 } from '../protocol/ports';
import { nextChainSlot, readChainSlots, type SlotRead } from '../protocol/module/chain-slots';
import config from '../espruino.config.js';

const storage = require('Storage');

function readBytes(name: string): Uint8Array | null {
  const text = storage.read(name);
  return text === undefined ? null : E.toUint8Array(text);
}

export function readConfigText(): string | null {
  const text = storage.read(config.storage.config);
  return text === undefined ? null : text;
}

export function readHmacKey(name: string): Uint8Array | null {
  return readBytes(name);
}

export function readEngineState(): Uint8Array | null {
  return readBytes(config.storage.engineState);
}

export function saveEngineState(snapshot: Uint8Array): void {
  if (!storage.write(config.storage.engineState, snapshot)) throw new Error('STORAGE_FULL: engine state not saved');
}

/** Chain state in two alternating Storage files; `persisted` is what the pipeline resumes from at boot. */
export class StorageChainStore implements ChainStore {
  readonly boot: SlotRead;
  private next: number;

  constructor(sha256: Sha256) {
    const names = config.storage.chainSlots;
    this.boot = readChainSlots([readBytes(names[0]), readBytes(names[1])], sha256);
    this.next = nextChainSlot(this.boot);
  }

  save(state: Uint8Array): void {
    const name = config.storage.chainSlots[this.next];
    if (!storage.write(name, state)) throw new Error('STORAGE_FULL: chain state not saved to ' + name);
    this.next = this.next === 0 ? 1 : 0;
  }
}
