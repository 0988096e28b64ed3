// A provisioned plan that signs records with HMAC, booted without its key file (cems.key erased after provisioning):
// the module acquires as usual, seals nothing, and says on its console which Storage file is missing.
// A file of its own, so a fresh Node process: after another simulated module in the same process, V8's full garbage
// collection (Node 20.20.2) has been seen to spin in concurrent marking for more than 400 s after this boot.
import { describe, expect, it } from 'vitest';
import { provisioning } from '../../scripts/provision';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';
import { startModuleSim } from '../../host-sim/module-sim';
import { VirtualTime } from '../../host-sim/espruino/time';
import { RecordCollector } from '../../host-sim/record-collector';

const KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255);

describe('provisioned module without its HMAC key file', () => {
  const p = provisioning({ config: DEFAULT_CONFIG, serialPath: '/dev/pts/7', hmacKey: KEY, deviceId: 'cems-linux-01' });

  it('the provisioned plan acquires but seals nothing, and says which file is missing', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1, 9, 58));
    const boot: string[] = [];
    const script = p.script + 'require("Storage").erase("cems.key");\n';
    const sim = startModuleSim({ time, seed: 3, board: 'LINUX', provisioning: script }, (t) => boot.push(t));
    expect(sim.machine.storage.hostRead('cems.key')).toBeUndefined();
    const collector = new RecordCollector(sim.machine, () => undefined);
    for (let m = 0; m < 10; m += 5) {
      time.advance(5 * 60000);
      collector.request();
      time.advance(200);
    }
    const text = boot.join('');
    expect(text).toContain('plan: provisioned');
    expect(text).toMatch(/records: signer not available: .*HMAC_KEY_MISSING.*"cems\.key"/);
    const mark = sim.technician.send('readings');
    time.advance(200);
    expect(sim.technician.since(mark)).toContain('11 of 11 channels valid');
    expect(collector.records()).toEqual([]);
    expect(sim.machine.uncaught).toEqual([]);
    sim.machine.shutdown();
  });
});
