// The ES256 sign flow end to end: signer -> driver -> bus -> emulator, verified by node:crypto.
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Atecc608Signer, KID_LENGTH, kidFromPublicKey, openAtecc608Signer } from '../../protocol/atecc608/signer';
import { createPrivateKey, readPublicKey, signDigest } from '../../protocol/atecc608/operations';
import type { CodedError } from '../../protocol/errors';
import { COSE_ALG_ES256, SIGNER_HEADROOM, type Signer } from '../../protocol/record/signer';
import { nodeSha256 as sha256 } from '../../host-sim/record/node-sha256';
import { hex, publicKeyObject, rig, settle } from './rig';

function verifies(publicKey: Uint8Array, tbs: Uint8Array, sig: Uint8Array): boolean {
  return verify('sha256', tbs, { key: publicKeyObject(publicKey), dsaEncoding: 'ieee-p1363' }, sig);
}

/**
 * `tbs` as a signer sees it in the record buffer: SIGNER_HEADROOM scratch bytes before it and other bytes after it,
 * none of which may be signed. Returns the buffer and the range of `tbs` in it.
 */
function inRecordBuffer(tbs: Uint8Array): [Uint8Array, number, number] {
  const buf = new Uint8Array(SIGNER_HEADROOM + tbs.length + 16).fill(0x5c);
  buf.set(tbs, SIGNER_HEADROOM);
  return [buf, SIGNER_HEADROOM, SIGNER_HEADROOM + tbs.length];
}

/** signer.sign over `tbs` placed in a record buffer (inRecordBuffer). */
function signIn(signer: Signer, tbs: Uint8Array, cb: (err: CodedError | null, sig: Uint8Array | null) => void): void {
  const [buf, start, end] = inRecordBuffer(tbs);
  signer.sign(buf, start, end, cb);
}

