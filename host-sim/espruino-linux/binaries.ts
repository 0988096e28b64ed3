// Where the real Espruino 2v29 interpreter (Linux builds of espruino/Espruino at the pinned commit) is found: the
// directory in ESPRUINO_BIN, else espruino/bin beside this checkout's parent (../shared/espruino/bin from the
// repository root). Tests that run device code fail with build instructions when it is missing; they never skip.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The builds the tests use: resizable pool (timings), fixed pools sized like an ESP32's, and a 32-bit build with the
 * ESP32's exact 14-byte variable layout (the most faithful memory figures; needs Debian's i386 C and C++ runtime).
 */
export type EspruinoBuild = 'resizable' | 'pool16k' | 'pool8k' | 'esp32layout12k';

const FILE_OF: { [b in EspruinoBuild]: string } = {
  resizable: 'espruino',
  pool16k: 'espruino-pool16k',
  pool8k: 'espruino-pool8k',
  esp32layout12k: 'espruino-esp32layout-12k.i386',
};

/** Variables in the fixed pool of each build (the resizable build grows on demand). */
export const POOL_VARIABLES: { [b in EspruinoBuild]: number } = { resizable: 0, pool16k: 16383, pool8k: 8000, esp32layout12k: 12000 };

export const ESPRUINO_COMMIT = 'c5ff787b199148c31ef2776fb6f70673cba01a25';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const HOW_TO_GET_ESPRUINO =
  'The real Espruino 2v29 interpreter is needed to run the device code. Build its Linux target from ' +
  'https://github.com/espruino/Espruino at commit ' + ESPRUINO_COMMIT + ' (make BOARD=LINUX; for the fixed pools set ' +
  "'variables' to 16383, 8000 or 12000 and 'flash' to 896 in boards/LINUX.py, and for the ESP32 layout also enable " +
  "the -m32 line there), put the binaries espruino, espruino-pool16k, espruino-pool8k and " +
  'espruino-esp32layout-12k.i386 into one directory and point ESPRUINO_BIN at it (README, "Running on Espruino\'s ' +
  'Linux build").';

/** The directory holding the interpreter binaries. */
export function espruinoBinDir(): string {
  const env = process.env.ESPRUINO_BIN;
  return env && env.length > 0 ? resolve(env) : resolve(REPO_ROOT, '..', 'shared', 'espruino', 'bin');
}

/** The program loader of 32-bit (i386) programs on Debian (package libc6-i386). */
const I386_LOADER = '/lib/ld-linux.so.2';

/** Path of one build; throws with instructions when it is missing or not executable. */
export function espruinoBinary(build: EspruinoBuild): string {
  const path = join(espruinoBinDir(), FILE_OF[build]);
  if (!existsSync(path)) throw new Error('Espruino interpreter not found at ' + path + '. ' + HOW_TO_GET_ESPRUINO);
  try {
    accessSync(path, constants.X_OK);
  } catch (e) {
    throw new Error('Espruino interpreter at ' + path + ' is not executable. ' + HOW_TO_GET_ESPRUINO);
  }
  // the 32-bit build needs the i386 program loader and C/C++ runtime
  if (build === 'esp32layout12k' && !existsSync(I386_LOADER)) {
    throw new Error(path + ' is a 32-bit program and ' + I386_LOADER + ' is missing: apt-get install libc6-i386 lib32stdc++6 lib32gcc-s1');
  }
  return path;
}

/** Debian's user-mode emulator (package qemu-user), for kernels that cannot execute 32-bit programs. */
const QEMU_I386 = 'qemu-i386';

let i386Native: boolean | undefined;

/** True when this kernel executes i386 programs itself (IA32 emulation; some kernels are built without it). */
function kernelRunsI386(path: string): boolean {
  if (i386Native === undefined) {
    // a program the kernel refuses (ENOEXEC) is handed to /bin/sh by the spawn, so look for the usage text
    const r = spawnSync(path, ['--help'], { encoding: 'utf8', timeout: 10000 });
    i386Native = /espruino: Usage/.test(String(r.stdout) + String(r.stderr));
  }
  return i386Native;
}

/**
 * The command line that starts one build: the binary itself, or for the 32-bit build on a kernel without IA32
 * emulation the binary under qemu-i386 (throws naming the package when that is missing too).
 */
export function espruinoCommand(build: EspruinoBuild, args: string[]): { command: string; args: string[] } {
  const path = espruinoBinary(build);
  if (build !== 'esp32layout12k' || kernelRunsI386(path)) return { command: path, args };
  const qemu = spawnSync(QEMU_I386, ['-version'], { stdio: 'ignore' });
  if (qemu.error || qemu.status !== 0) {
    throw new Error(path + ' is a 32-bit program, this kernel cannot execute those and ' + QEMU_I386 + ' is missing: apt-get install qemu-user');
  }
  return { command: QEMU_I386, args: [path, ...args] };
}
