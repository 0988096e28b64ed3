// The device's hot path under a stopwatch: a plan's Modbus runtime, engine and records service driven like the
// firmware's event loop (firmware/uart-bus.ts, firmware/main.ts), with recorded analyzer answers instead of a UART and
// virtual time instead of timers. Each event-loop task is timed on its own: a poller wake (request written), a
// response arriving (framing, decoding, samples into the engine), the one-second tick (minute closes; at an hour or
// day end the period close, the records of the period sealed, the engine state saved). Written in the Espruino
// subset: bench/device/entry.ts runs it on the real interpreter, bench/device-path.ts in Node.
import { M } from '../../protocol/modbus/rtu-master';
import { createRtuBus, pollerBytes, pollerTick, pollerWake } from '../../protocol/modbus/rtu-poller';
import type { RtuBus } from '../../protocol/modbus/rtu-master';
import { createEngine, type Closer } from '../../protocol/cems/engine';
import { Acq, Bus, Meta, Section } from '../../protocol/plan/format';
import { planF64, type Plan } from '../../protocol/plan/reader';
import { enginePlan, rtuPlan } from '../../protocol/plan/views';
import type { Sha256 } from '../../protocol/ports';
import {
  createRecords,
  recordsBoot,
  recordsClockSynced,
  recordsSample,
  recordsSigner,
  recordsTick,
  RS,
  type ChainStore,
  type RecordInfo,
  type SealModule,
} from '../../protocol/module/records';
import { createStatusWindows } from '../../protocol/module/status-window';
import { createHmacSigner } from '../../protocol/record/hmac-signer';

/** How the run reaches the device's code and storage (Storage modules and files on the device, linked in Node). */
export interface PlantRunPorts {
  /** Wall-clock milliseconds with sub-millisecond resolution (getTime() * 1000, performance.now()). */
  wallMs: () => number;
  sha256: Sha256;
  closer: () => Closer;
  releaseClose: () => void;
  seal: () => SealModule;
  releaseSeal: () => void;
  store: ChainStore;
  saveEngineState: ((snapshot: Uint8Array) => void) | null;
  /** Filled by the loaders: milliseconds spent evaluating modules, and how many times. */
  moduleLoads: Float64Array;
}

export interface PlantRunOptions {
  plan: Plan;
  /** Per read of the plan: answers recorded from the analyzers, served in turn. */
  answers: Uint8Array[][];
  startMs: number;
  minutes: number;
  hmacKey: Uint8Array;
  /** false: the samples go nowhere and no tick runs (what acquisition alone costs). */
  engine: boolean;
}

/** A one-second tick that sealed period records: its whole time and its parts (sealing includes the chain-state
 *  writes to Storage; the engine snapshot is encoded, then written to Storage). */
export interface CloseTask {
  atMs: number;
  ms: number;
  sealMs: number;
  /** Writing the engine snapshot to Storage. */
  storageMs: number;
  /** Encoding the engine snapshot. */
  snapshotMs: number;
  /** Evaluating the close and seal modules. */
  loadMs: number;
  records: number;
  bytes: number;
}

export interface PlantRunFigures {
  minutes: number;
  samples: number;
  responses: number;
  /** Response tasks (framing, CRC, judging, decoding; with the engine, the samples pushed into it), summed. */
  responseMs: number;
  /** Ticks without a period close (minute closes, housekeeping), summed. */
  plainTickMs: number;
  /** The engine's period closes (emitPeriod) and day closes (closeDay), summed, and how many. */
  periodCloseMs: number;
  periodCloses: number;
  dayCloseMs: number;
  dayCloses: number;
  /** Loading the close and seal modules (evaluating their text), summed, and how often. */
  moduleLoadMs: number;
  moduleLoads: number;
  /** Poller wakes (requests written, timeouts), summed. */
  wakeMs: number;
  closes: CloseTask[];
  longestMs: number;
  longestKind: string;
  /** Longest task that is not a period close. */
  longestOtherMs: number;
  longestOtherKind: string;
  recordsSealed: number;
  sealFailures: number;
  lastError: string;
}

