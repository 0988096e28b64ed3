// Factory station check (items 1-6 of protocol/atecc608/factory-check.ts) against healthy and faulty emulated parts.
import { randomBytes, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { factoryCheck, randomLooksStuck, type FactoryCheckResult } from '../../protocol/atecc608/factory-check';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { nodeSha256 as sha256 } from '../../host-sim/record/node-sha256';
import { hex, publicKeyObject, rig, type RigOptions } from './rig';

function check(r: ReturnType<typeof rig>, dev: Atecc608 = r.dev, expectedPublicKey: Uint8Array | null = null): FactoryCheckResult {
  const challenge = new Uint8Array(randomBytes(32));
  let result: FactoryCheckResult | null = null;
  factoryCheck(dev, sha256, { slot: 0, challenge, expectedPublicKey }, (res) => (result = res));
  r.time.run();
  expect(result).not.toBeNull();
  return result!;
}

function codes(res: FactoryCheckResult): string[] {
  return res.steps.map((s) => s.item + ':' + s.code);
}

function run(options: RigOptions = {}) {
  const r = rig(options);
  return { r, res: check(r) };
}

describe('factory check', () => {
  it('passes a good ATECC608B and returns a challenge signature the station verifies', () => {
    const { r, res } = run({ seed: null });
    expect(codes(res)).toEqual(['1:OK', '2:OK', '3:OK', '4:OK', '5:OK', '6:OK']);
    expect(res.ok).toBe(true);
    expect(res.variant).toBe('ATECC608B');
    expect(hex(res.revision)).toBe('00006003');
    expect(hex(res.serialNumber).slice(0, 4)).toBe('0123');
    expect(hex(res.serialNumber).slice(16)).toBe('ee');
    expect(res.configLocked).toBe(true);
    expect(res.dataLocked).toBe(true);
    expect(hex(res.publicKey)).toBe(hex(r.chip.publicKey(0)));
    const ok = verify('sha256', res.challenge, { key: publicKeyObject(res.publicKey!), dsaEncoding: 'ieee-p1363' }, res.signature!);
    expect(ok).toBe(true);
    expect(res.steps[0].detail).toBe('wake token 04113343 at 0x60');
  });

  it('names the 608A', () => {
    expect(run({ variant: 'ATECC608A' }).res.steps[1].detail).toBe('ATECC608A revision 00006002');
  });

  it('stops at item 1 when no device answers and marks the rest skipped', () => {
    const r = rig();
    const res = check(r, new Atecc608(r.bus, r.time, atecc608Options(0x35)));
    expect(res.ok).toBe(false);
    expect(codes(res)).toEqual(['1:ATECC_NO_DEVICE', '2:SKIPPED', '3:SKIPPED', '4:SKIPPED', '5:SKIPPED', '6:SKIPPED']);
  });

  it('fails item 1 on a wrong wake token', () => {
    const r = rig();
    r.chip.faults.wakeToken = Uint8Array.from([0xff, 0xff, 0xff, 0xff]);
    expect(codes(check(r))[0]).toBe('1:ATECC_WAKE_TOKEN');
  });

  it('flags an unprovisioned part: config and data unlocked, Random answering FF FF 00 00', () => {
    const { res } = run({ configLocked: false, dataLocked: false });
    expect(res.ok).toBe(false);
    expect(codes(res)).toEqual(['1:OK', '2:OK', '3:FACTORY_CONFIG', '4:OK', '5:OK', '6:FACTORY_RANDOM_STUCK']);
    expect(res.steps[2].detail).toBe('config zone unlocked; data zone unlocked');
    expect(res.configLocked).toBe(false);
  });

  it('flags a serial number without the fixed 01 23 ... EE bytes', () => {
    const { res } = run({ serialNumber: Uint8Array.from([0x01, 0x24, 0, 0, 0, 0, 0, 0, 0xee]) });
    expect(res.steps[2].code).toBe('FACTORY_CONFIG');
    expect(res.steps[2].detail).toBe('serial number 0124000000000000ee lacks 0123..EE');
  });

  it('flags a stuck RNG and a public key that differs from the manifest', () => {
    const r = rig();
    r.chip.faults.randomOutput = new Uint8Array(32);
    const res = check(r, r.dev, new Uint8Array(64).fill(1));
    expect(codes(res).slice(3)).toEqual(['4:FACTORY_PUBLIC_KEY', '5:OK', '6:FACTORY_RANDOM_STUCK']);
    expect(res.steps[3].detail).toBe('public key differs from the manifest');
  });

  it('reports a device error in one item and carries on with the others', () => {
    const r = rig();
    r.chip.faults.forcedStatus = 0x05; // ECC fault on the Sign of item 5
    r.chip.faults.forcedStatusCount = 1;
    r.chip.faults.forcedStatusOpcode = 0x41;
    const res = check(r);
    expect(codes(res)).toEqual(['1:OK', '2:OK', '3:OK', '4:OK', '5:ATECC_ECC_FAULT', '6:OK']);
    expect(res.signature).toBeNull();
    expect(res.ok).toBe(false);
  });
});

describe('randomLooksStuck', () => {
  it('recognises constant output and the unlocked-config pattern, not real random bytes', () => {
    expect(randomLooksStuck(new Uint8Array(32))).toBe(true);
    expect(randomLooksStuck(new Uint8Array(32).fill(0xff))).toBe(true);
    expect(randomLooksStuck(Uint8Array.from(Buffer.from('ffff0000'.repeat(8), 'hex')))).toBe(true);
    expect(randomLooksStuck(new Uint8Array(randomBytes(32)))).toBe(false);
  });
});
