// Memory of the firmware on the real Espruino 2v29 interpreter with the largest pool an ESP32 can have (16,383
// variables), measured the way the device runs: the Storage files booted with no script, the delivered plant
// provisioned (HMAC, RS-485 on a pty) and polling the virtual analyzers. Budgets (docs/memory.md): resident after
// boot at most 5,000 variables (goal 4,000); peak while a period closes and its records are sealed at most 6,500.
// The figures are printed.
import { afterAll, describe, expect, it } from 'vitest';
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import { parseProbes } from '../../host-sim/espruino-linux/probe';
import { firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { espruinoConfig } from '../../scripts/espruino-config';
import { startRig, type Rig } from './rig';

const RESIDENT_BUDGET = 5000;
const PEAK_GOAL = 6500;
const HOUR = 3600000;

const open: { close(): Promise<void> }[] = [];

afterAll(async () => {
  for (const o of open) await o.close();
});

/** Usage 8 s after boot, when the buses have polled and the console has answered. */
function settled(transcript: string): number {
  const p = parseProbes(transcript).find((x) => x.t >= 8000);
  if (!p) throw new Error('no probe at 8 s:\n' + transcript.slice(-2000));
  return p.used;
}

describe('memory on the real interpreter (pool of 16,383 variables)', () => {
  it('keeps the resident firmware within its budget after boot', async () => {
    // the code alone: the resident bundle booted without a plan
    const code = await LinuxDevice.start({ build: 'pool16k', files: { [espruinoConfig.upload.bootFile]: firmwareStorageFiles()[espruinoConfig.upload.bootFile] }, probe: true });
    open.push(code);
    await code.waitFor(/PROBE t=8\d\d\d /, 30000);
    const codeOnly = settled(code.transcript());
    const rig: Rig = await startRig({ build: 'pool16k' });
    open.push(rig);
    await rig.dev.waitFor(/PROBE t=8\d\d\d /, 30000);
    const resident = settled(rig.dev.transcript());
    const from = rig.dev.transcript().length;
    await rig.dev.command('status', /memory-state[^\n]*\n/, 20000);
    const state = /memory-state ([^\r\n]*)/.exec(rig.dev.transcript().slice(from))![1];
    console.log('resident after boot: ' + resident + ' of 16383 variables (budget ' + RESIDENT_BUDGET + '); code without a plan ' + codeOnly + '; state: ' + state);
    expect(rig.dev.transcript()).not.toMatch(/Uncaught|OUT OF MEMORY/);
    expect(resident).toBeLessThanOrEqual(RESIDENT_BUDGET);
  }, 120000);

  it('stays within the peak goal while an hour closes and its records are sealed', async () => {
    const start = Math.floor(Date.now() / HOUR) * HOUR + HOUR - 90000;
    const rig = await startRig({ build: 'pool16k', speed: 30, startMs: start });
    open.push(rig);
    await new Promise((r) => setTimeout(r, 150000 / 30 + 3000));
    const from = rig.dev.transcript().length;
    await rig.dev.command('status', /peak-sealing \d+/, 20000);
    const peak = Number(/peak-sealing (\d+)/.exec(rig.dev.transcript().slice(from))![1]);
    console.log('peak while a period closed and its records were sealed: ' + peak + ' variables (goal ' + PEAK_GOAL + ')');
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(PEAK_GOAL);
  }, 120000);
});
