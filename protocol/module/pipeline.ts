// The record pipeline: acquisition Samples -> emissions engine (1-minute values, period aggregates with validity,
// substitutes, events) -> record bodies -> RecordChain (seq, prev hash, signature) -> sink (journal, MQTT).
//
// No timers: the firmware calls tick(nowMs) from a setInterval. onSample only accumulates (and notes analyzer status
// windows); records are built in tick() and sealed there or in the signer's callbacks, one at a time, in order.
// The queue of records waiting for the signer is bounded: when it is full the newest record is dropped, counted, and
// declared afterwards by a gap event (reason journal-overflow) over the time range it covered, so a stuck signer can
// neither exhaust memory nor hide a hole in the record series.
import { codedError, errorCode, errorMessage, type CodedError } from '../errors';
import type { Clock, Sha256 } from '../ports';
import type { Sample } from '../sample';
import { compileConfig, type CemsConfig } from '../cems/config';
import { advance, createEngine, pushSample, takeOutput, type CemsEngine, type CemsOutput } from '../cems/engine';
import { isTimestamp } from '../cems/time';
import { RecordChain, type ChainLink, type ChainStore } from '../record/chain';
import {
  MAX_RECORD_BYTES,
  type EventData,
  type Identity,
  type PeriodData,
  type RebootReason,
  type RecordBody,
  type TimeInfo,
  type TimeSource,
} from '../record/schema';
import type { Signer } from '../record/signer';
import { configChangeEvent, configHash } from './config-diff';
import type { ModuleConfig } from './config-types';
import { engineEventData, lostRecordsEvent } from './engine-events';
import { decodeEngineSnapshot, encodeEngineSnapshot } from './engine-snapshot';
import { buildPeriodRecords } from './period-records';
import { splitPeriod } from './period-split';
import { createRecordContext, type RecordContext } from './record-context';
import { coseOverheadBytes, payloadBytes } from './record-size';
import { StatusWindows } from './status-window';

/** Records waiting for the signer (a part of the delivered plant's hourly record is roughly 1,000 JsVars). */
export const DEFAULT_MAX_QUEUE = 16;
/** Sequence numbers reserved per chain-state write when the configuration does not say. */
export const DEFAULT_RESERVE_BLOCK = 16;
/** A clock correction at least this large is recorded as a time-set event. */
export const TIME_SET_MIN_STEP_MS = 1000;

export interface RecordInfo {
  seq: number;
  /** 'period' or the event kind ('reboot', 'gap', 'calibration', ...). */
  kind: string;
  /** Start of the period of a period record; -1 for events. */
  periodStartMs: number;
}

/** Receives every sealed record, in chain order (journal write, MQTT publish). */
export type RecordSink = (cose: Uint8Array, info: RecordInfo) => void;

export interface PipelineOptions {
  /** A validated module configuration (protocol/module/config.ts). */
  config: ModuleConfig;
  signer: Signer;
  sha256: Sha256;
  clock: Clock;
  /** Persistence of the chain state (protocol/record/chain.ts). */
  store: ChainStore;
  sink: RecordSink;
  /** SHA-256 of the firmware bundle and its version, carried in every record. */
  firmware: { hash: Uint8Array; version: string };
  /** An engine snapshot saved by a previous run (see saveEngineState), or null. */
  engineState?: Uint8Array | null;
  /**
   * Called with an engine snapshot once every record implied by it has been handed to the sink, i.e. after each
   * period close. Saving it lets the averaging state (open period, MRR year, Part 75 lookback) survive a reboot.
   */
  saveEngineState?: (snapshot: Uint8Array) => void;
  /** Bound of the signing queue, default DEFAULT_MAX_QUEUE. */
  maxQueue?: number;
}

export interface PipelineBoot {
  reason: RebootReason;
  /** The chain state last saved through the ChainStore, or null. */
  persisted: Uint8Array | null;
  /** The newest record still in the journal (recordLink), or null. */
  journalTail: ChainLink | null;
}