const TICK_MS = 1000;
/** When a recorded answer arrives after its request: the wire time of a short answer at 9600 baud and a turnaround. */
const ANSWER_DELAY_MS = 15;

/** The seal module with its handleOutput and sealNext calls timed into `acc[0]`, engineSnapshot into `acc[1]`. */
function timedSeal(module: SealModule, wallMs: () => number, acc: Float64Array): SealModule {
  return {
    boot: module.boot,
    engineSnapshot: function (svc) {
      const t0 = wallMs();
      const snapshot = module.engineSnapshot(svc);
      acc[1] += wallMs() - t0;
      return snapshot;
    },
    handleOutput: function (svc, out, nowMs) {
      const t0 = wallMs();
      module.handleOutput(svc, out, nowMs);
      acc[0] += wallMs() - t0;
    },
    sealNext: function (svc) {
      const t0 = wallMs();
      module.sealNext(svc);
      acc[0] += wallMs() - t0;
    },
  };
}

/** The close module with emitPeriod and closeDay timed into `acc[0]` and `acc[1]`, calls counted in `acc[2]`, `acc[3]`. */
function timedCloser(module: Closer, wallMs: () => number, acc: Float64Array): Closer {
  return {
    emitPeriod: function (e) {
      const t0 = wallMs();
      module.emitPeriod(e);
      acc[0] += wallMs() - t0;
      acc[2]++;
    },
    closeDay: function (e) {
      const t0 = wallMs();
      module.closeDay(e);
      acc[1] += wallMs() - t0;
      acc[3]++;
    },
  };
}

