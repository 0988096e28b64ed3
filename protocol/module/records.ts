// The record side of the module, resident part: acquisition samples go to the emissions engine and the
// status-window tracker; closed periods and events become jobs in a bounded queue; jobs are sealed one record at a
// time, in order, by the seal module (seal.ts), which the service loads only while it has something to seal (on the
// device a Storage module). No timers: the shell calls recordsTick(nowMs) every second.
//
// The queue bound protects memory from a stuck signer: when it is full the newest job is dropped, counted, and
// declared afterwards by a gap event (reason journal-overflow) over the time range it covered. Sealing failures that
// retrying cannot fix (an unencodable record) replace the record by the same kind of gap event; transient failures
// (signer busy or absent, chain state not saved) stop sealing until the next tick.
import type { Clock, Sha256 } from '../ports';
import { advance, hasOutput, pushSample, takeOutput, type Engine, type EngineOutput } from '../cems/engine';
import { S } from '../cems/codes';
import { isTimestamp } from '../cems/time';
import type { Plan } from '../plan/reader';
import type { EventData, RebootReason, TimeSource } from '../record/schema';
import type { ChainLink } from '../record/chain-state';
import type { Signer } from '../record/signer';
import type { PeriodJob } from '../record/period-record';
import { windowSample, type StatusWindows } from './status-window';
import { errorCode, errorMessage, errorText } from '../errors';

/** Jobs waiting to be sealed (a period job holds its engine rows: ~6 KB for the delivered plant's 38 outputs). */
export const DEFAULT_MAX_QUEUE = 8;
/** Sequence numbers reserved per chain-state write when the plan does not say. */
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

/** Where the chain state is kept (two alternating slots, a journal entry...). save throws on failure. */
export interface ChainStore {
  save(state: Uint8Array): void;
}

/** The seal module as the service uses it (seal.ts). */
export interface SealModule {
  boot(svc: Records, reason: RebootReason, persisted: Uint8Array | null, journalTail: ChainLink | null, engineState: Uint8Array | null): void;
  handleOutput(svc: Records, out: EngineOutput, nowMs: number): void;
  sealNext(svc: Records): void;
  engineSnapshot(svc: Records): Uint8Array;
}

export interface RecordsOptions {
  plan: Plan;
  engine: Engine;
  windows: StatusWindows;
  sha256: Sha256;
  clock: Clock;
  store: ChainStore;
  sink: RecordSink;
  /** SHA-256 of the firmware bundle and its version, carried in every record. */
  firmware: { hash: Uint8Array; version: string };
  /** The seal module (required on demand, and released when the queue is empty). */
  seal: () => SealModule;
  releaseSeal: () => void;
  /**
   * Called with an engine snapshot once every record implied by it has been sealed, i.e. after each period close.
   * Saving it lets the averaging state (open period, MRR year, Part 75 lookback) survive a reboot.
   */
  saveEngineState: ((snapshot: Uint8Array) => void) | null;
  timeSource: TimeSource;
  reserveBlock: number;
  maxQueue: number;
}

/** A record to seal: a period (possibly split into parts) or an event. */
export interface Job {
  kind: string;
  period: PeriodJob | null;
  event: EventData | null;
  /** Part being sealed next. */
  part: number;
  periodStartMs: number;
  createdMs: number;
  /** The time information the record carries, as it was when the job was made. */
  timeSource: TimeSource;
  lastSyncMs: number;
  syncOffsetMs: number;
  /** Time range the record covers (for declaring it if it is lost). */
  fromMs: number;
  toMs: number;
}

/** Counters for the console (index names in RecordsStat). */
export const enum RS {
  SAMPLES,
  PERIODS_CLOSED,
  DAYS_CLOSED,
  RECORDS_BUILT,
  RECORDS_SIGNED,
  SPLIT_PERIODS,
  SUPPLEMENTS,
  DROPPED,
  FAILED,
  RETRIES,
  SINK_ERRORS,
  ENGINE_ERRORS,
  SUBSTITUTION_UNAVAILABLE,
  BAD_TICKS,
  SAMPLES_BEFORE_CLOCK,
  FIELDS,
}

export interface Records {
  o: RecordsOptions;
  /** The record signer, null until it is open (records wait in the queue). */
  signer: Signer | null;
  st: Float64Array;
  queue: Job[];
  inFlight: boolean;
  pumping: boolean;
  /** A transient failure stops sealing until the next tick. */
  blocked: boolean;
  booted: boolean;
  /** Chain: last record sealed (-1 before the first), its hash, the next number, the reservation, boots. */
  lastSeq: number;
  lastHash: Uint8Array;
  nextSeq: number;
  reservedSeq: number;
  bootCount: number;
  timeSource: TimeSource;
  lastSyncMs: number;
  syncOffsetMs: number;
  /** Range of records dropped and not yet declared by a gap event. */
  lostFrom: number;
  lostTo: number;
  snapshotDue: boolean;
  /** A clock sync happened since the last tick: an engine CLOCK_BACK is already explained. */
  syncedSinceTick: boolean;
  /** "CODE: message" of the last failure, '' when none. */
  lastError: string;
  engineStateRestored: boolean;
}

