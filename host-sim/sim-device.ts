// `npm run sim -- device`: the firmware on Espruino 2v29's Linux build, booted the way a module boots: the Storage
// files (dist/storage/ from `npm run build`, plus a provisioning's cems.plan and cems.key from
// `npm run provision -- --storage-dir DIR`) written into the interpreter's flash (espruino.flash in a work directory),
// then the interpreter started with no script, so that it runs .bootcde from Storage. Its console is this terminal
// (the Linux build's USB device is standard input/output). The interpreter ignores SIGINT and SIGTERM
// (targets/linux/main.c): Ctrl-C here ends it with SIGKILL, which is also what a power cut does to its flash.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EspruinoBuild } from './espruino-linux/binaries';
import { killNow, spawnInterpreter } from './espruino-linux/launch';
import { installStorage, type StorageFiles } from './espruino-linux/storage';
import { UsageError } from './usage-error';

const BUILDS: EspruinoBuild[] = ['resizable', 'pool16k', 'pool8k'];

export const DEVICE_USAGE = `usage: npm run sim -- device [options]

Boots the firmware on Espruino's Linux build from its Storage files, console on this terminal.

  --storage-dir DIR   a directory of Storage files (file name = Storage name); repeat to add a provisioning's
                      files (npm run provision -- --storage-dir DIR); default dist/storage (npm run build)
  --build NAME        resizable, pool16k (16,383 variables, the largest ESP32 pool) or pool8k (default pool16k)
  --work DIR          where the interpreter's flash (espruino.flash) lives (default .sim/device); a reboot with
                      --keep continues with what the firmware wrote there
  --keep              boot the flash in --work as it is (no install)
  --speed N           the interpreter's clock runs N times real time (faketime; default 1)
  --help              this text

Ctrl-C ends the interpreter (like a power cut).
`;

export interface DeviceArgs {
  storageDirs: string[];
  build: EspruinoBuild;
  work: string;
  keep: boolean;
  speed: number;
}

/** Parsed options, or null when --help was asked for. */
export function parseDeviceArgs(argv: string[]): DeviceArgs | null {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'storage-dir': { type: 'string', multiple: true },
        build: { type: 'string', default: 'pool16k' },
        work: { type: 'string', default: '.sim/device' },
        keep: { type: 'boolean', default: false },
        speed: { type: 'string', default: '1' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError('device: ' + (e as Error).message + ' (npm run sim -- device --help)');
  }
  if (values.help) return null;
  const build = values.build as EspruinoBuild;
  if (BUILDS.indexOf(build) < 0) throw new UsageError('device: --build must be one of ' + BUILDS.join(', '));
  const speed = Number(values.speed);
  if (!(speed >= 1)) throw new UsageError('device: --speed must be a number >= 1');
  const storageDirs = values['storage-dir'] ?? ['dist/storage'];
  for (const d of storageDirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) {
      throw new UsageError('device: no directory ' + d + (d === 'dist/storage' ? ' (npm run build writes it)' : ''));
    }
  }
  return { storageDirs, build, work: resolve(values.work), keep: values.keep, speed };
}

/** The Storage files of the directories; a later directory's file replaces an earlier one of the same name. */
export function storageFilesOf(dirs: string[]): StorageFiles {
  const files: StorageFiles = {};
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isFile()) files[name] = readFileSync(path);
    }
  }
  return files;
}

export async function runDevice(a: DeviceArgs): Promise<number> {
  if (!a.keep) {
    const files = storageFilesOf(a.storageDirs);
    if (!files['.bootcde']) throw new UsageError('device: no .bootcde in ' + a.storageDirs.join(', ') + ' (npm run build writes dist/storage)');
    await installStorage(a.build, a.work, files);
    process.stderr.write('device: ' + Object.keys(files).length + ' Storage files installed in ' + join(a.work, 'espruino.flash') + '\n');
  } else if (!existsSync(join(a.work, 'espruino.flash'))) throw new UsageError('device: --keep, but there is no flash in ' + a.work);
  const child = spawnInterpreter(a.build, [], { cwd: a.work, stdio: 'inherit', faketime: a.speed > 1 ? a.speed : undefined });
  const stop = (): void => void killNow(child);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((done) => {
    child.once('exit', (code, signal) => done(signal === 'SIGKILL' ? 0 : (code ?? 1)));
  });
}
