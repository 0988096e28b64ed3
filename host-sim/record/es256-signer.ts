// Software ES256 signer (node:crypto P-256) for host-side tests and the simulator when no ATECC608 emulator is used.
// Produces the raw 64-byte r||s (IEEE P1363) signature COSE wants, like the secure element.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { COSE_ALG_ES256, type Signer } from '../../protocol/record/signer';

export interface Es256KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateEs256KeyPair(): Es256KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey };
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** A P-256 key pair from raw coordinates and scalar (32 bytes each), e.g. from test vectors. */
export function es256KeyPairFromRaw(x: Uint8Array, y: Uint8Array, d: Uint8Array): Es256KeyPair {
  const jwk = { kty: 'EC', crv: 'P-256', x: b64url(x), y: b64url(y), d: b64url(d) };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function es256PublicKeyFromRaw(x: Uint8Array, y: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(x), y: b64url(y) }, format: 'jwk' });
}

/** Uncompressed public point 04||x||y (what the ATECC608 GenKey returns without the 04 prefix). */
export function es256PublicKeyRaw(publicKey: KeyObject): { x: Uint8Array; y: Uint8Array } {
  const jwk = publicKey.export({ format: 'jwk' });
  return { x: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')), y: new Uint8Array(Buffer.from(jwk.y as string, 'base64url')) };
}

export function createSoftwareEs256Signer(privateKey: KeyObject, kid: Uint8Array): Signer {
  return {
    alg: COSE_ALG_ES256,
    kid,
    sign(buf, start, end, done) {
      const signature = sign('sha256', buf.subarray(start, end), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      done(null, new Uint8Array(signature));
    },
  };
}