export interface PipelineStatus {
  booted: boolean;
  /** Samples handed to onSample. */
  samples: number;
  /** Samples the engine refused, by reason (late, nonMonotonic, badTime, unknownChannel, malformed) and clock steps back. */
  rejected: { late: number; nonMonotonic: number; badTime: number; unknownChannel: number; clockBack: number; malformed: number };
  /** Ticks refused for a time that is not an integer ms timestamp. */
  badTicks: number;
  periodsClosed: number;
  daysClosed: number;
  /** Record bodies built (period records, their split parts and supplements, events). */
  recordsBuilt: number;
  /** Records sealed and handed to the sink (boot records included). */
  recordsSigned: number;
  /** Period records that needed more than one part, and the substitute-only supplements. */
  splitPeriods: number;
  supplements: number;
  queued: number;
  inFlight: boolean;
  /** Records dropped because the queue was full; records dropped because they could not be encoded. */
  dropped: number;
  failed: number;
  /** Signing or chain-state failures that are retried at the next tick. */
  retries: number;
  sinkErrors: number;
  engineErrors: number;
  /** Engine events with no record of their own (SUBSTITUTION_UNAVAILABLE: the period stays INSUFFICIENT_DATA). */
  substitutionUnavailable: number;
  engineStateRestored: boolean;
  lastSeq: number;
  /** "CODE: message" of the last failure, '' when none. */
  lastError: string;
}

interface Job {
  body: RecordBody;
  kind: string;
  periodStartMs: number;
  /** Time range the record covers (for declaring it if it is lost). */
  fromMs: number;
  toMs: number;
}

/** Errors that retrying cannot fix: the record itself is unencodable. */
function isPermanent(code: string): boolean {
  return code.indexOf('SCHEMA_') === 0 || code.indexOf('CBOR_') === 0 || code === 'RECORD_TOO_LARGE';
}

// --- the pipeline ------------------------------------------------------------------------------------------------------

export class RecordPipeline {
  private opts: PipelineOptions;
  private cems: CemsConfig;
  private ctx: RecordContext;
  private engine: CemsEngine;
  private chain: RecordChain;
  private identity: Identity;
  private windows: StatusWindows;
  private emissionsHash: Uint8Array;
  private budget = 0;
  private maxQueue = DEFAULT_MAX_QUEUE;
  private time: TimeInfo = { source: 'none', lastSyncMs: 0, syncOffsetMs: 0 };
  private queue: Job[] = [];
  private inFlight = false;
  private pumping = false;
  /** A transient failure stops sealing until the next tick. */
  private blocked = false;
  private booted = false;
  /** Range of records dropped and not yet declared by a gap event. */
  private lostFrom = -1;
  private lostTo = -1;
  private snapshotDue = false;
  /** clockSynced() was called since the last tick: an engine CLOCK_BACK is already explained. */
  private syncedSinceTick = false;
  private st: PipelineStatus;

  /** Throws CEMS_CONFIG when the emissions section does not compile (a validated configuration always does). */
  constructor(opts: PipelineOptions) {
    this.opts = opts;
    const cfg = opts.config;
    this.cems = compileConfig(cfg.emissions);
    this.ctx = createRecordContext(cfg, this.cems);
    this.windows = new StatusWindows(this.ctx);
    this.emissionsHash = configHash(cfg.emissions, opts.sha256);
    this.identity = {
      device: { id: cfg.device.id, firmwareHash: opts.firmware.hash, firmwareVersion: opts.firmware.version },
      site: {
        facilityId: cfg.site.facilityId,
        installationId: cfg.site.installationId,
        stackId: cfg.site.stackId,
        monitoringLocationId: cfg.site.monitoringLocationId,
      },
    };
    this.time = { source: cfg.records.timeSource, lastSyncMs: 0, syncOffsetMs: 0 };
    if (typeof opts.maxQueue === 'number' && opts.maxQueue >= 1) this.maxQueue = Math.floor(opts.maxQueue);
    this.budget = MAX_RECORD_BYTES - coseOverheadBytes(opts.signer);
    this.chain = new RecordChain({
      sha256: opts.sha256,
      signer: opts.signer,
      identity: this.identity,
      store: opts.store,
      reserveBlock: typeof cfg.records.reserveBlock === 'number' ? cfg.records.reserveBlock : DEFAULT_RESERVE_BLOCK,
    });
    this.st = {
      booted: false, samples: 0,
      rejected: { late: 0, nonMonotonic: 0, badTime: 0, unknownChannel: 0, clockBack: 0, malformed: 0 },
      badTicks: 0, periodsClosed: 0, daysClosed: 0, recordsBuilt: 0, recordsSigned: 0, splitPeriods: 0, supplements: 0,
      queued: 0, inFlight: false, dropped: 0, failed: 0, retries: 0, sinkErrors: 0, engineErrors: 0,
      substitutionUnavailable: 0, engineStateRestored: false, lastSeq: -1, lastError: '',
    };
    let engine: CemsEngine | null = null;
    if (opts.engineState) {
      try {
        engine = createEngine(this.cems, decodeEngineSnapshot(opts.engineState, this.emissionsHash));
        this.st.engineStateRestored = true;
      } catch (e) {
        this.noteError(e);
      }
    }
    this.engine = engine ? engine : createEngine(this.cems, null);
  }

