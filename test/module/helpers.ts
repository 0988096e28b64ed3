// Test harness for the record pipeline: a pipeline over the scenario plant with a capturing sink, a twin engine fed
// the same samples (the reference for bit-for-bit comparisons), signers that defer or fail, and record decoding
// through the host verifier.
import type { Sample, Status } from '../../protocol/sample';
import { compileConfig } from '../../protocol/cems/config';
import {
  advance,
  createEngine,
  pushSample,
  takeOutput,
  type CemsEngine,
  type EngineEvent,
  type PeriodValue,
  type SubstituteValue,
} from '../../protocol/cems/engine';
import { codedError, type CodedError } from '../../protocol/errors';
import { RecordPipeline, type PipelineOptions, type RecordInfo } from '../../protocol/module/pipeline';
import type { ModuleConfig } from '../../protocol/module/config-types';
import { validateModuleConfig } from '../../protocol/module/config';
import type { QuantityData, RecordData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { KeyRing } from '../../host-sim/verifier/keys';
import { verifyRecords, type VerificationReport } from '../../host-sim/verifier/verify';
import {
  feedPlant,
  ManualClock,
  MemoryStore,
  plantConfig,
  scenarioFirmware,
  scenarioKey,
  scenarioKid,
  scenarioSigner,
  T0,
  type StateOf,
} from './scenario';

export const sha256 = nodeSha256;

export function hmacSigner(): Signer {
  return scenarioSigner(sha256);
}

export function hmacKeys(): KeyRing {
  return new KeyRing().addHmacKey(scenarioKid(), scenarioKey());
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
  sign(tbs: Uint8Array, done: (err: CodedError | null, sig: Uint8Array | null) => void): void {
    this.pending.push(() => this.inner.sign(tbs, done));
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
  sign(tbs: Uint8Array, done: (err: CodedError | null, sig: Uint8Array | null) => void): void {
    this.calls++;
    if (this.calls <= this.failures) done(codedError('ATECC_TIMEOUT', 'no response from the secure element'), null);
    else this.inner.sign(tbs, done);
  }
}

export interface Sealed {
  cose: Uint8Array;
  info: RecordInfo;
}

/** A pipeline over the scenario plant with an in-memory chain store and a capturing sink. */
export class Harness {
  readonly clock: ManualClock;
  readonly store: MemoryStore;
  readonly sealed: Sealed[] = [];
  readonly snapshots: Uint8Array[] = [];
  readonly pipeline: RecordPipeline;
  readonly config: ModuleConfig;

  constructor(
    profile: string,
    opts: { signer?: Signer; store?: MemoryStore; engineState?: Uint8Array | null; maxQueue?: number; startMs?: number } = {},
  ) {
    this.config = plantConfig(profile);
    const checked = validateModuleConfig(this.config);
    if (!checked.config) throw new Error('scenario config invalid: ' + checked.errors.join('; '));
    this.clock = new ManualClock(opts.startMs ?? T0 - 1000);
    this.store = opts.store ?? new MemoryStore();
    const o: PipelineOptions = {
      config: this.config,
      signer: opts.signer ?? hmacSigner(),
      sha256,
      clock: this.clock,
      store: this.store,
      sink: (cose, info) => this.sealed.push({ cose, info }),
      firmware: scenarioFirmware(sha256),
      engineState: opts.engineState ?? null,
      saveEngineState: (s) => this.snapshots.push(s),
    };
    if (opts.maxQueue !== undefined) o.maxQueue = opts.maxQueue;
    this.pipeline = new RecordPipeline(o);
  }

  boot(persisted: Uint8Array | null = null, journalTail: { seq: number; hash: Uint8Array } | null = null): void {
    this.pipeline.boot({ reason: persisted ? 'watchdog' : 'power-on', persisted, journalTail });
  }

  push = (s: Sample): void => {
    this.clock.t = s.tMs;
    this.pipeline.onSample(s);
  };

  tick = (t: number): void => {
    this.clock.t = t;
    this.pipeline.tick(t);
  };

  /** Feeds minutes of plant samples from startMs and ticks past the end (close delay included). */
  run(startMs: number, minutes: number, stateOf: StateOf, seed = 1): number {
    const rnd = feedPlant(this.push, this.tick, startMs, minutes, seed, stateOf);
    this.tick(startMs + minutes * 60000 + 6000);
    return rnd;
  }

  records(): Uint8Array[] {
    return this.sealed.map((s) => s.cose);
  }
}

/** The engine alone, fed exactly what a Harness gets: the reference values of every period. */
export class Twin {
  readonly engine: CemsEngine;
  periods: PeriodValue[] = [];
  substitutes: SubstituteValue[] = [];
  events: EngineEvent[] = [];

  constructor(profile: string) {
    this.engine = createEngine(compileConfig(plantConfig(profile).emissions), null);
  }

  push = (s: Sample): void => pushSample(this.engine, s);

  tick = (t: number): void => {
    advance(this.engine, t);
    const out = takeOutput(this.engine);
    this.periods.push(...out.periods);
    this.substitutes.push(...out.substitutes);
    this.events.push(...out.events);
  };

  run(startMs: number, minutes: number, stateOf: StateOf, seed = 1): number {
    const rnd = feedPlant(this.push, this.tick, startMs, minutes, seed, stateOf);
    this.tick(startMs + minutes * 60000 + 6000);
    return rnd;
  }

  period(q: string, startMs: number): PeriodValue {
    const p = this.periods.find((x) => x.q === q && x.startMs === startMs);
    if (!p) throw new Error('twin has no period ' + q + ' @' + startMs);
    return p;
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