export function runPlantBench(o: PlantRunOptions, ports: PlantRunPorts): PlantRunFigures {
  const plan = o.plan;
  const rp = rtuPlan(plan);
  const meta = planF64(plan, Section.META);
  const wallMs = ports.wallMs;
  let vt = o.startMs;
  const clock = {
    nowMs: function (): number {
      return vt;
    },
  };
  const sealAcc = new Float64Array(2);
  const closeAcc = new Float64Array(4);
  const storageAcc = new Float64Array(1);
  const save = ports.saveEngineState;
  let tickRecords = 0;
  let tickBytes = 0;
  const f: PlantRunFigures = {
    minutes: o.minutes, samples: 0, responses: 0, responseMs: 0, plainTickMs: 0, periodCloseMs: 0, periodCloses: 0, dayCloseMs: 0, dayCloses: 0, moduleLoadMs: 0, moduleLoads: 0, wakeMs: 0, closes: [],
    longestMs: 0, longestKind: '', longestOtherMs: 0, longestOtherKind: '', recordsSealed: 0, sealFailures: 0, lastError: '',
  };
  const svc = createRecords({
    plan: plan,
    engine: createEngine(enginePlan(plan), function (): Closer {
      return timedCloser(ports.closer(), wallMs, closeAcc);
    }),
    windows: createStatusWindows(plan, rp.acq, rp.groups, rp.devices),
    sha256: ports.sha256,
    clock: clock,
    store: ports.store,
    sink: function (record: Uint8Array, info: RecordInfo): void {
      if (info.kind !== 'period') return;
      tickRecords++;
      tickBytes += record.length;
    },
    firmware: { hash: ports.sha256(new Uint8Array(0)), version: 'bench' },
    seal: function (): SealModule {
      return timedSeal(ports.seal(), wallMs, sealAcc);
    },
    releaseSeal: ports.releaseSeal,
    saveEngineState: save === null ? null : function (snapshot: Uint8Array): void {
      const t0 = wallMs();
      save(snapshot);
      storageAcc[0] += wallMs() - t0;
    },
    timeSource: 'ntp',
    reserveBlock: meta[Meta.RESERVE_BLOCK],
    maxQueue: 4,
  });
  recordsClockSynced(svc, vt, 'ntp', 0);
  recordsSigner(svc, createHmacSigner(ports.sha256, o.hmacKey, new Uint8Array([98, 101, 110, 99, 104])));
  recordsBoot(svc, 'power-on', null, null, null);

  const nBuses = rp.buses.length / Bus.FIELDS;
  const buses: RtuBus[] = [];
  const answerAt: number[] = [];
  const answerRead: number[] = [];
  const served: number[] = [];
  for (let r = 0; r < o.answers.length; r++) served.push(0);
  function busTx(b: number): { write: (bytes: Uint8Array) => void } {
    return {
      write: function (): void {
        answerAt[b] = vt + ANSWER_DELAY_MS;
        answerRead[b] = buses[b].s[M.READ];
      },
    };
  }
  function emit(acq: number, t: number, value: number, status: number, native: number): void {
    f.samples++;
    if (!o.engine) return;
    recordsSample(svc, acq, rp.acq[acq * Acq.FIELDS + Acq.CHANNEL], t, value, status, native);
  }
  for (let b = 0; b < nBuses; b++) {
    answerAt.push(-1);
    answerRead.push(-1);
    buses.push(createRtuBus(rp, b, busTx(b), emit));
  }
  for (let b = 0; b < nBuses; b++) pollerTick(buses[b], vt);

  function note(kind: string, ms: number, isClose: boolean): void {
    if (ms > f.longestMs) {
      f.longestMs = ms;
      f.longestKind = kind;
    }
    if (!isClose && ms > f.longestOtherMs) {
      f.longestOtherMs = ms;
      f.longestOtherKind = kind;
    }
  }

  const endMs = o.startMs + o.minutes * 60000;
  let nextTick = o.startMs + TICK_MS;
  while (vt < endMs) {
    let t = nextTick;
    let kind = 0;
    let bus = -1;
    for (let b = 0; b < nBuses; b++) {
      if (answerAt[b] >= 0 && answerAt[b] < t) {
        t = answerAt[b];
        kind = 1;
        bus = b;
      }
      const w = pollerWake(buses[b]);
      if (w >= 0 && w < t) {
        t = w < vt ? vt : w;
        kind = 2;
        bus = b;
      }
    }
    vt = t;
    if (kind === 0) {
      nextTick += TICK_MS;
      if (!o.engine) continue;
      sealAcc[0] = 0;
      sealAcc[1] = 0;
      storageAcc[0] = 0;
      tickRecords = 0;
      tickBytes = 0;
      const loadBefore = ports.moduleLoads[0];
      const t0 = wallMs();
      recordsTick(svc, vt);
      ports.releaseClose();
      const ms = wallMs() - t0;
      if (tickRecords > 0) {
        f.closes.push({ atMs: vt, ms: ms, sealMs: sealAcc[0], storageMs: storageAcc[0], snapshotMs: sealAcc[1], loadMs: ports.moduleLoads[0] - loadBefore, records: tickRecords, bytes: tickBytes });
        note('tick with period close at ' + vt, ms, true);
      } else {
        f.plainTickMs += ms;
        note('tick', ms, false);
      }
    } else if (kind === 1) {
      const read = answerRead[bus];
      answerAt[bus] = -1;
      const list = o.answers[read];
      const answer = list[served[read] % list.length];
      served[read]++;
      const t0 = wallMs();
      pollerBytes(buses[bus], answer, vt);
      const ms = wallMs() - t0;
      f.responses++;
      f.responseMs += ms;
      note('response', ms, false);
    } else {
      const t0 = wallMs();
      pollerTick(buses[bus], vt);
      const ms = wallMs() - t0;
      f.wakeMs += ms;
      note('poller wake', ms, false);
    }
  }
  f.periodCloseMs = closeAcc[0];
  f.dayCloseMs = closeAcc[1];
  f.periodCloses = closeAcc[2];
  f.dayCloses = closeAcc[3];
  f.moduleLoadMs = ports.moduleLoads[0];
  f.moduleLoads = ports.moduleLoads[1];
  f.recordsSealed = svc.st[RS.RECORDS_SIGNED];
  f.sealFailures = svc.st[RS.FAILED] + svc.st[RS.DROPPED];
  f.lastError = svc.lastError;
  return f;
}
