// The sandbox path the ATECC608 record benchmark measures (bench/run.ts): dist/conformance.js seals the fixture
// plant's hourly records (38 quantities in two parts) through the records service, signed by the firmware's
// secure-element signer (cems.se: EspruinoI2cBus, the driver) against the emulator on I2C1. What each call must give
// comes from the same record kit run in Node with a synchronous HMAC signer; the records must verify with the
// emulator's public key, checked here with cbor-x and node:crypto only, so the bench cannot silently time a broken path.
import { createHash, verify } from 'node:crypto';
import { Tag, decode as cborxDecode } from 'cbor-x';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceBundle } from '../../host-sim/espruino/bundle';
import { Atecc608Emulator } from '../../host-sim/atecc608/emulator';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { SandboxAtecc, verifyAteccRecord, type SandboxSignRun } from '../../bench/atecc608';
import { asciiBytes } from '../../protocol/bytes';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { decodeRecordPayload, type RecordData } from '../../protocol/record/schema';
import { FIXTURE_HMAC_KID, fixtureHmacKey } from '../kit/record-fixtures';
import { bootedRecords, sealHours } from '../kit/record-kit';
import { publicKeyObject, SEED } from './rig';

/** The kit in Node with the fixture HMAC key: records sealed at boot, and the record parts of each of `hours` hours. */
function kitInNode(hours: number): { boot: number; hours: Uint8Array[][] } {
  const signer = createHmacSigner(nodeSha256, fixtureHmacKey(), asciiBytes(FIXTURE_HMAC_KID));
  let boot = -1;
  const perHour: Uint8Array[][] = [];
  bootedRecords(nodeSha256, signer, (err, kit) => {
    expect(err).toBeNull();
    boot = kit.sealed.length;
    for (let h = 0; h < hours; h++) {
      sealHours(kit, 1, (e, records) => {
        expect(e).toBeNull();
        perHour.push(records);
      });
    }
  });
  expect(perHour.length).toBe(hours); // a synchronous signer seals everything before returning
  return { boot, hours: perHour };
}

/** The payload of a tagged COSE_Sign1 or COSE_Mac0 (third element of either, RFC 9052 §4.2 and §6.2). */
function payloadOf(record: Uint8Array): Uint8Array {
  const top = cborxDecode(record) as Tag;
  expect([17, 18]).toContain(top.tag);
  return (top.value as Uint8Array[])[2];
}

/** A record's payload as data, without the link to its predecessor (which depends on the signatures before it). */
function unlinked(record: Uint8Array): Omit<RecordData, 'prev'> {
  const { prev: _prev, ...rest } = decodeRecordPayload(payloadOf(record));
  return rest;
}

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
const node = kitInNode(3);

beforeAll(() => {
  sandbox = new SandboxAtecc(conformanceBundle().code, SEED);
  run = sandbox.sign(2);
});

afterAll(() => sandbox.shutdown());

describe('the record kit the expectations come from', () => {
  it('seals one boot record, then each hour in two parts that carry the 38 quantities of the fixture plan', () => {
    expect(node.boot).toBe(1);
    for (const parts of node.hours) {
      expect(parts.length).toBe(2);
      const data = parts.map((r) => decodeRecordPayload(payloadOf(r)));
      expect(data.map((d) => d.period!.quantities.length).reduce((a, b) => a + b, 0)).toBe(38);
    }
  });
});

describe('CONFORMANCE.atecc in the Espruino-profile sandbox', () => {
  it('signs every record on the emulated chip: the boot record and two parts per hour', () => {
    expect(sandbox.machine.uncaught).toEqual([]);
    const parts = node.hours[0].length + node.hours[1].length;
    expect(run.records).toBe(parts);
    expect(sandbox.chip.stats.signatures).toBe(node.boot + parts);
    // Same payloads as the kit's COSE_Mac0 records; a COSE_Sign1 carries a 64-byte signature instead of a 32-byte tag
    // and the 8-byte kid instead of the HMAC kid (both bstr heads stay one or two bytes).
    const mac0Bytes = node.hours[0].concat(node.hours[1]).reduce((n, r) => n + r.length, 0);
    expect(run.bytes).toBe(mac0Bytes + parts * (64 - 32 + 8 - FIXTURE_HMAC_KID.length));
    // Public key read (GenKey 115 ms) and one Random + Nonce + Sign session (158 ms) per signature, in simulated time.
    const signatures = node.boot + parts;
    expect(run.simulatedMs).toBeGreaterThanOrEqual(115 + signatures * 158);
    expect(run.simulatedMs).toBeLessThan(2 * (115 + signatures * 158));
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
    expect(record.seq).toBe(node.boot + node.hours[0].length + node.hours[1].length - 1);
  });

  it('seals the same record content as the kit does in Node (all but the link to the signed predecessor)', () => {
    expect(unlinked(run.last)).toEqual(unlinked(node.hours[1][node.hours[1].length - 1]));
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

  it('continues the same chain on the next call: the following hour, linked to the last record, no boot record', () => {
    const i2c = sandbox.machine.i2c.I2C1;
    i2c.log.splice(0);
    i2c.logEnabled = true;
    const before = sandbox.chip.stats.signatures;
    const next = sandbox.sign(1);
    i2c.logEnabled = false;
    expect(next.records).toBe(node.hours[2].length);
    expect(sandbox.chip.stats.signatures - before).toBe(node.hours[2].length);
    expect(next.kid).toBe(run.kid);
    const record = verifyAteccRecord(next.last, sandbox.publicKey());
    expect(record.seq).toBe(verifyAteccRecord(run.last, sandbox.publicKey()).seq + node.hours[2].length);
    expect(unlinked(next.last)).toEqual(unlinked(node.hours[2][node.hours[2].length - 1]));
    // The digests the chip was given (Nonce pass-through writes: word address 03, opcode 16 at byte 2, the 32 bytes
    // from byte 6) are those of the hour's parts: the first is the kit's first part with its prev replaced by the
    // SHA-256 of the last record of the previous call, i.e. the chain goes on from there.
    const digests = i2c.log.filter((t) => t.op === 'write' && t.data[0] === 0x03 && t.data[2] === 0x16).map((t) => Buffer.from(t.data.subarray(6, 38)).toString('hex'));
    expect(digests.length).toBe(node.hours[2].length);
    const kitPayload = Buffer.from(payloadOf(node.hours[2][0]));
    const kitPrev = createHash('sha256').update(node.hours[1][node.hours[1].length - 1]).digest();
    const at = kitPayload.indexOf(kitPrev);
    expect(at).toBeGreaterThan(0);
    const linkedPayload = Buffer.concat([kitPayload.subarray(0, at), createHash('sha256').update(run.last).digest(), kitPayload.subarray(at + 32)]);
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(digests[0]).toBe(sha(sigStructure(Buffer.from('a10126', 'hex'), linkedPayload)));
    const m = decodeSign1(next.last);
    expect(digests[digests.length - 1]).toBe(sha(sigStructure(m.protectedBytes, m.payload)));
  });
});
