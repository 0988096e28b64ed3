// The firmware side (the ES256 signer of firmware/signer.ts over the cems.se module: EspruinoI2cBus over I2C1,
// setTimeout scheduler, native crypto.SHA256) bundled for Espruino, checked by the Espruino gate and run in the
// Espruino-profile sandbox against the emulator on the simulated I2C1.
import { createHash, verify } from 'node:crypto';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { espruinoBuildOptions } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { Atecc608Emulator } from '../../host-sim/atecc608/emulator';
import { publicKeyObject, SEED } from './rig';

async function bundle(): Promise<string> {
  const out = await build({ ...espruinoBuildOptions, entryPoints: ['test/atecc608/fixtures/sandbox-entry.js'], outfile: 'atecc-test.js', sourcemap: false });
  return '(function(){\n' + out.outputFiles![0].text + '\n})();\n';
}

interface State {
  done: boolean;
  err: string;
  msg: string;
  kid: string;
  sig: string;
  /** Times the signer took the module, and released it. */
  uses: number;
  releases: number;
}

async function runInSandbox(options: { address: number; gpioWake: boolean; message: string }) {
  const code = await bundle();
  const m = new EspruinoMachine();
  const chip = new Atecc608Emulator({ clock: { nowUs: () => m.time.nowMs() * 1000 }, seed: SEED });
  m.i2c.I2C1.connect(0x60, chip);
  // GPIO wake: a low pulse on SDA (D21) reaches the chip like the general-call pulse does.
  let lowSince = -1;
  m.pins.onWrite((e) => {
    if (e.pin !== 'D21') return;
    if (e.value === 0) lowSince = e.tMs;
    else if (lowSince >= 0) chip.wakePulse((e.tMs - lowSince) * 1000);
  });
  m.boot(code, 'atecc-test.js');
  m.i2c.I2C1.logEnabled = true;
  m.evaluate('ateccTest.run(' + options.address + ', ' + options.gpioWake + ', ' + JSON.stringify(options.message) + ')');
  const deadline = Date.now() + 5000;
  let state: State = m.evaluate('ateccTest.state') as State;
  while (!state.done && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    state = m.evaluate('ateccTest.state') as State;
  }
  const result = { ...state, uncaught: m.uncaught.slice(), log: m.i2c.I2C1.log.slice(), chip, pins: m.pins };
  m.shutdown();
  return { code, result };
}

describe('firmware ATECC608 adapter in the Espruino sandbox', () => {
  it('bundles within the Espruino 2v29 subset', async () => {
    const code = await bundle();
    expect(checkEspruinoCode(code)).toEqual([]);
  });

  it('wakes, reads the public key and signs over I2C1 at 100 kHz; the signature verifies', async () => {
    const { result } = await runInSandbox({ address: 0x60, gpioWake: false, message: 'record bytes' });
    expect(result.uncaught).toEqual([]);
    expect({ err: result.err, msg: result.msg }).toEqual({ err: '', msg: '' });
    // The module is taken for the public key read and for the signature, and released after each.
    expect([result.uses, result.releases]).toEqual([2, 2]);
    const pub = result.chip.publicKey(0)!;
    const point = Buffer.concat([Buffer.of(4), pub]);
    expect(result.kid).toBe(createHash('sha256').update(point).digest('hex').slice(0, 16));
    const sig = Buffer.from(result.sig, 'hex');
    expect(verify('sha256', Buffer.from('record bytes'), { key: publicKeyObject(pub), dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    // The wake is a write to the general-call address that NACKs; commands go to 0x60.
    expect(result.log[0]).toMatchObject({ op: 'write', address: 0, ack: false });
    expect(result.log.filter((t) => t.op === 'write' && t.data[0] === 0x03).map((t) => t.data[2])).toEqual([0x40, 0x1b, 0x16, 0x41]);
  });

  it('wakes by driving SDA low as a GPIO when configured to', async () => {
    const { result } = await runInSandbox({ address: 0x60, gpioWake: true, message: 'x' });
    expect({ err: result.err, msg: result.msg }).toEqual({ err: '', msg: '' });
    expect(result.log.some((t) => t.address === 0)).toBe(false);
    expect(result.pins.writes.filter((w) => w.pin === 'D21').map((w) => w.value).slice(0, 2)).toEqual([0, 1]);
    expect(result.chip.stats.wakes).toBe(2);
  });

  it('reports ATECC_NO_DEVICE through the signer bring-up when the address is wrong', async () => {
    const { result } = await runInSandbox({ address: 0x35, gpioWake: false, message: 'x' });
    expect(result.err).toBe('ATECC_NO_DEVICE');
    expect(result.kid).toBe('');
    expect([result.uses, result.releases]).toEqual([1, 1]);
    expect(result.chip.stats.signatures).toBe(0);
    expect(result.uncaught).toEqual([]);
  });
});
