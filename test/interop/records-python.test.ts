// Interop: records produced by our code are verified by an independent implementation, a Python script using
// Debian's python3-cbor2 and python3-cryptography (ES256 over the Sig_structure, HMAC over the MAC_structure,
// canonical CBOR payloads, hash chain). Never skipped: a missing peer fails with install instructions.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import type { Signer } from '../../protocol/record/signer';
import { createSoftwareEs256Signer, es256PublicKeyRaw, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import type { CaptureKeys } from '../../host-sim/verifier/capture';
import { FIXTURE_HMAC_KID, FIXTURE_START_MS, HOUR_MS, fixtureHmacKey } from '../kit/record-fixtures';
import { goldenRecordsHex } from '../kit/record-golden';
import { createRecordKit, fixturePlan, kitBoot, kitHour } from '../kit/record-kit';
import { runPythonVerifier as runPython } from './records/python-verifier';

const hmacKeys = (keyHex: string): CaptureKeys => ({ hmac: { [toHex(Buffer.from(FIXTURE_HMAC_KID, 'ascii'))]: keyHex } });

/** Boot, four hours (two parts each), then a reboot from the persisted chain state alone (gap + reboot events). */
function chainCapture(signer: Signer): Uint8Array[] {
  const plan = fixturePlan(nodeSha256);
  const a = createRecordKit(nodeSha256, plan, signer);
  kitBoot(a, FIXTURE_START_MS, 'power-on', null);
  for (let h = 0; h < 4; h++) kitHour(a, h, h % 2);
  const b = createRecordKit(nodeSha256, plan, signer);
  kitBoot(b, FIXTURE_START_MS + 5 * HOUR_MS, 'watchdog', a.saved[a.saved.length - 1]);
  return a.sealed.concat(b.sealed);
}

describe('records verified by Python cbor2 + cryptography', () => {
  it('ES256 (COSE_Sign1) chain: every signature, canonical payload and chain link verifies', () => {
    const keys = generateEs256KeyPair();
    const kid = new Uint8Array(Buffer.from('CEMS-DOM-0001/atecc-slot0', 'ascii'));
    const recs = chainCapture(createSoftwareEs256Signer(keys.privateKey, kid));
    const { x, y } = es256PublicKeyRaw(keys.publicKey);
    const py = runPython(recs, { es256: { [toHex(kid)]: { x: toHex(x), y: toHex(y) } } });
    expect(py.status).toBe(0);
    // seq 1-8: the four hours in two parts each; the state persisted before seq 8 reserved 8-11
    const seqs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13];
    expect(py.records.map((r) => [r.seq, r.kind, r.alg, r.auth, r.canonical, r.chain])).toEqual(
      seqs.map((seq) => [seq, 'sign1', -7, true, true, seq === 0 ? 'genesis' : seq === 12 ? 'gap-declared' : 'ok']),
    );
    expect(py.summary).toEqual({ records: 11, auth_ok: 11, canonical_ok: 11, chain_ok: true, ok: true });
  });

  it('the golden HMAC (COSE_Mac0) records verify', () => {
    const golden = goldenRecordsHex(nodeSha256).mac0.map(fromHex);
    const py = runPython(golden, hmacKeys(toHex(fixtureHmacKey())));
    expect(py.status).toBe(0);
    const seqs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 17];
    expect(py.records.map((r) => r.seq + ':' + r.kind + ':' + r.chain)).toEqual(
      seqs.map((seq) => seq + ':mac0:' + (seq === 0 ? 'genesis' : seq === 16 ? 'gap-declared' : 'ok')),
    );
    expect(py.summary).toMatchObject({ records: 15, auth_ok: 15, canonical_ok: 15, ok: true });
  });

  it('detects a tampered record, a wrong key and a dropped record', () => {
    const golden = goldenRecordsHex(nodeSha256).mac0.map(fromHex);
    const tampered = golden.slice();
    tampered[2] = tampered[2].slice();
    tampered[2][tampered[2].length - 50] ^= 1;
    const t = runPython(tampered, hmacKeys(toHex(fixtureHmacKey())));
    expect(t.status).toBe(1);
    expect(t.records[2].auth).toBe(false);
    const wrong = runPython(golden, hmacKeys('00'.repeat(32)));
    expect(wrong.summary).toMatchObject({ auth_ok: 0, ok: false });
    const dropped = runPython([golden[0], golden[2]], hmacKeys(toHex(fixtureHmacKey())));
    expect(dropped.records.map((r) => r.chain)).toEqual(['genesis', 'broken']);
    expect(dropped.status).toBe(1);
  });
});
