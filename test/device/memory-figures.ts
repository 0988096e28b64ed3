// Memory of the firmware on the real interpreter, measured the way the device runs: the Storage files booted with no
// script, the delivered plant provisioned (HMAC, RS-485 on a pty) and polling the virtual analyzers. Used by the
// memory test (budgets) and by `npm run bench` (figures).
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import type { EspruinoBuild } from '../../host-sim/espruino-linux/binaries';
import { parseProbes } from '../../host-sim/espruino-linux/probe';
import { firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { espruinoConfig } from '../../scripts/espruino-config';
import { fetchRecords, startRig } from './rig';
import type { CollectedRecord } from '../../host-sim/record-collector';

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
 * Usage 8 s after boot as flashed, with the embedded default plan: its ATECC608 signer cannot be reached on the Linux
 * build, so the firmware reports it unavailable and retries, as a module whose chip is missing does.
 */
export async function residentAsFlashed(build: EspruinoBuild): Promise<{ resident: number; transcript: string }> {
  const dev = await LinuxDevice.start({ build, files: firmwareStorageFiles(), probe: true });
  try {
    await dev.waitFor(/PROBE t=(?:[89]\d{3}|\d{5,}) /, 60000);
    return { resident: settled(dev.transcript()), transcript: dev.transcript() };
  } finally {
    await dev.close();
  }
}

const DAY = 24 * HOUR;

export interface PeakFigures {
  /** Variables the firmware had: the build's pool less a ballast taken in `.boot1` before the firmware starts. */
  limit: number;
  /** The firmware's own samples of its peak while sealing (status `peak-sealing`), ballast taken out: a lower bound. */
  sampledPeak: number;
  periods: number;
  days: number;
  records: CollectedRecord[];
  kid: string;
  /** Interpreter error flags raised since boot (probe). */
  flags: string[];
  transcript: string;
}

/**
 * The heaviest moment of the duty cycle, an hour close that is also a day close (period and day closes, record
 * sealing, the engine snapshot), run with the firmware held to `limit` variables: a `.boot1` ballast takes the rest of
 * the pool before the firmware starts, and forwards the REPL's own messages (an OUT OF MEMORY and its trace go there
 * once the firmware has moved the REPL to LoopbackA) to the transcript. Sampling usage cannot see a transient peak;
 * succeeding within the limit proves it. The plant starts 90 s before midnight UTC, 30 times faster than real time.
 */
export async function closeWithinLimit(build: EspruinoBuild, limit: number): Promise<PeakFigures> {
  const ballast =
    'LoopbackB.on("data",function(d){USB.write(d);});global.__ballast=[];(function(){var m=process.memory();' +
    'var target=m.usage+m.total-' + limit + ';while(process.memory().usage<target)for(var k=0;k<32;k++)__ballast.push(k);})();';
  const start = Math.floor(Date.now() / DAY) * DAY + DAY - 90000;
  const rig = await startRig({ build, speed: 30, startMs: start, files: { '.boot1': ballast } });
  /** A console command's output; a module that reset on the way is reported as such. */
  const ask = async (command: string, end: RegExp): Promise<string> => {
    const from = rig.dev.transcript().length;
    try {
      if (!rig.dev.exited) await rig.dev.command(command, end, 20000);
    } catch (e) {
      if (!rig.dev.exited) throw e;
    }
    const off = rig.dev.exited;
    if (off) throw new Error('interpreter exited (code ' + off.code + ', signal ' + off.signal + '):\n' + rig.dev.transcript().slice(-3000));
    return rig.dev.transcript().slice(from);
  };
  const num = (re: RegExp, text: string): number => Number(re.exec(text)![1]);
  try {
    await new Promise((r) => setTimeout(r, 180000 / 30 + 3000));
    // a loaded machine may run the interpreter behind: wait until the day is closed and nothing waits to be sealed
    let pipeline = await ask('pipeline', /engine-restored [^\n]*\n/);
    for (const t0 = Date.now(); !(num(/ days (\d+)/, pipeline) >= 1 && / queued 0 /.test(pipeline)) && Date.now() - t0 < 60000; ) {
      await new Promise((r) => setTimeout(r, 2000));
      pipeline = await ask('pipeline', /engine-restored [^\n]*\n/);
    }
    const records = await fetchRecords(rig.dev, -1, 30000);
    const status = await ask('status', /peak-sealing \d+\r?\n/);
    const total = num(/ total (\d+)/, status);
    const probes = parseProbes(rig.dev.transcript());
    const flags: string[] = [];
    for (const p of probes) for (const f of p.flags) if (flags.indexOf(f) < 0) flags.push(f);
    return {
      limit,
      sampledPeak: num(/peak-sealing (\d+)/, status) - (total - limit),
      periods: num(/ periods (\d+)/, pipeline),
      days: num(/ days (\d+)/, pipeline),
      records,
      kid: rig.kid,
      flags,
      transcript: rig.dev.transcript(),
    };
  } finally {
    await rig.close();
  }
}
