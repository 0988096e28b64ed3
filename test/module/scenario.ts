// A deterministic stack for the record-side tests: the delivered plant (protocol/module/default-config.ts: GM32
// SO2/NO/NO2, X-STREAM CO2/O2/CO, stack gateway velocity/T/static pressure/moisture/dust) under a jurisdiction, its
// compiled plan run as the device runs it (engine, status windows, records service with the seal module linked in),
// sample streams with chosen analyzer states, and a one-hour run. Written in the Espruino subset: the same hour runs
// in the Espruino-profile sandbox (from the same plan bytes) and must give the same record bytes there.
import { bytesToAscii, toHex } from '../../protocol/bytes';
import type { Clock, Sha256 } from '../../protocol/ports';
import { STATUS_LIST, type Sample, type Status } from '../../protocol/sample';
import { closeDay, emitPeriod } from '../../protocol/cems/close';
import { createEngine, type Closer, type Engine } from '../../protocol/cems/engine';
import { encodeEngineSnapshot, restoreEngineSnapshot } from '../../protocol/cems/snapshot';
import { Acq, Meta, Section } from '../../protocol/plan/format';
import { openPlan, planF64, planStringBytes, type Plan } from '../../protocol/plan/reader';
import { enginePlan, rtuPlan } from '../../protocol/plan/views';
import type { ModuleConfig } from '../../protocol/module/config-types';
import { configChangeEvent } from '../../protocol/module/config-diff';
import { defaultConfigFor, type DefaultJurisdiction } from '../../protocol/module/default-config';
import {
  createRecords,
  recordsBoot,
  recordsEvent,
  recordsSample,
  recordsSigner,
  recordsTick,
  type ChainStore,
  type RecordSink,
  type Records,
} from '../../protocol/module/records';
import * as SEAL from '../../protocol/module/seal';
import { createStatusWindows } from '../../protocol/module/status-window';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import type { Signer } from '../../protocol/record/signer';
import { xorshift32 } from '../kit/sample-streams';

/** 2026-01-01T00:00:00Z. */
export const T0 = 1767225600000;
export const MINUTE = 60000;
export const HOUR = 3600000;
export const SCAN_MS = 2000;

export const PLANT_CHANNELS = ['so2', 'no', 'no2', 'co2', 'o2', 'co', 'velocity', 'temperature', 'static_pressure', 'moisture', 'dust'];
/** Base value and jitter (integer in [0, jitter) divided by den) per channel, in analyzer units. */
const BASE = [120, 150, 10, 11, 7, 30, 15, 140, -500, 12, 5];
const JITTER = [400, 300, 100, 50, 40, 200, 100, 100, 20, 30, 50];
const DEN = [100, 100, 100, 100, 100, 100, 100, 10, 1, 100, 100];

export const GM32_CHANNELS = ['so2', 'no', 'no2'];
export const STACK_CHANNELS = ['velocity', 'temperature', 'static_pressure', 'moisture', 'dust'];

/** The delivered plant (protocol/module/default-config.ts) under a jurisdiction. */
export function plantConfig(profile: string): ModuleConfig {
  return defaultConfigFor(profile as DefaultJurisdiction);
}

/** Analyzer state of a channel in a minute (minute index counted from the scenario start). */
export type StateOf = (channel: string, minute: number) => Status;

export function allValid(): Status {
  return 'VALID';
}

/**
 * The test hour's analyzer states: the GM32 runs a 15-minute check (CALIBRATION, minutes 20-34, enough to make its
 * hour invalid under an 80 % rule), the stack gateway is in maintenance for minutes 45-46.
 */
export function checkHour(ch: string, minute: number): Status {
  const m = minute % 60;
  if (GM32_CHANNELS.indexOf(ch) >= 0 && m >= 20 && m < 35) return 'CALIBRATION';
  if (STACK_CHANNELS.indexOf(ch) >= 0 && m >= 45 && m < 47) return 'MAINTENANCE';
  return 'VALID';
}

