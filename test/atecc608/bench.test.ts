// The sandbox path the ATECC608 record benchmark measures (bench/run.ts): dist/conformance.js signs 10-quantity hourly
// records through the firmware's EspruinoI2cBus, the driver, Atecc608Signer and RecordChain, against the emulator on
// I2C1. The records must verify with the emulator's public key, checked here with cbor-x and node:crypto only, so the
// bench cannot silently time a broken path.
import { createHash, verify } from 'node:crypto';
import { Tag, decode as cborxDecode } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceBundle } from '../../host-sim/espruino/bundle';
import { Atecc608Emulator } from '../../host-sim/atecc608/emulator';
import { SandboxAtecc, verifyAteccRecord, type SandboxSignRun } from '../../bench/atecc608';
import { publicKeyObject, SEED } from './rig';

/** CBOR byte string head + bytes (major type 2), written here rather than taken from protocol/record/cbor.ts. */
function bstr(b: Uint8Array): Buffer {
  const n = b.length;
  const head = n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from(head), b]);
}

/** RFC 9052 §4.4 Sig_structure ["Signature1", protected, external_aad = h'', payload]. */
function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x84, 0x6a]), Buffer.from('Signature1'), bstr(protectedBytes), Buffer.from([0x40]), bstr(payload)]);
}

interface Sign1 {
  protectedBytes: Uint8Array;
  kid: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
}

function decodeSign1(record: Uint8Array): Sign1 {
  const top = cborxDecode(record) as Tag;
  expect(top).toBeInstanceOf(Tag);
  expect(top.tag).toBe(18);
  const [protectedBytes, unprotected, payload, signature] = top.value as [Uint8Array, { [k: string]: Uint8Array }, Uint8Array, Uint8Array];
  return { protectedBytes, kid: unprotected[4], payload, signature };
}

function verifiesWith(record: Uint8Array, publicKey: Uint8Array): boolean {
  const m = decodeSign1(record);
  return verify('sha256', sigStructure(m.protectedBytes, m.payload), { key: publicKeyObject(publicKey), dsaEncoding: 'ieee-p1363' }, m.signature);
}

let sandbox: SandboxAtecc;
let run: SandboxSignRun;

beforeAll(() => {
  sandbox = new SandboxAtecc(conformanceBundle().code, SEED);
  run = sandbox.sign(2);
});

afterAll(() => sandbox.shutdown());

describe('CONFORMANCE.atecc in the Espruino-profile sandbox', () => {
  it('signs the records on the emulated chip: one signature per record plus the boot record', () => {
    expect(sandbox.machine.uncaught).toEqual([]);
    expect(run.records).toBe(2);
    expect(sandbox.chip.stats.signatures).toBe(3);
    expect(run.bytes).toBeGreaterThan(2 * 1900);
    // Public key read (GenKey 115 ms) and three Random + Nonce + Sign sessions (158 ms each) in simulated time.
    expect(run.simulatedMs).toBeGreaterThanOrEqual(115 + 3 * 158);
    expect(run.simulatedMs).toBeLessThan(2 * (115 + 3 * 158));
  });

  it('produces a COSE_Sign1 ES256 record whose signature verifies with the emulator public key', () => {
    const pub = sandbox.publicKey();
    const m = decodeSign1(run.last);
    expect(Buffer.from(m.protectedBytes).toString('hex')).toBe('a10126'); // {1: -7}
    const kid = createHash('sha256').update(Buffer.concat([Buffer.of(4), pub])).digest().subarray(0, 8);
    expect(Buffer.from(m.kid).toString('hex')).toBe(kid.toString('hex'));
    expect(run.kid).toBe(kid.toString('hex'));
    expect(m.signature.length).toBe(64);
    expect(verifiesWith(run.last, pub)).toBe(true);
    const record = verifyAteccRecord(run.last, pub);
    expect(record.seq).toBe(2);
    expect(record.period!.quantities.length).toBe(10);
  });

  it('rejects a flipped signature bit, a flipped payload bit and another chip key', () => {
    const pub = sandbox.publicKey();
    const sigFlipped = run.last.slice();
    sigFlipped[sigFlipped.length - 1] ^= 0x01;
    expect(verifiesWith(sigFlipped, pub)).toBe(false);
    expect(() => verifyAteccRecord(sigFlipped, pub)).toThrow(expect.objectContaining({ code: 'COSE_BAD_SIGNATURE' }));
    const payloadFlipped = run.last.slice();
    payloadFlipped[200] ^= 0x01;
    expect(verifiesWith(payloadFlipped, pub)).toBe(false);
    const other = new Atecc608Emulator({ clock: { nowUs: () => 0 }, seed: Buffer.from('another chip') }).publicKey(0)!;
    expect(verifiesWith(run.last, other)).toBe(false);
    expect(() => verifyAteccRecord(run.last, other)).toThrow(expect.objectContaining({ code: 'COSE_KID_UNKNOWN' }));
  });

  it('continues the same chain on the next call', () => {
    const next = sandbox.sign(1);
    const record = verifyAteccRecord(next.last, sandbox.publicKey());
    expect(record.seq).toBe(3);
    expect(Buffer.from(record.prev).toString('hex')).toBe(createHash('sha256').update(run.last).digest('hex'));
  });
});
