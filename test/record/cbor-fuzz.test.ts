// Seeded fuzzing of the CBOR decoder: 100,000+ inputs (random bytes, mutations of valid encodings, valid values).
// Properties: only CBOR_* coded errors escape; every error names an offset inside the input; nothing hangs (each
// decode is bounded by the input length); whatever the strict decoder accepts re-encodes to exactly the same bytes.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { decodeCbor, encodeCbor, type CborError } from '../../protocol/record/cbor';
import { seededRandom } from '../../host-sim/prng';
import { randomValue } from './helpers';

interface Tally {
  ok: number;
  errors: { [code: string]: number };
}

function check(bytes: Uint8Array, strict: boolean, t: Tally): void {
  let value;
  try {
    value = decodeCbor(bytes, { strict, maxDepth: 16 });
  } catch (e) {
    const err = e as CborError;
    if (typeof err.code !== 'string' || !err.code.startsWith('CBOR_')) {
      throw new Error('uncoded exception for ' + toHex(bytes) + ': ' + String(e));
    }
    if (!(err.offset >= 0 && err.offset <= bytes.length)) throw new Error('offset ' + err.offset + ' outside input ' + toHex(bytes));
    t.errors[err.code] = (t.errors[err.code] ?? 0) + 1;
    return;
  }
  t.ok++;
  const again = encodeCbor(value, { maxDepth: 16 });
  if (strict) {
    if (toHex(again) !== toHex(bytes)) throw new Error('strict decode of ' + toHex(bytes) + ' re-encodes as ' + toHex(again));
  } else {
    // whatever lax mode accepts has a deterministic form the strict decoder takes back
    expect(toHex(encodeCbor(decodeCbor(again, { maxDepth: 16 }), { maxDepth: 16 }))).toBe(toHex(again));
  }
}

/** Well-formed but non-deterministic items (1.5 as float32/float64, NaN payloads, long heads). */
const NON_CANONICAL = [
  [0xfa, 0x3f, 0xc0, 0x00, 0x00],
  [0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
  [0xfb, 0x41, 0xb0, 0, 0, 0, 0, 0, 0],
  [0xf9, 0x7e, 0x01],
  [0x18, 0x05],
  [0x39, 0x00, 0x10],
  [0x58, 0x01, 0x00],
];

function mutate(r: () => number, src: Uint8Array): Uint8Array {
  const b = Array.from(src);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const op = Math.floor(r() * 7);
    const at = Math.floor(r() * (b.length + 1));
    if (op === 0 && b.length) b[at % b.length] ^= 1 << Math.floor(r() * 8);
    else if (op === 1 && b.length) b[at % b.length] = Math.floor(r() * 256);
    else if (op === 2) b.splice(at, 0, Math.floor(r() * 256));
    else if (op === 3 && b.length) b.splice(at % b.length, 1);
    else if (op === 4) b.length = Math.min(b.length, at);
    else if (op === 5) b.splice(at, 0, [0x1f, 0x5f, 0x9f, 0xbf, 0xff, 0xf8, 0x1b, 0xfb, 0xfa, 0xf9][Math.floor(r() * 10)]);
    else b.splice(at, 1, ...NON_CANONICAL[Math.floor(r() * NON_CANONICAL.length)]);
  }
  return new Uint8Array(b);
}

describe('CBOR decoder fuzz (seeded)', () => {
  it('120,000 cases: coded errors only, canonical round trip, no hang', () => {
    const r = seededRandom(0x5eed1234);
    const strict: Tally = { ok: 0, errors: {} };
    const lax: Tally = { ok: 0, errors: {} };
    const started = Date.now();
    let cases = 0;
    // 1. random bytes, biased towards structural heads
    for (let i = 0; i < 40000; i++) {
      const len = Math.floor(r() * 48);
      const b = new Uint8Array(len);
      for (let j = 0; j < len; j++) b[j] = r() < 0.3 ? [0x18, 0x19, 0x1a, 0x1b, 0x5f, 0x7f, 0x9f, 0xbf, 0xff, 0xa1, 0x82, 0xc1, 0xf9, 0xfa, 0xfb][Math.floor(r() * 15)] : Math.floor(r() * 256);
      check(b, true, strict);
      check(b, false, lax);
      cases++;
    }
    // 2. mutations of valid deterministic encodings
    for (let i = 0; i < 60000; i++) {
      const valid = encodeCbor(randomValue(r, 0));
      const b = mutate(r, valid);
      check(b, true, strict);
      check(b, false, lax);
      cases++;
    }
    const strictAcceptedFuzz = strict.ok;
    // 3. valid values: must decode strictly and round-trip
    for (let i = 0; i < 20000; i++) {
      const valid = encodeCbor(randomValue(r, 0));
      const before = strict.ok;
      check(valid, true, strict);
      expect(strict.ok).toBe(before + 1);
      cases++;
    }
    const elapsed = Date.now() - started;
    expect(cases).toBeGreaterThanOrEqual(100000);
    // every class of rejection was exercised
    for (const code of ['CBOR_TRUNCATED', 'CBOR_TRAILING', 'CBOR_INDEFINITE', 'CBOR_BREAK', 'CBOR_RESERVED_AI', 'CBOR_NON_SHORTEST',
      'CBOR_KEY_ORDER', 'CBOR_DUP_KEY', 'CBOR_KEY_TYPE', 'CBOR_BAD_UTF8', 'CBOR_FLOAT_NOT_SHORTEST', 'CBOR_SIMPLE']) {
      expect(strict.errors[code] ?? 0, code).toBeGreaterThan(0);
    }
    expect(strictAcceptedFuzz).toBeGreaterThan(1000);
    expect(lax.ok).toBeGreaterThan(strictAcceptedFuzz);
    expect(elapsed).toBeLessThan(60000);
  });
});
