// Engine snapshot packing: zero words left out, everything else kept bit for bit (including -0 and NaN payloads), any
// length up to Espruino's largest ArrayBuffer; damaged input refused with ENGINE_SNAPSHOT_CORRUPT.
import { describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_BYTES, packZeros, unpackZeros } from '../../protocol/cems/snapshot';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Mostly zero bytes, with scattered non-zero words and single bytes, like an engine state after a period close. */
function sparse(rnd: () => number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  const dv = new DataView(b.buffer);
  for (let i = 0; i + 8 <= length; i += 8) {
    const r = rnd();
    if (r < 0.05) dv.setFloat64(i, -0);
    else if (r < 0.1) dv.setFloat64(i, NaN);
    else if (r < 0.3) dv.setFloat64(i, rnd() * 1000);
  }
  if (length > 0 && rnd() < 0.5) b[length - 1] = 1 + Math.floor(rnd() * 255);
  return b;
}

/** `b` padded to whole 8-byte words, as the engine hands its state over, then packed. */
function pack(b: Uint8Array): Uint8Array {
  const words = new Uint8Array((b.length + 7) & ~7);
  words.set(b);
  return packZeros(words, b.length);
}

describe('engine snapshot packing', () => {
  it('round-trips sparse and dense buffers of every length bit for bit', () => {
    const rnd = prng(42);
    for (let n = 0; n < 400; n++) {
      const b = n % 5 === 0 ? new Uint8Array(n).map(() => Math.floor(rnd() * 256)) : sparse(rnd, n * 7);
      expect(Buffer.from(unpackZeros(pack(b))).equals(Buffer.from(b)), 'length ' + b.length).toBe(true);
    }
  });

  it('keeps -0 (a zero word only when all its bits are zero)', () => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setFloat64(8, -0);
    const back = new DataView(unpackZeros(pack(b)).buffer);
    expect(Object.is(back.getFloat64(8), -0)).toBe(true);
  });

  it('holds states up to 65,528 bytes (whole words within the largest Espruino ArrayBuffer) and refuses larger ones', () => {
    const b = new Uint8Array(MAX_SNAPSHOT_BYTES).fill(1);
    b.fill(0, 1000, 60000);
    expect(Buffer.from(unpackZeros(pack(b))).equals(Buffer.from(b))).toBe(true);
    expect(() => pack(new Uint8Array(MAX_SNAPSHOT_BYTES + 1))).toThrow(expect.objectContaining({ code: 'ENGINE_SNAPSHOT_SIZE' }));
    // the state is handed over in whole words, padding included
    expect(() => packZeros(new Uint8Array(13), 13)).toThrow(expect.objectContaining({ code: 'ENGINE_SNAPSHOT_SIZE' }));
  });

  it('packs a mostly-zero state to a fraction of its size', () => {
    const b = sparse(prng(7), 13000).map((x, i) => (i < 11000 ? 0 : x));
    expect(pack(b).length).toBeLessThan(2600);
  });

  it('refuses truncated and inconsistent input with ENGINE_SNAPSHOT_CORRUPT, never a wrong state', () => {
    const packed = pack(sparse(prng(3), 4000));
    const code = (p: Uint8Array): string => {
      try {
        unpackZeros(p);
        return 'accepted';
      } catch (e) {
        return (e as { code?: string }).code ?? 'EXCEPTION';
      }
    };
    expect(code(packed.subarray(0, 3))).toBe('ENGINE_SNAPSHOT_CORRUPT');
    for (let cut = 4; cut < packed.length; cut += 97) expect(code(packed.subarray(0, cut)), 'cut at ' + cut).toBe('ENGINE_SNAPSHOT_CORRUPT');
    const longer = packed.slice();
    longer[3]++; // the recorded length no longer matches the runs
    expect(code(longer)).toBe('ENGINE_SNAPSHOT_CORRUPT');
    const rnd = prng(9);
    for (let i = 0; i < 20000; i++) {
      const junk = new Uint8Array(Math.floor(rnd() * 64)).map(() => Math.floor(rnd() * 256));
      expect(['accepted', 'ENGINE_SNAPSHOT_CORRUPT']).toContain(code(junk));
    }
  });
});
