// A provisioned module on Espruino's Linux build profile: the Storage files written by scripts/provision.ts (the
// compiled plan cems.plan, with RS-485 opened by device path and records signed with HMAC under the key in cems.key)
// are what the firmware runs, in place of the embedded default plan cems.dflt, and its records verify under that key:
// the set-up of a conformance run on the real Linux interpreter.
import { describe, expect, it } from 'vitest';
import { provisioning } from '../../scripts/provision';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';
import { startModuleSim } from '../../host-sim/module-sim';
import { VirtualTime } from '../../host-sim/espruino/time';
import { RecordCollector } from '../../host-sim/record-collector';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { toHex } from '../../protocol/bytes';

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);
const KEY_TEXTS = [toHex(KEY), Buffer.from(KEY).toString('base64')];

describe('provisioned module on the Linux build profile', () => {
  const p = provisioning({ config: DEFAULT_CONFIG, serialPath: '/dev/pts/7', hmacKey: KEY, deviceId: 'cems-linux-01' });

  it('refuses to provision an invalid configuration or a short key', () => {
    expect(() => provisioning({ config: { ...DEFAULT_CONFIG, device: { id: 'bad id!' } } })).toThrow(/device\.id/);
    expect(() => provisioning({ config: DEFAULT_CONFIG, hmacKey: KEY.subarray(0, 16) })).toThrow(/at least 32 bytes/);
  });

  it('writes the compiled plan, and the HMAC key only when records are signed with one', () => {
    expect(Object.keys(p.files).sort()).toEqual(['cems.key', 'cems.plan']);
    expect(Buffer.from(p.files['cems.key']).equals(Buffer.from(KEY))).toBe(true);
    expect(p.config.records.signer).toBe('hmac');
    expect(p.config.records.hmacKeyFile).toBe('cems.key');
    expect(p.config.records.atecc608).toBeUndefined();
    expect(p.config.modbus.buses.every((b) => b.path === '/dev/pts/7')).toBe(true);
    const plain = provisioning({ config: DEFAULT_CONFIG });
    expect(Object.keys(plain.files)).toEqual(['cems.plan']);
    // The same configuration compiles to the same plan; another device path or signer to another one.
    expect(Buffer.from(provisioning({ config: DEFAULT_CONFIG }).files['cems.plan']).equals(Buffer.from(plain.files['cems.plan']))).toBe(true);
    expect(Buffer.from(p.files['cems.plan']).equals(Buffer.from(plain.files['cems.plan']))).toBe(false);
    // What the script prints on the device names the device and the files, never the key (checked on a run below).
    expect(p.script).toContain('print("provisioned cems-linux-01: cems.plan, cems.key; restart the module to apply")');
  });

  it('runs the stored plan and seals HMAC records that verify under the provisioned key', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1, 9, 58));
    const boot: string[] = [];
    const sim = startModuleSim({ time, seed: 3, board: 'LINUX', provisioning: p.script }, (t) => boot.push(t));
    // Storage after provisioning: the firmware's files as installed, the plan and key exactly as compiled.
    for (const name of Object.keys(sim.files)) expect(sim.machine.storage.hostRead(name)).toBeDefined();
    expect(Object.keys(sim.files)).toContain('cems.dflt');
    for (const name of ['cems.plan', 'cems.key']) {
      expect(Buffer.from(sim.machine.storage.hostRead(name)!).equals(Buffer.from(p.files[name]))).toBe(true);
    }
    const collector = new RecordCollector(sim.machine, () => undefined);
    time.advance(5000);
    const mark = sim.technician.send('pipeline');
    time.advance(200);
    const pipeline = sim.technician.since(mark);
    for (let m = 0; m < 70; m += 5) {
      time.advance(5 * 60000);
      collector.request();
      time.advance(200);
    }
    const text = boot.join('');
    expect(text).toContain('provisioned cems-linux-01: cems.plan, cems.key; restart the module to apply');
    expect(text).toContain('plan: provisioned');
    for (const k of KEY_TEXTS) expect(text).not.toContain(k);
    const kid = p.config.records.kid!;
    expect(kid).toBe(Buffer.from('cems-linux-01', 'ascii').toString('hex'));
    expect(pipeline).toMatch(/^plan provisioned [0-9a-f]{16}\r?$/m);
    expect(pipeline).toContain('device cems-linux-01 ');
    expect(pipeline).toContain('signer ready kid ' + kid);
    expect(sim.machine.serial.Serial2.settings?.options.path).toBe('/dev/pts/7');
    expect(sim.machine.uncaught).toEqual([]);
    const records = collector.records();
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) expect(decodeCose(r.bytes, { requireTag: true }).alg).toBe(5);
    const payloads = records.map((r) => decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload));
    for (const pl of payloads) expect(pl.device.id).toBe('cems-linux-01');
    expect(payloads.some((pl) => pl.period?.startMs === Date.UTC(2026, 8, 1, 10))).toBe(true);
    const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom({ hmac: { [kid]: toHex(KEY) } }) });
    expect(report.results.flatMap((r) => r.findings.filter((f) => f.severity === 'error'))).toEqual([]);
    expect(report.ok).toBe(true);
    const wrongKey = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom({ hmac: { [kid]: toHex(KEY.map((b) => b ^ 1)) } }) });
    expect(wrongKey.ok).toBe(false);
    sim.machine.shutdown();
  });
});