  /**
   * Resumes the chain and seals its boot records (a gap event when sequence numbers were skipped, then the reboot
   * event). Records built before boot completes wait in the queue.
   */
  boot(info: PipelineBoot): void {
    const self = this;
    const nowMs = Math.floor(this.opts.clock.nowMs());
    this.chain.boot(
      { nowMs: nowMs, time: this.timeCopy(), reason: info.reason, persisted: info.persisted, journalTail: info.journalTail },
      function (err, records) {
        self.booted = true;
        if (err) self.noteError(err);
        const last = self.chain.state().lastSeq;
        for (let i = 0; i < records.length; i++) {
          const kind = records.length === 2 && i === 0 ? 'gap' : 'reboot';
          self.deliver(records[i], { seq: last - (records.length - 1 - i), kind: kind, periodStartMs: -1 });
        }
        self.pump();
      },
    );
  }

  /** Feeds one acquisition sample. Cheap, never throws: bad samples are counted by the engine. */
  onSample(s: Sample): void {
    this.st.samples++;
    try {
      pushSample(this.engine, s);
      const ev = this.windows.onSample(s);
      if (ev) this.enqueueEvent(ev);
    } catch (e) {
      this.noteError(e);
    }
  }

  /** Closes what is due at nowMs, builds the records and seals them. Call regularly (e.g. every second). */
  tick(nowMs: number): void {
    this.blocked = false;
    try {
      if (!isTimestamp(nowMs)) {
        this.st.badTicks++;
      } else {
        advance(this.engine, nowMs);
        this.handle(takeOutput(this.engine), nowMs);
      }
    } catch (e) {
      this.noteError(e);
    }
    this.syncedSinceTick = false;
    this.pump();
  }

  /**
   * The firmware corrected the wall clock (NTP, GNSS, technician): records carry the sync time and offset from now
   * on, and a step of at least TIME_SET_MIN_STEP_MS is recorded as a time-set event.
   */
  clockSynced(nowMs: number, source: TimeSource, stepMs: number): void {
    if (!isTimestamp(nowMs) || typeof stepMs !== 'number' || !isFinite(stepMs)) return;
    const step = Math.floor(stepMs);
    this.time = { source: source, lastSyncMs: nowMs, syncOffsetMs: step };
    this.syncedSinceTick = true;
    if (step >= TIME_SET_MIN_STEP_MS || step <= -TIME_SET_MIN_STEP_MS) {
      this.enqueueEvent({ kind: 'time-set', startMs: nowMs, endMs: -1, actor: 'device', detail: { source: source, stepMs: step } });
    }
  }

  /**
   * Records that a new configuration was applied (old and new hash, changed paths). The pipeline keeps running the
   * configuration it was built with: the firmware restarts it (a new pipeline) once the record is sealed.
   */
  configApplied(oldCfg: ModuleConfig, newCfg: ModuleConfig, actor: string): void {
    try {
      this.enqueueEvent(configChangeEvent(oldCfg, newCfg, this.opts.sha256, Math.floor(this.opts.clock.nowMs()), actor));
    } catch (e) {
      this.noteError(e);
    }
  }