/** Records a wall clock earlier than 2025-01-01T00:00:00Z has not been set (an ESP32 starts at 1970). */
export const CLOCK_VALID_AFTER_MS = 1735689600000;

export function clockIsSet(nowMs: number): boolean {
  return nowMs >= CLOCK_VALID_AFTER_MS;
}

export function createRecords(o: RecordsOptions): Records {
  return {
    o: o,
    signer: null,
    st: new Float64Array(RS.FIELDS),
    queue: [],
    inFlight: false,
    pumping: false,
    blocked: false,
    booted: false,
    lastSeq: -1,
    lastHash: new Uint8Array(32),
    nextSeq: 0,
    reservedSeq: -1,
    bootCount: 0,
    timeSource: o.timeSource,
    lastSyncMs: 0,
    syncOffsetMs: 0,
    lostFrom: -1,
    lostTo: -1,
    snapshotDue: false,
    syncedSinceTick: false,
    lastError: '',
    engineStateRestored: false,
  };
}

export function noteError(svc: Records, code: string, message: string): void {
  svc.lastError = code + ': ' + message;
}

/**
 * Resumes the chain and queues its boot records (a gap event when sequence numbers were skipped, then the reboot
 * event) ahead of everything else; restores the engine from its snapshot when one is given. Call once the wall clock
 * is set: the boot records carry the time.
 */
export function recordsBoot(
  svc: Records,
  reason: RebootReason,
  persisted: Uint8Array | null,
  journalTail: ChainLink | null,
  engineState: Uint8Array | null,
): void {
  svc.o.seal().boot(svc, reason, persisted, journalTail, engineState);
  svc.booted = true;
  pump(svc);
}

/** One acquisition sample of plan channel `acq` (engine channel `ch`, -1 for none). Cheap; never throws. */
export function recordsSample(svc: Records, acq: number, ch: number, t: number, value: number, status: number, native: number): void {
  // clockIsSet(t), inlined on the per-sample path
  if (!(t >= CLOCK_VALID_AFTER_MS)) {
    svc.st[RS.SAMPLES_BEFORE_CLOCK]++;
    return;
  }
  svc.st[RS.SAMPLES]++;
  if (ch >= 0) pushSample(svc.o.engine, ch, t, value, status, native);
  // the window tracker only has work while some analyzer calibrates or is maintained
  if (status !== S.CALIBRATION && status !== S.MAINTENANCE && svc.o.windows.active === 0) return;
  const ev = windowSample(svc.o.windows, acq, t, status, native);
  if (ev) recordsEvent(svc, ev);
}

/** Closes what is due at nowMs, builds the records and seals them. Call regularly (e.g. every second). */
export function recordsTick(svc: Records, nowMs: number): void {
  svc.blocked = false;
  const e = svc.o.engine;
  if (!isTimestamp(nowMs)) svc.st[RS.BAD_TICKS]++;
  else if (clockIsSet(nowMs)) {
    try {
      advance(e, nowMs);
      if (hasOutput(e)) svc.o.seal().handleOutput(svc, takeOutput(e), nowMs);
    } catch (err) {
      // a defect or a module that could not be loaded: counted and shown, the tick (and acquisition) go on
      svc.st[RS.ENGINE_ERRORS]++;
      noteError(svc, errorCode(err), errorMessage(err));
    }
  }
  svc.syncedSinceTick = false;
  pump(svc);
}

/**
 * The clock was corrected (NTP, GNSS, technician): records carry the sync time and offset from now on, and a step of
 * at least TIME_SET_MIN_STEP_MS is recorded as a time-set event.
 */
export function recordsClockSynced(svc: Records, nowMs: number, source: TimeSource, stepMs: number): void {
  if (!isTimestamp(nowMs) || typeof stepMs !== 'number' || !isFinite(stepMs)) return;
  const step = Math.floor(stepMs);
  svc.timeSource = source;
  svc.lastSyncMs = nowMs;
  svc.syncOffsetMs = step;
  svc.syncedSinceTick = true;
  if (step >= TIME_SET_MIN_STEP_MS || step <= -TIME_SET_MIN_STEP_MS) {
    recordsEvent(svc, { kind: 'time-set', startMs: nowMs, endMs: -1, actor: 'device', detail: { source: source, stepMs: step } });
  }
}

