// Interop: records produced by our code are verified by an independent implementation, a Python script using
// Debian's python3-cbor2 and python3-cryptography (ES256 over the Sig_structure, HMAC over the MAC_structure,
// canonical CBOR payloads, hash chain). Never skipped: a missing peer fails with install instructions.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import { RecordChain, type ChainStore } from '../../protocol/record/chain';
import { FIXTURE_HMAC_KID, FIXTURE_START_MS, HOUR_MS, fixtureHmacKey, fixtureHourlyBody, fixtureIdentity, fixtureTime } from '../../protocol/record/fixtures';
import { goldenRecordsHex } from '../../protocol/record/golden';
import type { RecordBody } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { createSoftwareEs256Signer, es256PublicKeyRaw, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import type { CaptureKeys } from '../../host-sim/verifier/capture';
import { runPythonVerifier as runPython } from './records/python-verifier';

const hmacKeys = (keyHex: string): CaptureKeys => ({ hmac: { [toHex(Buffer.from(FIXTURE_HMAC_KID, 'ascii'))]: keyHex } });

const hourBody = (h: number): RecordBody => fixtureHourlyBody(h, h % 2);

/** Boot, four hourly records, then a reboot from the persisted state alone (gap + reboot events). */
function chainCapture(signer: Signer): Uint8Array[] {
  const saved: Uint8Array[] = [];
  const store: ChainStore = { save: (s) => void saved.push(s) };
  const out: Uint8Array[] = [];
  const push = (e: unknown, r: Uint8Array[] | Uint8Array | null): void => {
    if (e) throw e;
    if (Array.isArray(r)) out.push(...r);
    else out.push(r!);
  };
  const identity = fixtureIdentity(nodeSha256);
  const a = new RecordChain({ sha256: nodeSha256, signer, identity, store, reserveBlock: 8 });
  a.boot({ nowMs: FIXTURE_START_MS, time: fixtureTime(), reason: 'power-on', persisted: null, journalTail: null }, push);
  for (let h = 0; h < 4; h++) a.append(hourBody(h), push);
  const b = new RecordChain({ sha256: nodeSha256, signer, identity, store, reserveBlock: 8 });
  b.boot({ nowMs: FIXTURE_START_MS + 5 * HOUR_MS, time: fixtureTime(), reason: 'watchdog', persisted: saved[saved.length - 1], journalTail: null }, push);
  return out;
}

describe('records verified by Python cbor2 + cryptography', () => {
  it('ES256 (COSE_Sign1) chain: every signature, canonical payload and chain link verifies', () => {
    const keys = generateEs256KeyPair();
    const kid = new Uint8Array(Buffer.from('CEMS-DOM-0001/atecc-slot0', 'ascii'));
    const recs = chainCapture(createSoftwareEs256Signer(keys.privateKey, kid));
    const { x, y } = es256PublicKeyRaw(keys.publicKey);
    const py = runPython(recs, { es256: { [toHex(kid)]: { x: toHex(x), y: toHex(y) } } });
    expect(py.status).toBe(0);
    expect(py.records.map((r) => [r.seq, r.kind, r.alg, r.auth, r.canonical, r.chain])).toEqual([
      [0, 'sign1', -7, true, true, 'genesis'],
      [1, 'sign1', -7, true, true, 'ok'],
      [2, 'sign1', -7, true, true, 'ok'],
      [3, 'sign1', -7, true, true, 'ok'],
      [4, 'sign1', -7, true, true, 'ok'],
      [8, 'sign1', -7, true, true, 'gap-declared'],
      [9, 'sign1', -7, true, true, 'ok'],
    ]);
    expect(py.summary).toEqual({ records: 7, auth_ok: 7, canonical_ok: 7, chain_ok: true, ok: true });
  });

  it('the golden HMAC (COSE_Mac0) records verify', () => {
    const golden = goldenRecordsHex(nodeSha256).mac0.map(fromHex);
    const py = runPython(golden, hmacKeys(toHex(fixtureHmacKey())));
    expect(py.status).toBe(0);
    expect(py.records.map((r) => r.seq + ':' + r.kind + ':' + r.chain)).toEqual([
      '0:mac0:genesis', '1:mac0:ok', '2:mac0:ok', '3:mac0:ok', '4:mac0:ok', '5:mac0:ok', '8:mac0:gap-declared', '9:mac0:ok',
    ]);
    expect(py.summary).toMatchObject({ records: 8, auth_ok: 8, canonical_ok: 8, ok: true });
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