  /** Records an event the firmware observed itself (e.g. a calibration result entered at the console). */
  recordEvent(event: EventData): void {
    this.enqueueEvent(event);
  }

  status(): PipelineStatus {
    const r = this.engine.state.rejected;
    const s = this.st;
    s.rejected = { late: r.late, nonMonotonic: r.nonMonotonic, badTime: r.badTime, unknownChannel: r.unknownChannel, clockBack: r.clockBack, malformed: r.malformed };
    s.booted = this.booted;
    s.queued = this.queue.length;
    s.inFlight = this.inFlight;
    const from = s as unknown as { [k: string]: unknown };
    const copy: { [k: string]: unknown } = {};
    const keys = Object.keys(from);
    for (let i = 0; i < keys.length; i++) copy[keys[i]] = from[keys[i]];
    return copy as unknown as PipelineStatus;
  }

  /** The engine state as a snapshot (see PipelineOptions.saveEngineState). */
  engineSnapshot(): Uint8Array {
    return encodeEngineSnapshot(this.engine.state, this.emissionsHash);
  }

  // --- building ---

  private timeCopy(): TimeInfo {
    return { source: this.time.source, lastSyncMs: this.time.lastSyncMs, syncOffsetMs: this.time.syncOffsetMs };
  }

  private handle(out: CemsOutput, nowMs: number): void {
    const items: { key: number; job: Job }[] = [];
    const periods = buildPeriodRecords(this.ctx, out.periods, out.substitutes);
    for (let i = 0; i < periods.length; i++) {
      const pr = periods[i];
      if (pr.supplement) this.st.supplements++;
      const parts = this.split(pr.period, nowMs);
      if (parts.length > 1) this.st.splitPeriods++;
      for (let k = 0; k < parts.length; k++) {
        const job: Job = {
          body: { time: this.timeCopy(), createdMs: nowMs, period: parts[k], event: null },
          kind: 'period', periodStartMs: pr.startMs, fromMs: pr.period.startMs, toMs: pr.period.endMs,
        };
        items.push({ key: pr.startMs, job: job });
      }
    }
    let closed = 0;
    let lastStart = -1;
    for (let i = 0; i < out.periods.length; i++) {
      if (out.periods[i].startMs !== lastStart) closed++;
      lastStart = out.periods[i].startMs;
    }
    for (let i = 0; i < out.events.length; i++) {
      const ev = out.events[i];
      if (ev.kind === 'ENGINE_ERROR') {
        this.st.engineErrors++;
        this.st.lastError = 'ENGINE_ERROR: ' + ev.detail;
        continue;
      }
      if (ev.kind === 'SUBSTITUTION_UNAVAILABLE') {
        this.st.substitutionUnavailable++;
        continue;
      }
      if (ev.kind === 'NO_DATA') closed += (ev.toMs - ev.fromMs) / this.ctx.periodMs;
      if (ev.kind === 'CLOCK_BACK' && this.syncedSinceTick) continue;
      const data = engineEventData(this.ctx, ev, this.time.source);
      if (data) items.push({ key: data.startMs, job: this.eventJob(data, nowMs) });
    }
    // one record order for the batch: by time, then as produced (periods before the events of the same instant)
    const order: number[] = [];
    for (let i = 0; i < items.length; i++) order.push(i);
    order.sort(function (a, b) {
      return items[a].key !== items[b].key ? items[a].key - items[b].key : a - b;
    });
    for (let i = 0; i < order.length; i++) this.enqueue(items[order[i]].job);
    this.st.periodsClosed += closed;
    this.st.daysClosed += out.days.length > 0 ? out.days.length / this.cems.outputs.length : 0;
    if (closed > 0) this.snapshotDue = true;
  }

  /** The parts a period record needs to stay within MAX_RECORD_BYTES with this signer (usually one). */
  private split(period: PeriodData, nowMs: number): PeriodData[] {
    const identity = this.identity;
    const time = this.time;
    return splitPeriod(period, this.budget, function (p) {
      return payloadBytes(identity, { time: time, createdMs: nowMs, period: p, event: null });
    });
  }

