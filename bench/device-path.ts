// Real-interpreter figures for `npm run bench`: the delivered plant's acquisition, engine, period close and record
// sealing (bench/device/plant-run.ts) timed task by task on Espruino 2v29's Linux build (bench/device/entry.ts), and
// the same run in Node.
// Analyzer answers are recorded from the virtual plant (host-sim/modbus, the models `npm start` serves) by sending
// each request frame of the plan to the analyzers, so the device decodes the same bytes a real bus would carry.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSource } from '../scripts/build';
import { checkEspruinoCode } from '../scripts/espruino-gate';
import { espruinoConfig } from '../scripts/espruino-config';
import { runScript } from '../host-sim/espruino-linux/script';
import { buildDefaultPlant } from '../host-sim/modbus/plant';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { Read } from '../protocol/plan/format';
import { openPlan, type Plan } from '../protocol/plan/reader';
import { rtuPlan } from '../protocol/plan/views';
import * as CLOSE from '../firmware/modules/close';
import * as SEAL from '../firmware/modules/seal';
import { runPlantBench, type PlantRunFigures } from './device/plant-run';
import type { ChainStore } from '../protocol/module/records';

export interface DeviceBenchFigure {
  name: string;
  device: number;
  node: number;
  unit: string;
  note?: string;
}

/** 2026-03-02 22:00 UTC: two hours and a bit cross an hour end and a day end. */
const START_MS = Date.UTC(2026, 2, 2, 22, 0, 0);
const MINUTES = 125;
/** Answers recorded per read (every 20 s of plant time), served in turn. */
const VARIANTS = 24;

function planBytes(): Uint8Array {
  return new Uint8Array(readFileSync(join(espruinoConfig.bundle.storageDir, espruinoConfig.storage.defaultPlan)));
}

/** Per read of the plan, VARIANTS answers from the virtual plant's analyzers at successive times. */
export function recordAnswers(plan: Plan): Uint8Array[][] {
  const rp = rtuPlan(plan);
  const plant = buildDefaultPlant({ seed: 7, startMs: START_MS });
  const analyzers = Object.values(plant.analyzers);
  const out: Uint8Array[][] = [];
  for (let r = 0; r < rp.reads.length / Read.FIELDS; r++) {
    const at = rp.reads[r * Read.FIELDS + Read.ADU_AT];
    const adu = rp.adus.subarray(at, at + rp.reads[r * Read.FIELDS + Read.ADU_LEN]);
    const list: Uint8Array[] = [];
    for (let v = 0; v < VARIANTS; v++) {
      for (const a of analyzers) {
        a.slave.reset();
        a.clock = START_MS + v * 20000;
        for (const res of a.slave.onBytes(adu)) list.push(res);
      }
    }
    if (list.length !== VARIANTS) throw new Error('bench: read ' + r + ' got ' + list.length + ' answers from the virtual plant');
    out.push(list);
  }
  return out;
}

function answersFile(answers: Uint8Array[][]): Uint8Array {
  const parts: number[] = [];
  for (const list of answers) {
    parts.push(list.length);
    for (const a of list) {
      if (a.length > 255) throw new Error('bench: answer of ' + a.length + ' bytes');
      parts.push(a.length, ...a);
    }
  }
  return new Uint8Array(parts);
}

