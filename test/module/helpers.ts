// Test harness for the record side: the records service over the scenario plant's compiled plan with a capturing
// sink, a twin engine on the same plan fed the same samples (the reference for bit-for-bit comparisons), signers that
// defer or fail, readable status counters, and record decoding through the host verifier.
import { STATUS_LIST, type Sample, type Status } from '../../protocol/sample';
import { advance, createEngine, G, PR, pushSample, takeOutput, type Engine, type EngineEvent, type EngineOutput, type Substitute } from '../../protocol/cems/engine';
import { codedError, type CodedError } from '../../protocol/errors';
import { Acq, OutClose } from '../../protocol/plan/format';
import { openPlan, type Plan } from '../../protocol/plan/reader';
import { compilePlan } from '../../protocol/plan/compile';
import { enginePlan, rtuPlan } from '../../protocol/plan/views';
import { recordsBoot, recordsSigner, recordsTick, RS, type RecordInfo, type Records } from '../../protocol/module/records';
import type { ModuleConfig } from '../../protocol/module/config-types';
import type { QuantityData, RecordData } from '../../protocol/record/schema';
import type { ChainLink } from '../../protocol/record/chain-state';
import type { Signer } from '../../protocol/record/signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords, type VerificationReport } from '../../host-sim/verifier/verify';
import { outputOf } from '../kit/record-kit';
import {
  acquiredChannels,
  createPlantStack,
  feedPlant,
  ManualClock,
  MemoryStore,
  plantCloser,
  plantConfig,
  pushPlantSample,
  scenarioKey,
  scenarioKid,
  scenarioSigner,
  T0,
  type PlantStack,
  type StateOf,
} from './scenario';

export const sha256 = nodeSha256;

export function hmacSigner(): Signer {
  return scenarioSigner(sha256);
}

export function hmacKeys(): KeyRing {
  return new KeyRing().addHmacKey(scenarioKid(), scenarioKey());
}

const plans: { [profile: string]: Uint8Array } = {};

/** The compiled plan of the scenario plant under `profile` (compiled once per profile). */
export function plantPlanBytes(profile: string): Uint8Array {
  if (!plans[profile]) plans[profile] = compilePlan(plantConfig(profile), sha256).bytes;
  return plans[profile];
}

export function plantPlan(profile: string): Plan {
  return openPlan(plantPlanBytes(profile), sha256);
}

/** A signer whose callbacks wait until the test releases them (the secure element's execution delay). */
export class DeferredSigner implements Signer {
  readonly alg: number;
  readonly kid: Uint8Array;
  pending: (() => void)[] = [];
  constructor(private inner: Signer) {
    this.alg = inner.alg;
    this.kid = inner.kid;
  }
  sign(buf: Uint8Array, start: number, end: number, done: (err: CodedError | null, sig: Uint8Array | null) => void): void {
    this.pending.push(() => this.inner.sign(buf, start, end, done));
  }
  /** Runs waiting signatures (and those their completions start) until none is left; returns how many ran. */
  releaseAll(): number {
    let n = 0;
    while (this.pending.length > 0) {
      this.pending.shift()!();
      n++;
    }
    return n;
  }
}

/** A signer that fails its first `failures` calls with a coded error. */
export class FlakySigner implements Signer {
  readonly alg: number;
  readonly kid: Uint8Array;
  calls = 0;
  constructor(private inner: Signer, private failures: number) {
    this.alg = inner.alg;
    this.kid = inner.kid;
  }
  sign(buf: Uint8Array, start: number, end: number, done: (err: CodedError | null, sig: Uint8Array | null) => void): void {
    this.calls++;
    if (this.calls <= this.failures) done(codedError('ATECC_TIMEOUT', 'no response from the secure element'), null);
    else this.inner.sign(buf, start, end, done);
  }
}

export interface Sealed {
  cose: Uint8Array;
  info: RecordInfo;
}

/** The service's counters by name, with the engine's rejections. */
export interface RecordsStatus {
  booted: boolean;
  samples: number;
  samplesBeforeClock: number;
  rejected: { late: number; nonMonotonic: number; badTime: number; unknownChannel: number; clockBack: number };
  badTicks: number;
  periodsClosed: number;
  daysClosed: number;
  recordsBuilt: number;
  recordsSigned: number;
  splitPeriods: number;
  supplements: number;
  queued: number;
  inFlight: boolean;
  dropped: number;
  failed: number;
  retries: number;
  sinkErrors: number;
  substitutionUnavailable: number;
  engineStateRestored: boolean;
  lastSeq: number;
  lastError: string;
}

