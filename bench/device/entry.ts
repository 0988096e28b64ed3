// The device side of `npm run bench` (bench/device-path.ts), run as a script on the real interpreter. Code runs from
// RAM here: on the ESP32 Storage is memory-mapped (targets/esp32/jshardware.c, jshFlashGetMemMapAddress), while the
// Linux build reads its emulated flash with an fopen/fread/fclose per access (targets/linux/jshardware.c,
// jshFlashRead), which would time the emulation rather than the interpreter. So the plan and the analyzer answers come
// as base64 text, and the close and seal modules as their Storage text, evaluated on demand with Modules.addCached
// (the same jspEvaluateModule that require() runs on a Storage file, src/jswrap_modules.c) and released after use as
// the firmware does (firmware/modules.ts). The chain state and the engine snapshot are written to Storage as on the
// device (firmware/storage-state.ts). Prints one line: BENCH <figures as JSON>.
import { openPlan } from '../../protocol/plan/reader';
import { MODULE_CLOSE, MODULE_SEAL } from '../../firmware/modules';
import { sha256 } from '../../firmware/platform';
import { chainSlots, saveEngineState } from '../../firmware/storage-state';
import type { Closer } from '../../protocol/cems/engine';
import type { SealModule } from '../../protocol/module/records';
import { runPlantBench } from './plant-run';

declare const BENCH_START_MS: number;
declare const BENCH_MINUTES: number;
declare const BENCH_ENGINE: boolean;
declare const BENCH_PLAN: string;
declare const BENCH_ANSWERS: string;
declare const BENCH_MODULES: { [name: string]: string };

/** Per read: a count, then each answer as a length byte and its bytes. */
function answers(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  let at = 0;
  while (at < bytes.length) {
    const n = bytes[at++];
    const list: Uint8Array[] = [];
    for (let k = 0; k < n; k++) {
      const len = bytes[at++];
      list.push(new Uint8Array(bytes.subarray(at, at + len)));
      at += len;
    }
    out.push(list);
  }
  return out;
}

const loaded: { [name: string]: boolean } = {};
/** Milliseconds spent evaluating modules, and how many times. */
const loads = new Float64Array(2);

function load<T>(name: string): T {
  if (!loaded[name]) {
    const t0 = getTime();
    Modules.addCached(name, BENCH_MODULES[name]);
    loads[0] += (getTime() - t0) * 1000;
    loads[1]++;
    loaded[name] = true;
  }
  return require(name) as T;
}

function release(name: string): void {
  if (!loaded[name]) return;
  loaded[name] = false;
  Modules.removeCached(name);
}

function run(): void {
  const plan = openPlan(E.toUint8Array(atob(BENCH_PLAN)), sha256);
  const key = new Uint8Array(32);
  for (let i = 0; i < 32; i++) key[i] = i + 1;
  const memBefore = process.memory().usage;
  const figures = runPlantBench(
    { plan: plan, answers: answers(E.toUint8Array(atob(BENCH_ANSWERS))), startMs: BENCH_START_MS, minutes: BENCH_MINUTES, hmacKey: key, engine: BENCH_ENGINE },
    {
      wallMs: function (): number {
        return getTime() * 1000;
      },
      sha256: sha256,
      closer: function (): Closer {
        return load<Closer>(MODULE_CLOSE);
      },
      releaseClose: function (): void {
        release(MODULE_CLOSE);
      },
      seal: function (): SealModule {
        return load<SealModule>(MODULE_SEAL);
      },
      releaseSeal: function (): void {
        release(MODULE_SEAL);
      },
      store: chainSlots(sha256),
      saveEngineState: saveEngineState,
      moduleLoads: loads,
    },
  );
  print('BENCH ' + JSON.stringify({ figures: figures, memBefore: memBefore, memAfter: process.memory().usage }));
}

run();
quit();
