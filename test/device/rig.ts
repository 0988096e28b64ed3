// The firmware as flashed (dist/storage/) on the real Espruino 2v29 Linux interpreter, booted from Storage like a
// device, provisioned with a plan whose RS-485 bus opens one end of a socat pty pair, and the default plant's
// virtual analyzers (`npm run sim -- plant`) serving the other end. Time can run faster with faketime: the plant's
// clock follows at the same speed.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { EspruinoBuild } from '../../host-sim/espruino-linux/binaries';
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import { spawnOwned, killNow } from '../../host-sim/espruino-linux/launch';
import { openPtyPair, type PtyPair } from '../../host-sim/espruino-linux/pty';
import type { StorageFiles } from '../../host-sim/espruino-linux/storage';
import { firmwareStorageFiles } from '../../host-sim/espruino/bundle';
import { parseRecordLines, type CollectedRecord } from '../../host-sim/record-collector';
import { provisioning } from '../../scripts/provision';
import type { ModuleConfig } from '../../protocol/module/config-types';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';
import { toHex } from '../../protocol/bytes';
import { waitForText } from '../kit/wait-for-text';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The rig's record key (HMAC-SHA256) and the kid the provisioning derives from the device id. */
export const RIG_KEY = new Uint8Array(32).map((_, i) => (i * 29 + 7) & 255);

export interface RigOptions {
  build: EspruinoBuild;
  /** Module configuration to provision (default: the embedded default plant). */
  config?: ModuleConfig;
  deviceId?: string;
  /** Interpreter and plant time run this many times real time. */
  speed?: number;
  /** The wall clock of device and plant at start (default: now). */
  startMs?: number;
  /** Memory probe lines every this many interpreter ms (0: only the ones after boot). */
  probeEveryMs?: number;
  plantSeed?: number;
  /** More Storage files installed beside the firmware (e.g. a `.boot1` that runs before it). */
  files?: StorageFiles;
}

export interface Rig {
  dev: LinuxDevice;
  plant: ChildProcess;
  pty: PtyPair;
  kid: string;
  plantOutput(): string;
  close(): Promise<void>;
}

export async function startRig(o: RigOptions): Promise<Rig> {
  const speed = o.speed ?? 1;
  const startMs = o.startMs ?? Date.now();
  const pty = await openPtyPair();
  const deviceId = o.deviceId ?? 'cems-rig-01';
  const p = provisioning({ config: o.config ?? DEFAULT_CONFIG, serialPath: pty.a, hmacKey: RIG_KEY, deviceId: deviceId });
  let plantText = '';
  const plantStarted = Date.now();
  const plant = spawnOwned(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'host-sim/sim-cli.ts'), 'plant', '--serial', pty.b, '--speed', String(speed),
      '--start', new Date(startMs).toISOString(), '--seed', String(o.plantSeed ?? 1), '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  plant.stdout!.on('data', (d: Buffer) => (plantText += d.toString()));
  plant.stderr!.on('data', (d: Buffer) => (plantText += d.toString()));
  await waitForText(() => plantText, /plant: serving/, 30000);
  const dev = await LinuxDevice.start({
    build: o.build,
    files: { ...firmwareStorageFiles(), ...p.files, ...o.files },
    faketime: speed > 1 || o.startMs !== undefined ? speed : undefined,
    // the device's clock continues the plant's, which has run `speed` times real time since it started
    faketimeOffsetS: (startMs + (Date.now() - plantStarted) * speed - Date.now()) / 1000,
    probe: o.probeEveryMs ? { everyMs: o.probeEveryMs } : true,
  });
  await dev.waitFor(/cems> /, 30000);
  return {
    dev, plant, pty, kid: p.config.records.kid!,
    plantOutput: () => plantText,
    close: async () => {
      await dev.close();
      await killNow(plant);
      await pty.close();
    },
  };
}

/** The records sealed after `since`, fetched through the technician console as a technician would. */
export async function fetchRecords(dev: LinuxDevice, since: number, timeoutMs = 30000): Promise<CollectedRecord[]> {
  const from = dev.transcript().length;
  await dev.command('records since ' + since, /\d+ record\(s\) shown[^\n]*\n/, timeoutMs);
  return parseRecordLines(dev.transcript().slice(from));
}

/** The keys a verifier needs for the rig's records. */
export function rigKeys(kid: string): { hmac: { [kid: string]: string } } {
  return { hmac: { [kid]: toHex(RIG_KEY) } };
}