export function recordsStatus(svc: Records): RecordsStatus {
  const s = svc.st;
  const g = svc.o.engine.g;
  return {
    booted: svc.booted,
    samples: s[RS.SAMPLES],
    samplesBeforeClock: s[RS.SAMPLES_BEFORE_CLOCK],
    rejected: { late: g[G.LATE], nonMonotonic: g[G.NON_MONOTONIC], badTime: g[G.BAD_TIME], unknownChannel: g[G.UNKNOWN_CHANNEL], clockBack: g[G.CLOCK_BACK] },
    badTicks: s[RS.BAD_TICKS],
    periodsClosed: s[RS.PERIODS_CLOSED],
    daysClosed: s[RS.DAYS_CLOSED],
    recordsBuilt: s[RS.RECORDS_BUILT],
    recordsSigned: s[RS.RECORDS_SIGNED],
    splitPeriods: s[RS.SPLIT_PERIODS],
    supplements: s[RS.SUPPLEMENTS],
    queued: svc.queue.length,
    inFlight: svc.inFlight,
    dropped: s[RS.DROPPED],
    failed: s[RS.FAILED],
    retries: s[RS.RETRIES],
    sinkErrors: s[RS.SINK_ERRORS],
    substitutionUnavailable: s[RS.SUBSTITUTION_UNAVAILABLE],
    engineStateRestored: svc.engineStateRestored,
    lastSeq: svc.lastSeq,
    lastError: svc.lastError,
  };
}

/** The records service over the scenario plant with an in-memory chain store and a capturing sink. */
export class Harness {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly sealed: Sealed[] = [];
  readonly snapshots: Uint8Array[] = [];
  readonly config: ModuleConfig;
  readonly stack: PlantStack;
  readonly svc: Records;
  private readonly engineState: Uint8Array | null;

  constructor(
    profile: string,
    opts: { signer?: Signer; store?: MemoryStore; engineState?: Uint8Array | null; maxQueue?: number; startMs?: number } = {},
  ) {
    this.config = plantConfig(profile);
    this.clock = new ManualClock(opts.startMs ?? T0 - 1000);
    this.store = opts.store ?? new MemoryStore();
    this.engineState = opts.engineState ?? null;
    this.stack = createPlantStack(sha256, plantPlan(profile), {
      clock: this.clock,
      store: this.store,
      sink: (cose, info) => this.sealed.push({ cose, info }),
      saveEngineState: (s) => this.snapshots.push(s),
      maxQueue: opts.maxQueue ?? 8,
    });
    this.svc = this.stack.svc;
    recordsSigner(this.svc, opts.signer ?? hmacSigner());
  }

  get plan(): Plan {
    return this.stack.plan;
  }

  get engine(): Engine {
    return this.stack.engine;
  }

  boot(persisted: Uint8Array | null = null, journalTail: ChainLink | null = null): void {
    recordsBoot(this.svc, persisted ? 'watchdog' : 'power-on', persisted, journalTail, this.engineState);
  }

  push = (s: Sample): void => {
    this.clock.t = s.tMs;
    pushPlantSample(this.stack, s);
  };

  tick = (t: number): void => {
    this.clock.t = t;
    recordsTick(this.svc, t);
  };

  /** Feeds minutes of plant samples from startMs and ticks past the end (close delay included). */
  run(startMs: number, minutes: number, stateOf: StateOf, seed = 1): number {
    const rnd = feedPlant(this.push, this.tick, startMs, minutes, seed, stateOf);
    this.tick(startMs + minutes * 60000 + 6000);
    return rnd;
  }

  /** Hands `out` to the service as the engine's output of a tick at t (engine output the plant cannot produce). */
  inject(out: EngineOutput, t: number): void {
    this.engine.out = out;
    this.tick(t);
  }

  records(): Uint8Array[] {
    return this.sealed.map((s) => s.cose);
  }