describe('Atecc608Signer', () => {
  it('signs: SHA-256 on the host, Random -> Nonce -> Sign on the device; the raw r||s verifies with node:crypto', () => {
    const r = rig({ seed: null }); // the chip's own randomness: random keys, random ECDSA nonces
    const pub = settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 0, cb)).value!;
    const signer = new Atecc608Signer(r.dev, sha256, 0, kidFromPublicKey(sha256, pub, KID_LENGTH));
    expect(signer.alg).toBe(COSE_ALG_ES256);
    for (let i = 0; i < 5; i++) {
      const tbs = Uint8Array.from(Buffer.from('["Signature1", h\'a10126\', h\'\', record ' + i + ']'));
      const out = settle<Uint8Array>(r.time, (cb) => signIn(signer, tbs, cb));
      expect(out.err).toBeNull();
      expect(out.value).toHaveLength(64);
      expect(verifies(pub, tbs, out.value!)).toBe(true);
      const tampered = tbs.slice();
      tampered[0] ^= 1;
      expect(verifies(pub, tampered, out.value!)).toBe(false);
    }
    // The nonce loaded into the message digest buffer is the SHA-256 of the to-be-signed bytes.
    const nonceWrite = r.bus.transfers.filter((t) => t.op === 'write' && t.data[2] === 0x16).at(-1)!;
    expect(hex(nonceWrite.data.subarray(6, 38))).toBe(createHash('sha256').update(Buffer.from('["Signature1", h\'a10126\', h\'\', record 4]')).digest('hex'));
  });

  it('reproduces the RFC 6979 A.2.5 P-256/SHA-256 "sample" signature through the whole I2C stack', () => {
    const d = Uint8Array.from(Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex'));
    const r = rig({ privateKeys: { 0: d } }); // deterministic mode: RFC 6979 nonces
    const pub = settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 0, cb)).value!;
    expect(hex(pub)).toBe(
      '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
        '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
    );
    const signer = new Atecc608Signer(r.dev, sha256, 0, new Uint8Array(0));
    const sig = settle<Uint8Array>(r.time, (cb) => signIn(signer, Uint8Array.from(Buffer.from('sample')), cb)).value!;
    expect(hex(sig)).toBe(
      'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716' +
        'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    );
  });

  it('kid = SHA-256 of the SubjectPublicKeyInfo BIT STRING value (04||X||Y), first 8 bytes', () => {
    const r = rig();
    const out = settle<Atecc608Signer>(r.time, (cb) => openAtecc608Signer(r.dev, sha256, 0, (err, s) => cb(err, s)));
    const pub = r.chip.publicKey(0)!;
    const spki = publicKeyObject(pub).export({ format: 'der', type: 'spki' });
    const bitStringValue = spki.subarray(spki.length - 65); // P-256 SPKI ends with the 65-byte uncompressed point
    expect(bitStringValue[0]).toBe(0x04);
    expect(hex(out.value!.kid)).toBe(createHash('sha256').update(bitStringValue).digest('hex').slice(0, 16));
    expect(() => kidFromPublicKey(sha256, pub.subarray(1), 8)).toThrow(expect.objectContaining({ code: 'ATECC_BAD_ARG' }));
    expect(() => kidFromPublicKey(sha256, pub, 33)).toThrow(expect.objectContaining({ code: 'ATECC_BAD_ARG' }));
  });

  it('passes device errors to the Signer callback as coded errors', () => {
    const r = rig();
    r.chip.faults.forcedStatus = 0x05;
    r.chip.faults.forcedStatusCount = 3;
    const signer = new Atecc608Signer(r.dev, sha256, 0, new Uint8Array(8));
    const out = settle<Uint8Array>(r.time, (cb) => signIn(signer, new Uint8Array(10), cb));
    expect(out.err?.code).toBe('ATECC_ECC_FAULT');
    expect(out.value).toBeNull();
  });

  it('the emulator key is a real P-256 key: a node:crypto key imported as slot 0 gives the same public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = privateKey.export({ format: 'jwk' });
    const r = rig({ privateKeys: { 0: Uint8Array.from(Buffer.from(jwk.d!, 'base64url')) } });
    const pub = settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 0, cb)).value!;
    expect(hex(pub)).toBe(Buffer.from(jwk.x!, 'base64url').toString('hex') + Buffer.from(jwk.y!, 'base64url').toString('hex'));
    const digest = sha256(Uint8Array.from([1, 2, 3]));
    const sig = settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, digest, cb)).value!;
    expect(verify('sha256', Uint8Array.from([1, 2, 3]), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
  });
});

describe('provisioning with GenKey mode 0x04', () => {
  it('creates a new key in a key slot; signatures then verify under the new public key', () => {
    const r = rig();
    const before = settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 2, cb));
    expect(before.err?.code).toBe('ATECC_EXECUTION_ERROR'); // no key in slot 2 yet
    const created = settle<Uint8Array>(r.time, (cb) => createPrivateKey(r.dev, 2, cb));
    expect(created.err).toBeNull();
    expect(hex(r.bus.transfers.filter((t) => t.op === 'write' && t.data[2] === 0x40).at(-1)!.data.subarray(0, 6))).toBe('030740040200');
    expect(hex(settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 2, cb)).value)).toBe(hex(created.value));
    const tbs = Uint8Array.from([9, 9, 9]);
    const sig = settle<Uint8Array>(r.time, (cb) => signIn(new Atecc608Signer(r.dev, sha256, 2, new Uint8Array(8)), tbs, cb)).value!;
    expect(verifies(created.value!, tbs, sig)).toBe(true);
  });

  it('refuses to replace the permanent slot-0 key once the data zone is locked, allows it before', () => {
    const locked = rig();
    expect(settle<Uint8Array>(locked.time, (cb) => createPrivateKey(locked.dev, 0, cb)).err?.code).toBe('ATECC_EXECUTION_ERROR');
    const blank = rig({ dataLocked: false });
    const old = blank.chip.publicKey(0)!;
    const created = settle<Uint8Array>(blank.time, (cb) => createPrivateKey(blank.dev, 0, cb)).value!;
    expect(hex(created)).not.toBe(hex(old));
    expect(hex(blank.chip.publicKey(0))).toBe(hex(created));
  });
});