  private eventJob(e: EventData, createdMs: number): Job {
    return {
      body: { time: this.timeCopy(), createdMs: createdMs, period: null, event: e },
      kind: e.kind, periodStartMs: -1, fromMs: e.startMs, toMs: e.endMs >= e.startMs ? e.endMs : e.startMs,
    };
  }

  private enqueueEvent(e: EventData): void {
    const now = Math.floor(this.opts.clock.nowMs());
    this.enqueue(this.eventJob(e, isTimestamp(now) && now >= e.startMs ? now : e.startMs));
  }

  // --- queue and sealing ---

  private enqueue(job: Job): void {
    this.st.recordsBuilt++;
    this.declareLost();
    if (this.queue.length >= this.maxQueue) {
      this.st.dropped++;
      this.st.lastError = 'QUEUE_FULL: ' + job.kind + ' record dropped';
      this.lose(job.fromMs, job.toMs);
      return;
    }
    this.queue.push(job);
  }

  private lose(fromMs: number, toMs: number): void {
    if (this.lostFrom < 0 || fromMs < this.lostFrom) this.lostFrom = fromMs;
    if (toMs > this.lostTo) this.lostTo = toMs;
  }

  /** Queues the gap event for dropped records as soon as there is room (it may use one slot beyond the bound). */
  private declareLost(): void {
    if (this.lostFrom < 0 || this.queue.length > this.maxQueue) return;
    const e = lostRecordsEvent(this.lostFrom, this.lostTo);
    this.lostFrom = -1;
    this.lostTo = -1;
    this.st.recordsBuilt++;
    const now = Math.floor(this.opts.clock.nowMs());
    this.queue.push(this.eventJob(e, isTimestamp(now) && now >= e.startMs ? now : e.startMs));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (this.booted && !this.inFlight && !this.blocked && this.queue.length > 0) this.submit(this.queue[0]);
    this.pumping = false;
    if (this.booted && !this.inFlight && this.queue.length === 0) {
      this.declareLost();
      if (this.queue.length > 0) this.pump();
      else this.saveSnapshot();
    }
  }

  private submit(job: Job): void {
    const self = this;
    this.inFlight = true;
    this.chain.append(job.body, function (err, record) {
      self.sealed(job, err, record);
    });
  }

  private sealed(job: Job, err: CodedError | null, record: Uint8Array | null): void {
    this.inFlight = false;
    if (err || !record) {
      const e = err || codedError('CHAIN_SIGN', 'no record');
      this.noteError(e);
      if (isPermanent(errorCode(e))) {
        this.st.failed++;
        this.queue.shift();
        // the lost record's range is declared in its place
        if (job.kind !== 'gap') {
          this.st.recordsBuilt++;
          this.queue.unshift(this.eventJob(lostRecordsEvent(job.fromMs, job.toMs), job.body.createdMs));
        }
      } else {
        this.st.retries++;
        this.blocked = true;
      }
    } else {
      this.queue.shift();
      this.deliver(record, { seq: this.chain.state().lastSeq, kind: job.kind, periodStartMs: job.periodStartMs });
    }
    if (!this.pumping) this.pump();
  }

  private deliver(record: Uint8Array, info: RecordInfo): void {
    this.st.recordsSigned++;
    this.st.lastSeq = info.seq;
    try {
      this.opts.sink(record, info);
    } catch (e) {
      this.st.sinkErrors++;
      this.noteError(e);
    }
  }

  /** Saves the engine state once every record it implies is sealed (queue empty, no output waiting in the engine). */
  private saveSnapshot(): void {
    const save = this.opts.saveEngineState;
    const out = this.engine.out;
    if (!this.snapshotDue || !save || out.periods.length > 0 || out.substitutes.length > 0 || out.events.length > 0) return;
    this.snapshotDue = false;
    try {
      save(this.engineSnapshot());
    } catch (e) {
      this.noteError(e);
    }
  }

  private noteError(e: unknown): void {
    const code = errorCode(e);
    const msg = errorMessage(e);
    this.st.lastError = msg.indexOf(code + ':') === 0 ? msg : code + ': ' + msg;
  }
}
