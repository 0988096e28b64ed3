// Every COSE_Sign1 / COSE_Mac0 vector in test/vectors/cose (copied from cose-wg/Examples, see its README) against
// our decoder, Sig/MAC_structure builder, HMAC and the host ES256 verifier, including the two documented traps.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes';
import { errorCode } from '../../protocol/errors';
import { decodeCose, encodeCoseMessage, macStructure, sigStructure, toBeSigned, verifyMac0 } from '../../protocol/record/cose';
import { CborTag, decodeCbor, encodeCbor } from '../../protocol/record/cbor';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { coseSeal } from '../../protocol/record/cose';
import { es256KeyPairFromRaw, es256PublicKeyFromRaw, createSoftwareEs256Signer } from '../../host-sim/record/es256-signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { verifySign1 } from '../../host-sim/verifier/es256';
import { signWhole } from './helpers';

const DIR = join(__dirname, '../vectors/cose');

interface Vector {
  file: string;
  title: string;
  fail: boolean;
  kind: 'sign1' | 'mac0';
  cbor: Uint8Array;
  tbs: Uint8Array;
  aad: Uint8Array;
  plaintext: Uint8Array;
  ec?: { x: Uint8Array; y: Uint8Array; d: Uint8Array };
  hmacKey?: Uint8Array;
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function loadVectors(): Vector[] {
  return listJson(DIR).map((file) => {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const input = j.input;
    const kind = input.sign0 ? 'sign1' : 'mac0';
    const v: Vector = {
      file: file.slice(DIR.length + 1),
      title: j.title,
      fail: j.fail === true,
      kind,
      cbor: fromHex(j.output.cbor),
      tbs: fromHex(kind === 'sign1' ? j.intermediates.ToBeSign_hex : j.intermediates.ToMac_hex),
      aad: new Uint8Array(0),
      plaintext: input.plaintext_hex ? fromHex(input.plaintext_hex) : new Uint8Array(Buffer.from(input.plaintext, 'ascii')),
    };
    if (kind === 'sign1') {
      const k = input.sign0.key;
      v.ec = k.x_hex ? { x: fromHex(k.x_hex), y: fromHex(k.y_hex), d: fromHex(k.d_hex) } : { x: b64(k.x), y: b64(k.y), d: b64(k.d) };
      if (input.sign0.external) v.aad = fromHex(input.sign0.external);
    } else {
      v.hmacKey = b64(input.mac0.recipients[0].key.k);
      if (input.mac0.external) v.aad = fromHex(input.mac0.external);
    }
    return v;
  });
}

const vectors = loadVectors();

function verify(v: Vector, bytes: Uint8Array): void {
  const msg = decodeCose(bytes, { expect: v.kind });
  if (v.kind === 'sign1') verifySign1(msg, es256PublicKeyFromRaw(v.ec!.x, v.ec!.y), v.aad);
  else verifyMac0(msg, v.hmacKey!, nodeSha256, v.aad);
}

describe('COSE vectors (cose-wg/Examples)', () => {
  it('loads all 14 copied vectors', () => {
    expect(vectors.length).toBe(14);
    expect(vectors.filter((v) => v.fail).map((v) => v.file)).toEqual([
      'hmac-examples/HMac-enc-04.json',
      'mac0-tests/mac-fail-02.json',
      'sign1-tests/sign-fail-02.json',
    ]);
  });

  for (const v of vectors) {
    if (v.fail) {
      it(v.file + ' is rejected (' + v.title + ')', () => {
        let code = '';
        try {
          verify(v, v.cbor);
        } catch (e) {
          code = errorCode(e);
        }
        expect(code).toBe(v.kind === 'sign1' ? 'COSE_BAD_SIGNATURE' : 'COSE_BAD_MAC');
      });
      continue;
    }
    it(v.file + ': rebuilt to-be-signed bytes equal the vector intermediate', () => {
      const msg = decodeCose(v.cbor, { expect: v.kind });
      expect(toHex(toBeSigned(msg, v.aad))).toBe(toHex(v.tbs));
      expect(bytesEqual(msg.payload, v.plaintext)).toBe(true);
    });
    it(v.file + ': verifies', () => {
      expect(() => verify(v, v.cbor)).not.toThrow();
    });
    if (v.kind === 'mac0') {
      it(v.file + ': HMAC is deterministic, so the message re-encodes byte for byte', () => {
        const msg = decodeCose(v.cbor, { expect: 'mac0' });
        const mac = createHmacSigner(nodeSha256, v.hmacKey!, new Uint8Array(0));
        const tag = signWhole(mac, v.tbs);
        expect(toHex(tag)).toBe(toHex(msg.signature));
        let again = encodeCoseMessage('mac0', msg.protectedRaw, msg.unprotectedMap, msg.payload, tag);
        if (!msg.tagged) again = encodeCbor((decodeCbor(again) as CborTag).value);
        expect(toHex(again)).toBe(toHex(v.cbor));
      });
    } else {
      it(v.file + ': a fresh ES256 signature with the vector key verifies (ECDSA is randomized)', () => {
        const msg = decodeCose(v.cbor, { expect: 'sign1' });
        const keys = es256KeyPairFromRaw(v.ec!.x, v.ec!.y, v.ec!.d);
        const sig = new Uint8Array(nodeSign('sha256', v.tbs, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }));
        expect(sig.length).toBe(64);
        const resigned = encodeCoseMessage('sign1', msg.protectedRaw, msg.unprotectedMap, msg.payload, sig);
        expect(() => verify(v, resigned)).not.toThrow();
      });
    }
  }
});

