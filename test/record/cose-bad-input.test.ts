// COSE bad input: wrong tags, malformed structures, header rules (crit, duplicates, types), algorithm confusion,
// altered protected headers and signatures, misbehaving signers. Every rejection has a precise code.
import { describe, expect, it } from 'vitest';
import { CborMap, CborTag, encodeCbor, type CborValue } from '../../protocol/record/cbor';
import { coseSeal, decodeCose, verifyMac0, type CoseDecodeOptions } from '../../protocol/record/cose';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import type { Signer } from '../../protocol/record/signer';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { verifySign1 } from '../../host-sim/verifier/es256';
import { codeOf, signWhole } from './helpers';

const KEY = new Uint8Array(32).fill(0x42);
const payload = new Uint8Array([1, 2, 3]);
const m = (...kv: [number | string, CborValue][]): CborMap => {
  const x = new CborMap();
  for (const [k, v] of kv) x.set(k, v);
  return x;
};
const prot = (map: CborMap): Uint8Array => encodeCbor(map);

function seal(signer: Signer, data = payload): Uint8Array {
  let out: Uint8Array | null = null;
  let err = '';
  coseSeal(data, signer, null, (e, msg) => {
    if (e) err = e.code;
    out = msg;
  });
  if (err) throw new Error(err);
  return out!;
}

/** A Mac0 with arbitrary parts, correctly MACed over whatever protected bytes it carries. */
function mac0(protectedBytes: Uint8Array, unprotected: CborMap, tag = 17): Uint8Array {
  const tbs = encodeCbor(['MAC0', protectedBytes.length === 2 && protectedBytes[0] === 0xa0 ? new Uint8Array(0) : protectedBytes, new Uint8Array(0), payload]);
  const mac = signWhole(createHmacSigner(nodeSha256, KEY, new Uint8Array(0)), tbs);
  return encodeCbor(new CborTag(tag, [protectedBytes, unprotected, payload, mac]));
}

const decode = (b: Uint8Array, o?: CoseDecodeOptions) => decodeCose(b, o);

describe('COSE structure', () => {
  const good = mac0(prot(m([1, 5])), m([4, new Uint8Array([1])]));

  it('accepts a well-formed Mac0 and verifies it', () => {
    expect(codeOf(() => verifyMac0(decode(good), KEY, nodeSha256, null))).toBe('NO_ERROR');
  });

  it('wrong tags: 998 (sign-fail-01 style), 992 (mac-fail-01 style), Mac0 where Sign1 is expected', () => {
    const body = [prot(m([1, 5])), new CborMap(), payload, new Uint8Array(32)];
    expect(codeOf(() => decode(encodeCbor(new CborTag(998, body))))).toBe('COSE_WRONG_TAG');
    expect(codeOf(() => decode(encodeCbor(new CborTag(992, body))))).toBe('COSE_WRONG_TAG');
    expect(codeOf(() => decode(good, { expect: 'sign1' }))).toBe('COSE_WRONG_TAG');
    expect(codeOf(() => decode(encodeCbor(new CborTag(61, new CborTag(17, body)))))).toBe('COSE_WRONG_TAG');
  });

  it('untagged messages need the caller to name the kind, and are refused where tags are required', () => {
    const untagged = encodeCbor([prot(m([1, 5])), new CborMap(), payload, new Uint8Array(32)]);
    expect(codeOf(() => decode(untagged))).toBe('COSE_UNTAGGED');
    expect(codeOf(() => decode(untagged, { expect: 'mac0', requireTag: true }))).toBe('COSE_UNTAGGED');
    expect(decode(untagged, { expect: 'mac0' }).tagged).toBe(false);
  });

  it('malformed bodies', () => {
    const p = prot(m([1, 5]));
    const t = (v: CborValue) => encodeCbor(new CborTag(17, v));
    expect(codeOf(() => decode(t([p, new CborMap(), payload])))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t(m([1, 2]))))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t([m([1, 5]), new CborMap(), payload, new Uint8Array(32)])))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t([p, [], payload, new Uint8Array(32)])))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t([p, new CborMap(), null, new Uint8Array(32)])))).toBe('COSE_DETACHED');
    expect(codeOf(() => decode(t([p, new CborMap(), 'text', new Uint8Array(32)])))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t([p, new CborMap(), payload, 'sig'])))).toBe('COSE_STRUCTURE');
    expect(codeOf(() => decode(t([encodeCbor([1]), new CborMap(), payload, new Uint8Array(32)])))).toBe('COSE_HEADER');
    expect(codeOf(() => decode(t([new Uint8Array([0xa1, 0x01]), new CborMap(), payload, new Uint8Array(32)])))).toBe('CBOR_TRUNCATED');
  });

  it('truncated and garbled messages fail with CBOR codes', () => {
    expect(codeOf(() => decode(good.subarray(0, good.length - 1)))).toBe('CBOR_TRUNCATED');
    expect(codeOf(() => decode(new Uint8Array([...good, 0])))).toBe('CBOR_TRAILING');
    const garbled = good.slice();
    garbled[1] = 0x9f; // indefinite array
    expect(codeOf(() => decode(garbled))).toBe('CBOR_INDEFINITE');
  });
});

