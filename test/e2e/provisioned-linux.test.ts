// A provisioned module on Espruino's Linux build profile: the configuration written by scripts/provision.ts (RS-485
// opened by device path, records signed with a provisioned HMAC key) is what the firmware runs, and its records
// verify under that key — the set-up of a conformance run on the real Linux interpreter.
import { describe, expect, it } from 'vitest';
import { provisioning } from '../../scripts/provision';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';
import { startModuleSim } from '../../host-sim/module-sim';
import { VirtualTime } from '../../host-sim/espruino/time';
import { RecordCollector } from '../../host-sim/record-collector';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { toHex } from '../../protocol/bytes';

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);

describe('provisioned module on the Linux build profile', () => {
  const p = provisioning({ config: DEFAULT_CONFIG, serialPath: '/dev/pts/7', hmacKey: KEY, deviceId: 'cems-linux-01' });

  it('refuses to provision an invalid configuration or a short key', () => {
    expect(() => provisioning({ config: { ...DEFAULT_CONFIG, device: { id: 'bad id!' } } })).toThrow(/device\.id/);
    expect(() => provisioning({ config: DEFAULT_CONFIG, hmacKey: KEY.subarray(0, 16) })).toThrow(/at least 32 bytes/);
    expect(p.script).not.toContain(toHex(KEY));
  });

  it('runs the stored configuration and seals HMAC records that verify under the provisioned key', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1, 9, 58));
    const boot: string[] = [];
    const sim = startModuleSim({ time, seed: 3, board: 'LINUX', provisioning: p.script }, (t) => boot.push(t));
    const collector = new RecordCollector(sim.machine, () => undefined);
    for (let m = 0; m < 70; m += 5) {
      time.advance(5 * 60000);
      collector.request();
      time.advance(200);
    }
    const text = boot.join('');
    expect(text).toContain('config: provisioned');
    expect(sim.machine.serial.Serial2.settings?.options.path).toBe('/dev/pts/7');
    expect(sim.machine.uncaught).toEqual([]);
    const records = collector.records();
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) expect(decodeCose(r.bytes, { requireTag: true }).alg).toBe(5);
    const kid = p.config.records.kid!;
    const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom({ hmac: { [kid]: toHex(KEY) } }) });
    expect(report.results.flatMap((r) => r.findings.filter((f) => f.severity === 'error'))).toEqual([]);
    expect(report.ok).toBe(true);
    const wrongKey = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom({ hmac: { [kid]: toHex(KEY.map((b) => b ^ 1)) } }) });
    expect(wrongKey.ok).toBe(false);
  });
});