function nativeOf(st: Status): number {
  if (st === 'CALIBRATION') return 4;
  if (st === 'MAINTENANCE') return 2;
  if (st === 'FAULT') return 1;
  return 0;
}

/**
 * Delivers `minutes` minutes of samples from startMs (every channel every SCAN_MS, channel c at +c ms) to `push`,
 * and calls `tick` every 10 s of sample time. Returns the PRNG state so streams can continue.
 */
export function feedPlant(
  push: (s: Sample) => void,
  tick: (t: number) => void,
  startMs: number,
  minutes: number,
  seed: number,
  stateOf: StateOf,
): number {
  let rnd = seed;
  const steps = (minutes * MINUTE) / SCAN_MS;
  const firstMinute = Math.floor((startMs - T0) / MINUTE);
  for (let k = 0; k < steps; k++) {
    const t = startMs + k * SCAN_MS;
    const minute = firstMinute + Math.floor((k * SCAN_MS) / MINUTE);
    for (let c = 0; c < PLANT_CHANNELS.length; c++) {
      rnd = xorshift32(rnd);
      const st = stateOf(PLANT_CHANNELS[c], minute);
      push({
        channel: PLANT_CHANNELS[c],
        tMs: t + c,
        value: BASE[c] + ((rnd & 0x7fffffff) % JITTER[c]) / DEN[c],
        valid: st === 'VALID',
        status: st,
        native: nativeOf(st),
        source: 'scenario',
      });
    }
    if (k % 5 === 4) tick(t + SCAN_MS);
  }
  return rnd;
}

/** A clock the scenario moves by hand. */
export class ManualClock implements Clock {
  t = 0;
  constructor(t: number) {
    this.t = t;
  }
  nowMs(): number {
    return this.t;
  }
}

/** A ChainStore that keeps the last saved state in memory. */
export class MemoryStore implements ChainStore {
  saved: Uint8Array | null = null;
  writes = 0;
  save(state: Uint8Array): void {
    this.saved = new Uint8Array(state);
    this.writes++;
  }
}

/** The HMAC key and kid of the scenario records. */
export function scenarioKey(): Uint8Array {
  const k = new Uint8Array(32);
  for (let i = 0; i < 32; i++) k[i] = 0xa0 + i;
  return k;
}

export function scenarioKid(): Uint8Array {
  return new Uint8Array([0x43, 0x45, 0x4d, 0x53, 0x2d, 0x68, 0x31]);
}

/** The HMAC signer of the scenario records. */
export function scenarioSigner(sha256: Sha256): Signer {
  return createHmacSigner(sha256, scenarioKey(), scenarioKid());
}

export function scenarioFirmware(sha256: Sha256): { hash: Uint8Array; version: string } {
  return { hash: sha256(new Uint8Array([1, 2, 3])), version: '0.1.0' };
}

const CLOSER: Closer = { emitPeriod: emitPeriod, closeDay: closeDay };

/** The period close, linked in (on the device a Storage module loaded on demand). */
export function plantCloser(): Closer {
  return CLOSER;
}

function sealModule(): typeof SEAL {
  return SEAL;
}

function keepLoaded(): void {}

/** The records service over a plan, as the firmware wires it, with the seal module linked in. */
export interface PlantStack {
  plan: Plan;
  engine: Engine;
  svc: Records;
  /** Acquired channel table (Acq rows) and each channel id's row. */
  acq: Float64Array;
  acqOf: { [id: string]: number };
}

export interface PlantOptions {
  clock: Clock;
  store: ChainStore;
  sink: RecordSink;
  saveEngineState: ((snapshot: Uint8Array) => void) | null;
  maxQueue: number;
}

/** Acquired channel ids of a plan, to their row in the ACQ table. */
export function acquiredChannels(plan: Plan): { [id: string]: number } {
  const acq = rtuPlan(plan).acq;
  const out: { [id: string]: number } = {};
  for (let a = 0; a < acq.length / Acq.FIELDS; a++) out['#' + bytesToAscii(planStringBytes(plan, acq[a * Acq.FIELDS + Acq.ID]))] = a;
  return out;
}

