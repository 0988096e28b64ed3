// Two alternating chain-state slots survive a torn write of either one.
import { describe, expect, it } from 'vitest';
import { encodeChainState, type ChainState } from '../../protocol/record/chain';
import { nextChainSlot, readChainSlots } from '../../protocol/module/chain-slots';
import { nodeSha256 } from '../../host-sim/record/node-sha256';

const state = (lastSeq: number, reservedSeq: number, bootCount: number): ChainState => ({
  lastSeq,
  reservedSeq,
  bootCount,
  lastHash: new Uint8Array(32).fill(lastSeq & 255),
});

describe('chain state slots', () => {
  const a = encodeChainState(state(10, 16, 2), nodeSha256);
  const b = encodeChainState(state(17, 32, 2), nodeSha256);

  it('picks the newest valid slot and writes the other one next', () => {
    const r = readChainSlots([a, b], nodeSha256);
    expect(r.newest).toBe(1);
    expect(r.state?.lastSeq).toBe(17);
    expect(nextChainSlot(r)).toBe(0);
    expect(nextChainSlot(readChainSlots([b, a], nodeSha256))).toBe(1);
  });

  it('falls back to the other slot when the newest write was torn', () => {
    const torn = b.slice(0, 40);
    const flipped = b.slice();
    flipped[30] ^= 1;
    for (const bad of [torn, flipped]) {
      const r = readChainSlots([a, bad], nodeSha256);
      expect(r.newest).toBe(0);
      expect(r.state?.lastSeq).toBe(10);
      expect(r.corrupt).toBe(1);
      expect(nextChainSlot(r)).toBe(1);
    }
  });

  it('reports nothing when no slot holds a state', () => {
    const r = readChainSlots([null, null], nodeSha256);
    expect(r).toEqual({ newest: -1, bytes: null, state: null, corrupt: 0 });
    expect(nextChainSlot(r)).toBe(0);
  });
});