/** A job for `event` made now (the event's start when the clock is behind it). */
export function eventJob(svc: Records, event: EventData, createdMs: number): Job {
  return {
    kind: event.kind, period: null, event: event, part: 0, periodStartMs: -1, createdMs: createdMs,
    timeSource: svc.timeSource, lastSyncMs: svc.lastSyncMs, syncOffsetMs: svc.syncOffsetMs,
    fromMs: event.startMs, toMs: event.endMs >= event.startMs ? event.endMs : event.startMs,
  };
}

function nowOr(svc: Records, t: number): number {
  const now = Math.floor(svc.o.clock.nowMs());
  return isTimestamp(now) && now >= t ? now : t;
}

/** Records an event the firmware observed itself (a window, a calibration result entered at the console...). */
export function recordsEvent(svc: Records, event: EventData): void {
  enqueue(svc, eventJob(svc, event, nowOr(svc, event.startMs)));
  pump(svc);
}

/** Queues a job, or drops it and remembers its range when the queue is full. */
export function enqueue(svc: Records, job: Job): void {
  svc.st[RS.RECORDS_BUILT]++;
  declareLost(svc);
  if (svc.queue.length >= svc.o.maxQueue) {
    svc.st[RS.DROPPED]++;
    svc.lastError = 'QUEUE_FULL: ' + job.kind + ' record dropped';
    lose(svc, job.fromMs, job.toMs);
    return;
  }
  svc.queue.push(job);
}

export function lose(svc: Records, fromMs: number, toMs: number): void {
  if (svc.lostFrom < 0 || fromMs < svc.lostFrom) svc.lostFrom = fromMs;
  if (toMs > svc.lostTo) svc.lostTo = toMs;
}

/** A gap event declaring a time range whose records could not be kept (queue overflow, unencodable record). */
export function lostRecordsEvent(fromMs: number, toMs: number): EventData {
  return {
    kind: 'gap', startMs: fromMs, endMs: toMs, actor: 'device',
    detail: { reason: 'journal-overflow', firstSeq: -1, lastSeq: -1, fromMs: fromMs, toMs: toMs },
  };
}

/** Queues the gap event for dropped records as soon as there is room (it may use one slot beyond the bound). */
function declareLost(svc: Records): void {
  if (svc.lostFrom < 0 || svc.queue.length > svc.o.maxQueue) return;
  const e = lostRecordsEvent(svc.lostFrom, svc.lostTo);
  svc.lostFrom = -1;
  svc.lostTo = -1;
  svc.st[RS.RECORDS_BUILT]++;
  svc.queue.push(eventJob(svc, e, nowOr(svc, e.startMs)));
}

/**
 * Seals queued records one at a time (a loop, not recursion: synchronous signers must not deepen the stack). The seal
 * module is released whenever nothing is in flight: waiting for the signer costs no code in RAM.
 */
export function pump(svc: Records): void {
  if (svc.pumping) return;
  svc.pumping = true;
  while (svc.booted && svc.signer && !svc.inFlight && !svc.blocked && svc.queue.length > 0) svc.o.seal().sealNext(svc);
  svc.pumping = false;
  if (svc.inFlight) return;
  if (svc.booted && svc.queue.length === 0) {
    declareLost(svc);
    if (svc.queue.length > 0) {
      pump(svc);
      return;
    }
    saveSnapshot(svc);
  }
  svc.o.releaseSeal();
}

/** Sets (or clears) the record signer and seals what waited for it. */
export function recordsSigner(svc: Records, signer: Signer | null): void {
  svc.signer = signer;
  svc.blocked = false;
  pump(svc);
}

/** Called by the seal module when an asynchronous seal finished. */
export function sealFinished(svc: Records): void {
  svc.inFlight = false;
  if (!svc.pumping) pump(svc);
}

/** Saves the engine state once every record it implies is sealed (queue empty, no output waiting in the engine). */
function saveSnapshot(svc: Records): void {
  const save = svc.o.saveEngineState;
  if (!svc.snapshotDue || !save || hasOutput(svc.o.engine)) return;
  svc.snapshotDue = false;
  try {
    save(svc.o.seal().engineSnapshot(svc));
  } catch (e) {
    noteError(svc, 'ENGINE_STATE', errorText(e));
  }
}

/** Hands a sealed record to the sink (failures are counted, never stop the chain). */
export function deliver(svc: Records, record: Uint8Array, info: RecordInfo): void {
  svc.st[RS.RECORDS_SIGNED]++;
  try {
    svc.o.sink(record, info);
  } catch (e) {
    svc.st[RS.SINK_ERRORS]++;
    noteError(svc, 'SINK', errorText(e));
  }
}
