// The chain state in two alternating Storage files (firmware/storage-state.ts) survives a torn write of either one:
// the firmware's own code, bundled and run in the Espruino-profile sandbox against its simulated Storage.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import { encodeChainState, type ChainState } from '../../protocol/record/chain-state';
import { bundleSource } from '../../scripts/build';
import { espruinoConfig } from '../../scripts/espruino-config';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { nodeSha256 } from '../../host-sim/record/node-sha256';

const ENTRY = `
import { chainSlots } from './firmware/storage-state';
import { fromHex, toHex } from './protocol/bytes';
const crypto = require('crypto');
const sha256 = function (d) { return new Uint8Array(crypto.SHA256(d)); };
let store = null;
(globalThis as any).SLOTS = {
  open: function () { store = chainSlots(sha256); return store.persisted ? toHex(store.persisted) : ''; },
  save: function (hex) { store.save(fromHex(hex)); },
};
`;

const [SLOT0, SLOT1] = espruinoConfig.storage.chainSlots;

const state = (lastSeq: number, reservedSeq: number, bootCount: number): ChainState => ({
  lastSeq,
  reservedSeq,
  bootCount,
  lastHash: new Uint8Array(32).fill(lastSeq & 255),
});

let code = '';
const machines: EspruinoMachine[] = [];

beforeAll(async () => {
  code = await bundleSource(ENTRY, 'chain-slots-entry');
});

afterEach(() => {
  while (machines.length > 0) machines.pop()!.shutdown();
});

/** A device whose Storage holds `slots` (null: no file), booted with the firmware's slot code. */
function device(slots: (Uint8Array | null)[]): EspruinoMachine {
  const m = new EspruinoMachine({});
  machines.push(m);
  slots.forEach((bytes, i) => {
    if (bytes) m.storage.write(i === 0 ? SLOT0 : SLOT1, bytes);
  });
  m.boot(code, 'chain-slots-entry.js');
  return m;
}

const open = (m: EspruinoMachine): string => m.evaluate('SLOTS.open()') as string;
const save = (m: EspruinoMachine, bytes: Uint8Array): void => void m.evaluate('SLOTS.save(' + JSON.stringify(toHex(bytes)) + ')');
const slot = (m: EspruinoMachine, name: string): string => toHex(m.storage.hostRead(name) ?? new Uint8Array(0));

describe('chain state slots', () => {
  const a = encodeChainState(state(10, 16, 2), nodeSha256);
  const b = encodeChainState(state(17, 32, 2), nodeSha256);
  const c = encodeChainState(state(18, 48, 2), nodeSha256);

  it('picks the newest valid slot and writes the other one next, then alternates', () => {
    const m = device([a, b]);
    expect(open(m)).toBe(toHex(b));
    save(m, c);
    expect(slot(m, SLOT0)).toBe(toHex(c));
    expect(slot(m, SLOT1)).toBe(toHex(b));
    save(m, a);
    expect(slot(m, SLOT1)).toBe(toHex(a));
    const swapped = device([b, a]);
    expect(open(swapped)).toBe(toHex(b));
    save(swapped, c);
    expect(slot(swapped, SLOT1)).toBe(toHex(c));
    expect(slot(swapped, SLOT0)).toBe(toHex(b));
  });

  it('falls back to the other slot when the newest write was torn', () => {
    const torn = b.slice(0, 40);
    const flipped = b.slice();
    flipped[30] ^= 1;
    for (const bad of [torn, flipped]) {
      const m = device([a, bad]);
      expect(open(m)).toBe(toHex(a));
      save(m, c);
      expect(slot(m, SLOT1)).toBe(toHex(c));
      expect(slot(m, SLOT0)).toBe(toHex(a));
    }
  });

  it('reports nothing when no slot holds a state, and writes the first slot first', () => {
    const m = device([null, null]);
    expect(open(m)).toBe('');
    save(m, a);
    expect(fromHex(slot(m, SLOT0))).toEqual(a);
    expect(m.storage.hostRead(SLOT1)).toBeUndefined();
  });
});