describe('COSE headers', () => {
  it('alg must be present, once, of the right type and family', () => {
    expect(codeOf(() => decode(mac0(new Uint8Array(0), new CborMap())))).toBe('COSE_ALG_MISSING');
    expect(codeOf(() => decode(mac0(prot(m([1, 5])), m([1, 5]))))).toBe('COSE_HEADER_DUP');
    expect(codeOf(() => decode(mac0(prot(m([1, new Uint8Array(1)])), new CborMap())))).toBe('COSE_HEADER');
    expect(codeOf(() => decode(mac0(prot(m([1, -7])), new CborMap())))).toBe('COSE_ALG_MISMATCH');
    // alg -999 (sign-fail-03 style) and 'unknown' (-04 style) decode, but no verifier accepts them
    expect(codeOf(() => verifyMac0(decode(mac0(prot(m([1, -999])), new CborMap())), KEY, nodeSha256, null))).toBe('COSE_ALG_UNSUPPORTED');
    expect(codeOf(() => verifyMac0(decode(mac0(prot(m([1, 'unknown'])), new CborMap())), KEY, nodeSha256, null))).toBe('COSE_ALG_UNSUPPORTED');
    expect(codeOf(() => verifyMac0(decode(mac0(new Uint8Array(0), m([1, 4]))), KEY, nodeSha256, null))).toBe('COSE_ALG_UNSUPPORTED');
  });

  it('kid and content type have fixed types', () => {
    expect(codeOf(() => decode(mac0(prot(m([1, 5])), m([4, 'kid']))))).toBe('COSE_HEADER');
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [3, []])), new CborMap())))).toBe('COSE_HEADER');
    expect(decode(mac0(prot(m([1, 5], [3, 0])), new CborMap())).alg).toBe(5);
  });

  it('crit: only in the protected bucket, non-empty, naming present labels we understand', () => {
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [2, [99]], [99, 1])), new CborMap())))).toBe('COSE_CRIT_UNKNOWN');
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [2, ['x']], ['x', 1])), new CborMap())))).toBe('COSE_CRIT_UNKNOWN');
    expect(codeOf(() => decode(mac0(prot(m([1, 5])), m([2, [1]]))))).toBe('COSE_CRIT_INVALID');
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [2, []])), new CborMap())))).toBe('COSE_CRIT_INVALID');
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [2, [4]])), new CborMap())))).toBe('COSE_CRIT_INVALID');
    expect(codeOf(() => decode(mac0(prot(m([1, 5], [2, 1])), new CborMap())))).toBe('COSE_CRIT_INVALID');
    const ok = decode(mac0(prot(m([1, 5], [2, [4]], [4, new Uint8Array([7])])), new CborMap()));
    expect(ok.kid).toEqual(new Uint8Array([7]));
    expect(codeOf(() => verifyMac0(ok, KEY, nodeSha256, null))).toBe('NO_ERROR');
  });
});

