// Shared test helpers: the code of a thrown error, signing a whole message, and a generator of random values in the
// CBOR data model.
import { errorCode } from '../../protocol/errors';
import { CborFloat, CborMap, CborTag, CborText, type CborValue } from '../../protocol/record/cbor';
import { SIGNER_HEADROOM, type Signer } from '../../protocol/record/signer';

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** The code of the coded error f throws, or 'NO_ERROR' when it returns. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return errorCode(e);
  }
  return 'NO_ERROR';
}

/** `message` placed after the scratch bytes a signer may use (SIGNER_HEADROOM): [buffer, start, end]. */
export function inPlace(message: Uint8Array): [Uint8Array, number, number] {
  const buf = new Uint8Array(SIGNER_HEADROOM + message.length);
  buf.set(message, SIGNER_HEADROOM);
  return [buf, SIGNER_HEADROOM, buf.length];
}

/** The signature of a whole message by a signer that answers synchronously (throws its error). */
export function signWhole(signer: Signer, message: Uint8Array): Uint8Array {
  let out: Uint8Array | null = null;
  const [buf, start, end] = inPlace(message);
  signer.sign(buf, start, end, (err, sig) => {
    if (err) throw err;
    out = sig;
  });
  if (!out) throw new Error('the signer did not answer synchronously');
  return out;
}

export function randomValue(r: () => number, depth: number): CborValue {
  const k = Math.floor(r() * (depth > 3 ? 7 : 10));
  switch (k) {
    case 0:
      return Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 54));
    case 1: {
      const kind = Math.floor(r() * 4);
      if (kind === 0) return new CborFloat(Math.fround((r() - 0.5) * 1e6));
      if (kind === 1) return new CborFloat((r() - 0.5) * 1e12);
      if (kind === 2) return new CborFloat(Math.floor(r() * 2048) / 64);
      return new CborFloat(r() < 0.5 ? Infinity : -Infinity);
    }
    case 2:
      return Array.from({ length: Math.floor(r() * 30) }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join('');
    case 3:
      return new Uint8Array(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)));
    case 4:
      return r() < 0.3 ? null : r() < 0.5;
    case 5:
      return new CborText(utf8('\u00e9\u6c34' + Math.floor(r() * 100)));
    case 6:
      return Math.floor(r() * 300);
    case 7:
      return Array.from({ length: Math.floor(r() * 6) }, () => randomValue(r, depth + 1));
    case 8: {
      const m = new CborMap();
      const n = Math.floor(r() * 6);
      for (let i = 0; i < n; i++) m.set(r() < 0.5 ? Math.floor((r() - 0.3) * 1000) : 'k' + Math.floor(r() * 50), randomValue(r, depth + 1));
      return m;
    }
    default:
      return new CborTag(1000 + Math.floor(r() * 20000), randomValue(r, depth + 1)); // tags cbor-x leaves uninterpreted
  }
}