describe('trap 1: empty protected header sent as 41 A0', () => {
  for (const file of ['sign1-tests/sign-pass-01.json', 'mac0-tests/mac-pass-01.json']) {
    it(file + ' is signed over h\'\', not over the raw 41 A0', () => {
      const v = vectors.find((x) => x.file === file)!;
      const msg = decodeCose(v.cbor, { expect: v.kind });
      expect(toHex(msg.protectedRaw)).toBe('a0');
      expect(msg.protectedForTbs.length).toBe(0);
      const raw =
        v.kind === 'sign1' ? sigStructure(msg.protectedRaw, v.aad, msg.payload) : macStructure(msg.protectedRaw, v.aad, msg.payload);
      expect(toHex(raw)).not.toBe(toHex(v.tbs));
      if (v.kind === 'sign1') {
        const pub = es256PublicKeyFromRaw(v.ec!.x, v.ec!.y);
        expect(nodeVerify('sha256', raw, { key: pub, dsaEncoding: 'ieee-p1363' }, msg.signature)).toBe(false);
      }
      expect(() => verify(v, v.cbor)).not.toThrow();
    });
  }
});

describe('trap 2: sign-fail-02 alters the payload', () => {
  it('its signature verifies over the vector intermediate but not over the Sig_structure rebuilt from the message', () => {
    const v = vectors.find((x) => x.file === 'sign1-tests/sign-fail-02.json')!;
    const msg = decodeCose(v.cbor, { expect: 'sign1' });
    const pub = es256PublicKeyFromRaw(v.ec!.x, v.ec!.y);
    expect(nodeVerify('sha256', v.tbs, { key: pub, dsaEncoding: 'ieee-p1363' }, msg.signature)).toBe(true);
    expect(toHex(toBeSigned(msg, null))).not.toBe(toHex(v.tbs));
    expect(new TextDecoder().decode(msg.payload)).toBe('This is the content/');
    expect(() => verifySign1(msg, pub, null)).toThrow(expect.objectContaining({ code: 'COSE_BAD_SIGNATURE' }));
  });
});

describe('our own COSE output', () => {
  it('emits 40 for an empty protected header and {1: alg} otherwise', () => {
    const v = vectors.find((x) => x.file === 'mac0-tests/mac-pass-02.json')!;
    const msg = decodeCose(v.cbor, { expect: 'mac0' });
    expect(toHex(encodeCoseMessage('mac0', new Uint8Array(0), msg.unprotectedMap, msg.payload, msg.signature)).slice(0, 6)).toBe('d18440');
    const signer = createHmacSigner(nodeSha256, v.hmacKey!, new Uint8Array([0x6b]));
    let out: Uint8Array | null = null;
    coseSeal(msg.payload, signer, null, (_e, m) => (out = m));
    expect(toHex(out!).slice(0, 16)).toBe('d18443a10105a104');
  });

  it('reproduces HMac-enc-01 byte for byte from its inputs (protected {1: 5}, no kid)', () => {
    const v = vectors.find((x) => x.file === 'hmac-examples/HMac-enc-01.json')!;
    const signer = createHmacSigner(nodeSha256, v.hmacKey!, new Uint8Array(0));
    let out: Uint8Array | null = null;
    coseSeal(v.plaintext, signer, null, (_e, m) => (out = m));
    expect(toHex(out!)).toBe(toHex(v.cbor));
  });

  it('reproduces the RFC 8152 C.2.1 Sig_structure and signs it verifiably', () => {
    const v = vectors.find((x) => x.file === 'RFC8152/Appendix_C_2_1.json')!;
    const keys = es256KeyPairFromRaw(v.ec!.x, v.ec!.y, v.ec!.d);
    const signer = createSoftwareEs256Signer(keys.privateKey, new Uint8Array([0x31, 0x31]));
    let tbsSeen: Uint8Array | null = null;
    let out: Uint8Array | null = null;
    coseSeal(v.plaintext, { alg: signer.alg, kid: signer.kid, sign: (b, start, end, d) => ((tbsSeen = b.slice(start, end)), signer.sign(b, start, end, d)) }, null, (_e, m) => (out = m));
    expect(toHex(tbsSeen!)).toBe(toHex(v.tbs));
    const msg = decodeCose(out!, { requireTag: true });
    expect(toHex(msg.kid!)).toBe('3131');
    expect(() => verifySign1(msg, keys.publicKey, null)).not.toThrow();
    // same header layout as the vector: only the (randomized) signature differs
    expect(out!.length).toBe(v.cbor.length);
    expect(toHex(out!).slice(0, -128)).toBe(toHex(v.cbor).slice(0, -128));
  });
});