describe('signatures and MACs', () => {
  const es = generateEs256KeyPair();
  const esSigner = createSoftwareEs256Signer(es.privateKey, new Uint8Array([0x31, 0x31]));
  const hmacSigner = createHmacSigner(nodeSha256, KEY, new Uint8Array([0x32]));

  /** Rebuilds a message with one part replaced. */
  function replace(bytes: Uint8Array, index: number, value: CborValue): Uint8Array {
    const msg = decode(bytes);
    const parts: CborValue[] = [msg.protectedRaw, msg.unprotectedMap, msg.payload, msg.signature];
    parts[index] = value;
    return encodeCbor(new CborTag(msg.kind === 'sign1' ? 18 : 17, parts));
  }

  it('our Sign1 and Mac0 verify; any altered part is rejected', () => {
    const s = seal(esSigner);
    const h = seal(hmacSigner);
    expect(codeOf(() => verifySign1(decode(s), es.publicKey, null))).toBe('NO_ERROR');
    expect(codeOf(() => verifyMac0(decode(h), KEY, nodeSha256, null))).toBe('NO_ERROR');
    // payload altered (sign-fail-02 style)
    expect(codeOf(() => verifySign1(decode(replace(s, 2, new Uint8Array([1, 2, 4]))), es.publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    expect(codeOf(() => verifyMac0(decode(replace(h, 2, new Uint8Array([1, 2, 4]))), KEY, nodeSha256, null))).toBe('COSE_BAD_MAC');
    // extra protected attribute (-06 style), protected attribute removed (-07 style, alg moved to unprotected)
    expect(codeOf(() => verifySign1(decode(replace(s, 0, prot(m([1, -7], [3, 0])))), es.publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    const moved = encodeCbor(new CborTag(18, [new Uint8Array(0), m([1, -7], [4, new Uint8Array([0x31, 0x31])]), payload, decode(s).signature]));
    expect(codeOf(() => verifySign1(decode(moved), es.publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    // signature/tag altered or of the wrong length
    const sig = decode(s).signature.slice();
    sig[63] ^= 1;
    expect(codeOf(() => verifySign1(decode(replace(s, 3, sig)), es.publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    expect(codeOf(() => verifySign1(decode(replace(s, 3, sig.subarray(0, 63))), es.publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    expect(codeOf(() => verifyMac0(decode(replace(h, 3, decode(h).signature.subarray(0, 8))), KEY, nodeSha256, null))).toBe('COSE_BAD_MAC');
    // wrong key, external AAD mismatch
    expect(codeOf(() => verifySign1(decode(s), generateEs256KeyPair().publicKey, null))).toBe('COSE_BAD_SIGNATURE');
    expect(codeOf(() => verifyMac0(decode(h), new Uint8Array(32), nodeSha256, null))).toBe('COSE_BAD_MAC');
    expect(codeOf(() => verifyMac0(decode(h), KEY, nodeSha256, new Uint8Array([1])))).toBe('COSE_BAD_MAC');
    // kind confusion
    expect(codeOf(() => verifyMac0(decode(s), KEY, nodeSha256, null))).toBe('COSE_WRONG_KIND');
    expect(codeOf(() => verifySign1(decode(h), es.publicKey, null))).toBe('COSE_WRONG_KIND');
  });

  it('misbehaving signers are reported, not wrapped into messages', () => {
    const failing: Signer = { alg: 5, kid: new Uint8Array(0), sign: (_b, _s, _e, done) => done(Object.assign(new Error('SE_TIMEOUT: no answer'), { code: 'SE_TIMEOUT' }), null) };
    let got = '';
    coseSeal(payload, failing, null, (e) => (got = e!.code));
    expect(got).toBe('SE_TIMEOUT');
    coseSeal(payload, { alg: -7, kid: new Uint8Array(0), sign: (_b, _s, _e, done) => done(null, new Uint8Array(70)) }, null, (e) => (got = e!.code));
    expect(got).toBe('COSE_SIGNER_OUTPUT');
    coseSeal(payload, { alg: -35, kid: new Uint8Array(0), sign: (_b, _s, _e, done) => done(null, new Uint8Array(96)) }, null, (e) => (got = e!.code));
    expect(got).toBe('COSE_ALG_UNSUPPORTED');
  });
});
