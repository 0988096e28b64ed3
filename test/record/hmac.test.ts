// HMAC-SHA256 over the Sha256 port: RFC 4231 vectors, node:crypto cross-check, and the COSE_Mac0 signer.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { errorCode } from '../../protocol/errors';
import { createHmacSha256, hmacSha256 } from '../../protocol/record/hmac';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { COSE_ALG_HMAC_256_256 } from '../../protocol/record/signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { seededRandom } from '../../host-sim/prng';
import { inPlace, signWhole } from './helpers';

const fill = (b: number, n: number): Uint8Array => new Uint8Array(n).fill(b);
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'ascii'));

describe('HMAC-SHA256 (RFC 4231)', () => {
  const cases: [string, Uint8Array, Uint8Array, string][] = [
    ['TC1', fill(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['TC2', ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['TC3', fill(0xaa, 20), fill(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['TC6 (key longer than a block)', fill(0xaa, 131), ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
  ];
  for (const [name, key, data, mac] of cases) {
    it(name, () => expect(toHex(hmacSha256(nodeSha256, key, data))).toBe(mac));
  }

  it('equals node:crypto createHmac for 500 random keys and messages', () => {
    const r = seededRandom(99);
    for (let i = 0; i < 500; i++) {
      const key = new Uint8Array(Math.floor(r() * 150)).map(() => Math.floor(r() * 256));
      const msg = new Uint8Array(Math.floor(r() * 400)).map(() => Math.floor(r() * 256));
      const keyed = createHmacSha256(nodeSha256, key);
      const [buf, start, end] = inPlace(msg);
      const mac = toHex(keyed(buf, start, end));
      expect(mac).toBe(createHmac('sha256', key).update(msg).digest('hex'));
      expect(toHex(keyed(buf, start, end))).toBe(mac); // the keyed function keeps no state between calls
      expect(toHex(buf.subarray(start))).toBe(toHex(msg)); // only the scratch bytes in front are written
    }
  });
});

describe('HMAC signer', () => {
  it('is HMAC 256/256 with the given kid and answers synchronously', () => {
    const key = fill(7, 32);
    const signer = createHmacSigner(nodeSha256, key, ascii('k1'));
    expect(signer.alg).toBe(COSE_ALG_HMAC_256_256);
    expect(toHex(signer.kid)).toBe('6b31');
    expect(toHex(signWhole(signer, ascii('abc')))).toBe(createHmac('sha256', key).update('abc').digest('hex'));
  });

  it('refuses keys shorter than 32 bytes', () => {
    let code = '';
    try {
      createHmacSigner(nodeSha256, fill(1, 31), ascii('k'));
    } catch (e) {
      code = errorCode(e);
    }
    expect(code).toBe('HMAC_KEY_SHORT');
  });
});