async function onDevice(answers: Uint8Array[][], engine: boolean): Promise<{ figures: PlantRunFigures; memBefore: number; memAfter: number }> {
  const dir = espruinoConfig.bundle.storageDir;
  const mods = espruinoConfig.storage.modules;
  const modules: { [name: string]: string } = {};
  for (const name of [mods.close, mods.seal]) modules[name] = readFileSync(join(dir, name), 'utf8');
  const code =
    'var BENCH_START_MS=' + START_MS + ',BENCH_MINUTES=' + MINUTES + ',BENCH_ENGINE=' + engine +
    ',BENCH_PLAN="' + Buffer.from(planBytes()).toString('base64') + '",BENCH_ANSWERS="' + Buffer.from(answersFile(answers)).toString('base64') +
    '",BENCH_MODULES=' + JSON.stringify(modules) + ';\n' + (await bundleSource("import './bench/device/entry';", 'bench-device'));
  const violations = checkEspruinoCode(code);
  if (violations.length) throw new Error('bench: the device bench does not pass the Espruino gate: ' + violations.map((v) => v.rule + ' ' + v.construct).join('; '));
  const cwd = mkdtempSync(join(tmpdir(), 'cems-bench-'));
  try {
    const out = await runScript('resizable', code, { cwd, timeoutMs: 900000 });
    const m = /^BENCH (.*)$/m.exec(out);
    if (!m || /Uncaught|OUT OF MEMORY/.test(out)) throw new Error('bench on the device failed:\n' + out.slice(-2000));
    return JSON.parse(m[1]) as { figures: PlantRunFigures; memBefore: number; memAfter: number };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function inNode(answers: Uint8Array[][], engine: boolean): PlantRunFigures {
  const saved: Uint8Array[] = [];
  const store: ChainStore = { save: (s) => saved.push(s) };
  return runPlantBench(
    { plan: openPlan(planBytes(), nodeSha256), answers, startMs: START_MS, minutes: MINUTES, hmacKey: new Uint8Array(32).map((_, i) => i + 1), engine },
    {
      wallMs: () => performance.now(),
      sha256: nodeSha256,
      closer: () => CLOSE,
      releaseClose: () => {},
      seal: () => SEAL,
      releaseSeal: () => {},
      store,
      saveEngineState: () => {},
      moduleLoads: new Float64Array(2),
    },
  );
}

function check(where: string, f: PlantRunFigures): void {
  // 2 h of hourly records (2 parts each) and the daily record at midnight, nothing dropped
  if (f.sealFailures > 0 || f.lastError !== '' || f.closes.length < 2) {
    throw new Error('bench ' + where + ': ' + f.closes.length + ' closes, ' + f.sealFailures + ' failures, last error ' + f.lastError);
  }
}

/** The quantities from a run with the engine (`f`) and one of acquisition alone (`acq`). */
function derived(f: PlantRunFigures, acq: PlantRunFigures): { [k: string]: number } {
  const hour = f.closes.filter((c) => new Date(c.atMs).getUTCHours() !== 0);
  const day = f.closes.filter((c) => new Date(c.atMs).getUTCHours() === 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    engineMsPerMinute: (f.responseMs - acq.responseMs + f.plainTickMs) / f.minutes,
    acquisitionMsPerMinute: (f.responseMs + f.wakeMs + f.plainTickMs) / f.minutes,
    samplesPerMinute: f.samples / f.minutes,
    decodeMsPerResponse: acq.responseMs / acq.responses,
    periodCloseMs: f.periodCloseMs / Math.max(1, f.periodCloses),
    dayCloseMs: f.dayCloseMs / Math.max(1, f.dayCloses),
    hourSnapshotMs: mean(hour.map((c) => c.snapshotMs)),
    hourLoadMs: mean(hour.map((c) => c.loadMs)),
    hourSealMs: mean(hour.map((c) => c.sealMs)),
    hourStorageMs: mean(hour.map((c) => c.storageMs)),
    hourTickMs: mean(hour.map((c) => c.ms)),
    hourRecords: mean(hour.map((c) => c.records)),
    hourBytes: mean(hour.map((c) => c.bytes)),
    dayTickMs: mean(day.map((c) => c.ms)),
    longestMs: f.longestMs,
    longestOtherMs: f.longestOtherMs,
  };
}

/** Runs both and returns the figures side by side (device = Espruino Linux build, resizable pool). */
export async function deviceBench(): Promise<DeviceBenchFigure[]> {
  const answers = recordAnswers(openPlan(planBytes(), nodeSha256));
  inNode(answers, true); // warm-up: the first Node run includes compilation
  const node = inNode(answers, true);
  const nodeAcq = inNode(answers, false);
  check('in Node', node);
  const device = await onDevice(answers, true);
  const deviceAcq = await onDevice(answers, false);
  check('on the device', device.figures);
  const d = derived(device.figures, deviceAcq.figures);
  const n = derived(node, nodeAcq);
  const fig = (name: string, key: string, unit: string, note?: string): DeviceBenchFigure => ({ name, device: d[key], node: n[key], unit, note });
  return [
    fig('engine per minute of data', 'engineMsPerMinute', 'ms', 'goal <= 10 ms; ' + d.samplesPerMinute.toFixed(0) + ' samples/min into the engine, minute closes'),
    fig('acquisition + engine per minute', 'acquisitionMsPerMinute', 'ms', 'with framing, decoding and requests'),
    fig('Modbus response decode', 'decodeMsPerResponse', 'ms', 'framing, CRC, judging, value and status decoding'),
    fig('period close (hour)', 'periodCloseMs', 'ms', 'the engine\'s hour close (emitPeriod): validity, substitution, rows'),
    fig('day close', 'dayCloseMs', 'ms', 'closeDay'),
    fig('close + seal modules loaded', 'hourLoadMs', 'ms', 'evaluating cems.close and cems.seal at an hour end'),
    fig('hourly record sealed', 'hourSealMs', 'ms', 'goal <= 40 ms; ' + d.hourRecords + ' parts, ' + Math.round(d.hourBytes) + ' B, HMAC'),
    fig('engine snapshot encoded at an hour end', 'hourSnapshotMs', 'ms', 'open periods and lookbacks, saved for a reboot'),
    fig('engine snapshot written to Storage', 'hourStorageMs', 'ms', 'flash emulated in a file on this build'),
    fig('hour-end tick', 'hourTickMs', 'ms', 'all of the above in one event-loop task'),
    fig('day-end tick', 'dayTickMs', 'ms', 'hour and day close, both records sealed'),
    fig('longest task', 'longestMs', 'ms', 'goal <= 100 ms: ' + device.figures.longestKind.replace(/ at \d+$/, '')),
    fig('longest task outside a close', 'longestOtherMs', 'ms', device.figures.longestOtherKind),
  ];
}
