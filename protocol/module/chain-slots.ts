// Chain state in two alternating slots. Replacing a Storage file is not atomic on Espruino (the old file is deleted
// before the new one is written), so the state is written to the slot that does NOT hold the newest valid state: a
// power cut during a write can only lose that write, never the last good state.
import type { Sha256 } from '../ports';
import { decodeChainState, type ChainState } from '../record/chain';

export interface SlotRead {
  /** Slot index (0 or 1) holding the newest valid state, or -1 when neither is valid. */
  newest: number;
  bytes: Uint8Array | null;
  state: ChainState | null;
  /** Slots whose contents exist but fail the state check (torn or stale writes). */
  corrupt: number;
}

function isNewer(a: ChainState, b: ChainState): boolean {
  if (a.lastSeq !== b.lastSeq) return a.lastSeq > b.lastSeq;
  if (a.reservedSeq !== b.reservedSeq) return a.reservedSeq > b.reservedSeq;
  return a.bootCount > b.bootCount;
}

/** Picks the newest valid state among the slot contents (null = slot empty). */
export function readChainSlots(slots: (Uint8Array | null)[], sha256: Sha256): SlotRead {
  const out: SlotRead = { newest: -1, bytes: null, state: null, corrupt: 0 };
  for (let i = 0; i < slots.length; i++) {
    const bytes = slots[i];
    if (!bytes) continue;
    let state: ChainState | null = null;
    try {
      state = decodeChainState(bytes, sha256);
    } catch (e) {
      out.corrupt++;
    }
    if (state && (!out.state || isNewer(state, out.state))) {
      out.newest = i;
      out.bytes = bytes;
      out.state = state;
    }
  }
  return out;
}

/** The slot the next write goes to: the one not holding the newest state. */
export function nextChainSlot(read: SlotRead): number {
  return read.newest === 0 ? 1 : 0;
}
