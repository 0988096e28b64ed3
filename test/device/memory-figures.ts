// Memory of the firmware on the real interpreter, measured the way the device runs: the Storage files booted with no
// script, the delivered plant provisioned (HMAC, RS-485 on a pty) and polling the virtual analyzers. Used by the
// memory test (budgets) and by `npm run bench` (figures).
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import type { EspruinoBuild } from '../../host-sim/espruino-linux/binaries';
import { parseProbes } from '../../host-sim/espruino-linux/probe';
import { firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { espruinoConfig } from '../../scripts/espruino-config';
import { startRig } from './rig';

const HOUR = 3600000;

export interface ResidentFigures {
  /** Variables in use 8 s after boot with the delivered plant polling (buses polled, console answered). */
  resident: number;
  /** The same for the resident bundle booted without a plan: the code alone. */
  codeOnly: number;
  /** The firmware's own per-component count (status command, memory-state line). */
  components: string;
  transcript: string;
}

/** Usage 8 s after boot. */
function settled(transcript: string): number {
  const p = parseProbes(transcript).find((x) => x.t >= 8000);
  if (!p) throw new Error('no probe at 8 s:\n' + transcript.slice(-2000));
  return p.used;
}

export async function residentAfterBoot(build: EspruinoBuild): Promise<ResidentFigures> {
  const bootFile = espruinoConfig.upload.bootFile;
  const code = await LinuxDevice.start({ build, files: { [bootFile]: firmwareStorageFiles()[bootFile] }, probe: true });
  let codeOnly: number;
  try {
    await code.waitFor(/PROBE t=(?:[89]\d{3}|\d{5,}) /, 60000);
    codeOnly = settled(code.transcript());
  } finally {
    await code.close();
  }
  const rig = await startRig({ build });
  try {
    await rig.dev.waitFor(/PROBE t=(?:[89]\d{3}|\d{5,}) /, 60000);
    const resident = settled(rig.dev.transcript());
    const from = rig.dev.transcript().length;
    await rig.dev.command('status', /memory-state[^\n]*\n/, 20000);
    const components = /memory-state ([^\r\n]*)/.exec(rig.dev.transcript().slice(from))![1];
    return { resident, codeOnly, components, transcript: rig.dev.transcript() };
  } finally {
    await rig.close();
  }
}

/**
 * The firmware's peak (live variables after a collection, with the close and seal modules loaded) while an hour
 * closes and its records are sealed: the plant starts 90 s before an hour end, 30 times faster than real time.
 */
export async function peakDuringClose(build: EspruinoBuild): Promise<{ peak: number; transcript: string }> {
  const start = Math.floor(Date.now() / HOUR) * HOUR + HOUR - 90000;
  const rig = await startRig({ build, speed: 30, startMs: start });
  try {
    await new Promise((r) => setTimeout(r, 150000 / 30 + 3000));
    const from = rig.dev.transcript().length;
    await rig.dev.command('status', /peak-sealing \d+/, 20000);
    const peak = Number(/peak-sealing (\d+)/.exec(rig.dev.transcript().slice(from))![1]);
    return { peak, transcript: rig.dev.transcript() };
  } finally {
    await rig.close();
  }
}