  status(): RecordsStatus {
    return recordsStatus(this.svc);
  }
}

/** The engine alone on the same plan, fed exactly what a Harness gets: the reference values of every period. */
export class Twin {
  readonly plan: Plan;
  readonly engine: Engine;
  private readonly acq: Float64Array;
  private readonly acqOf: { [id: string]: number };
  periods: { startMs: number; rows: Float64Array }[] = [];
  substitutes: Substitute[] = [];
  events: EngineEvent[] = [];

  constructor(profile: string) {
    this.plan = plantPlan(profile);
    this.engine = createEngine(enginePlan(this.plan), plantCloser);
    this.acq = rtuPlan(this.plan).acq;
    this.acqOf = acquiredChannels(this.plan);
  }

  push = (s: Sample): void => {
    const a = this.acqOf['#' + s.channel];
    pushSample(this.engine, this.acq[a * Acq.FIELDS + Acq.CHANNEL], s.tMs, s.value, STATUS_LIST.indexOf(s.status), s.native);
  };

  tick = (t: number): void => {
    advance(this.engine, t);
    const out = takeOutput(this.engine);
    this.periods.push(...out.periods);
    this.substitutes.push(...out.subs);
    this.events.push(...out.events);
  };

  run(startMs: number, minutes: number, stateOf: StateOf, seed = 1): number {
    const rnd = feedPlant(this.push, this.tick, startMs, minutes, seed, stateOf);
    this.tick(startMs + minutes * 60000 + 6000);
    return rnd;
  }

  /** Engine output index of record quantity `id` (a mass total shares its mass rate's output). */
  out(id: string): number {
    return outputOf(this.plan, id);
  }

  /** The engine's closed period of output `out` at startMs (PR fields). */
  row(out: number, startMs: number): Float64Array {
    const p = this.periods.find((x) => x.startMs === startMs);
    if (!p) throw new Error('twin has no period @' + startMs);
    return p.rows.subarray(out * PR.FIELDS, (out + 1) * PR.FIELDS);
  }

  /** Whether output `out` is measured (its raw mean is reported). */
  measured(out: number): boolean {
    return this.engine.oc[out * OutClose.FIELDS + OutClose.MEASURED] === 1;
  }

  substitute(id: string): Substitute {
    const out = this.out(id);
    const s = this.substitutes.find((x) => x.out === out);
    if (!s) throw new Error('twin has no substitute for ' + id);
    return s;
  }
}

export function verify(records: Uint8Array[], keys: KeyRing = hmacKeys()): VerificationReport {
  return verifyRecords(records, { keys, deviceId: 'cems-default' });
}

export function decoded(report: VerificationReport): RecordData[] {
  return report.results.map((r) => {
    if (!r.record) throw new Error('record ' + r.index + ' did not decode: ' + JSON.stringify(r.findings));
    return r.record;
  });
}

/** Every quantity of the period records for startMs (all parts, in order), of supplements or of the others. */
export function quantitiesOf(records: RecordData[], startMs: number, supplement = false): QuantityData[] {
  const out: QuantityData[] = [];
  for (const r of records) {
    if (!r.period || r.period.startMs !== startMs) continue;
    if ((r.period.supplement === true) === supplement) out.push(...r.period.quantities);
  }
  return out;
}

/** Errors and warnings of a verification (info findings such as PERIOD_PART and PERIOD_SUPPLEMENT left out). */
export function unexpectedFindings(report: VerificationReport): string[] {
  const out: string[] = [];
  for (const r of report.results) for (const f of r.findings) if (f.severity !== 'info') out.push(r.index + ':' + f.code + ' ' + f.message);
  return out;
}

/** "index:CODE" of every info finding. */
export function infoFindings(report: VerificationReport): string[] {
  const out: string[] = [];
  for (const r of report.results) for (const f of r.findings) if (f.severity === 'info') out.push(r.index + ':' + f.code);
  return out;
}

/** A status function: `base` everywhere except `channels` in [fromMinute, toMinute), which get `status`. */
export function window(channels: string[], fromMinute: number, toMinute: number, status: Status, base: StateOf = () => 'VALID'): StateOf {
  return (ch, m) => (channels.includes(ch) && m >= fromMinute && m < toMinute ? status : base(ch, m));
}