export function createPlantStack(sha256: Sha256, plan: Plan, o: PlantOptions): PlantStack {
  const rp = rtuPlan(plan);
  const meta = planF64(plan, Section.META);
  const engine = createEngine(enginePlan(plan), plantCloser);
  const svc = createRecords({
    plan: plan,
    engine: engine,
    windows: createStatusWindows(plan, rp.acq, rp.groups, rp.devices),
    sha256: sha256,
    clock: o.clock,
    store: o.store,
    sink: o.sink,
    firmware: scenarioFirmware(sha256),
    seal: sealModule,
    releaseSeal: keepLoaded,
    saveEngineState: o.saveEngineState,
    timeSource: 'ntp',
    reserveBlock: meta[Meta.RESERVE_BLOCK],
    maxQueue: o.maxQueue,
  });
  return { plan: plan, engine: engine, svc: svc, acq: rp.acq, acqOf: acquiredChannels(plan) };
}

/** A scenario sample as the Modbus runtime hands it over: acquired channel, engine channel, status code. */
export function pushPlantSample(stack: PlantStack, s: Sample): void {
  const a = stack.acqOf['#' + s.channel];
  recordsSample(stack.svc, a, stack.acq[a * Acq.FIELDS + Acq.CHANNEL], s.tMs, s.value, STATUS_LIST.indexOf(s.status), s.native);
}

export interface PlantHour {
  /** The sealed records (COSE_Mac0 or COSE_Sign1 bytes) as hex, in sink order. */
  records: string[];
  /** The engine snapshot after the hour, and the snapshot of a second engine restored from it. */
  snapshot: string;
  restored: string;
}

/**
 * Boots the records service of `planBytes` (the plant under `profile`) at T0 - 1 s, runs one hour of the plant with
 * the test hour's analyzer states, closes the hour, then records a configuration change (a new QAL2 slope for SO2).
 */
export function runPlantHour(sha256: Sha256, planBytes: Uint8Array, profile: string, signer: Signer | null): PlantHour {
  const clock = new ManualClock(T0 - 1000);
  const out: string[] = [];
  const plan = openPlan(planBytes, sha256);
  const stack = createPlantStack(sha256, plan, {
    clock: clock,
    store: new MemoryStore(),
    sink: function (cose: Uint8Array): void {
      out.push(toHex(cose));
    },
    saveEngineState: null,
    maxQueue: 8,
  });
  recordsSigner(stack.svc, signer ? signer : scenarioSigner(sha256));
  recordsBoot(stack.svc, 'power-on', null, null, null);
  feedPlant(
    function (s) {
      clock.t = s.tMs;
      pushPlantSample(stack, s);
    },
    function (t) {
      clock.t = t;
      recordsTick(stack.svc, t);
    },
    T0,
    60,
    1,
    checkHour,
  );
  clock.t = T0 + HOUR + 6000;
  recordsTick(stack.svc, clock.t);
  const changed = plantConfig(profile);
  const so2 = changed.emissions.channels[0];
  if (so2.calibration) so2.calibration = { id: 'QAL2-2026-001', date: '2026-01-01', a: so2.calibration.a, b: '1.036' };
  recordsEvent(stack.svc, configChangeEvent(plantConfig(profile), changed, sha256, clock.t, 'tech-1'));
  clock.t = T0 + HOUR + 7000;
  recordsTick(stack.svc, clock.t);
  const snapshot = SEAL.engineSnapshot(stack.svc);
  const again = createEngine(enginePlan(plan), plantCloser);
  restoreEngineSnapshot(again, snapshot, plan.hash);
  return { records: out, snapshot: toHex(snapshot), restored: toHex(encodeEngineSnapshot(again, plan.hash)) };
}
