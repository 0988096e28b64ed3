// The seal module: everything the record side does with bytes, loaded only while there is something to seal (on the
// device the Storage module "cems.seal", released when the queue is empty). It resumes the chain at boot, turns engine
// output into jobs, and seals the head job's next record: sequence reservation, payload straight into the record
// buffer, COSE in place, chain link, sink.
import { codedError, errorCode, errorMessage } from '../errors';
import { Qt, Rec } from '../plan/format';
import { planStringBytes } from '../plan/reader';
import { bytesToAscii } from '../bytes';
import { EventCode, type EngineOutput, type EngineEvent } from '../cems/engine';
import { encodeEngineSnapshot, restoreEngineSnapshot } from '../cems/snapshot';
import { newWriter } from '../record/cbor-writer';
import { decodeChainState, encodeChainState, type ChainLink, type ChainState } from '../record/chain-state';
import { coseOverhead, coseSeal, PAYLOAD_AT } from '../record/cose-seal';
import { writeEventPayload, timeSourceCode } from '../record/event-record';
import { planParts, recordPlan, writePeriodPayload, type PeriodJob, type RecordPlan } from '../record/period-record';
import { MAX_RECORD_BYTES, type RecordHeader } from '../record/record-writer';
import type { EventData, RebootReason } from '../record/schema';
import {
  RS,
  deliver,
  enqueue,
  eventJob,
  lostRecordsEvent,
  noteError,
  sealFinished,
  type Job,
  type Records,
} from './records';

const BUF = new Uint8Array(PAYLOAD_AT + MAX_RECORD_BYTES + 80);
let RP: RecordPlan | null = null;
let RP_OF: Uint8Array | null = null;

function rp(svc: Records): RecordPlan {
  if (!RP || RP_OF !== svc.o.plan.hash) {
    RP = recordPlan(svc.o.plan);
    RP_OF = svc.o.plan.hash;
  }
  return RP;
}

function header(svc: Records, job: Job, seq: number): RecordHeader {
  const r = rp(svc);
  return {
    seq: seq,
    prev: svc.lastHash,
    deviceId: r.frag.subarray(r.rec[Rec.DEVICE_ID_AT], r.rec[Rec.DEVICE_ID_AT] + r.rec[Rec.DEVICE_ID_LEN]),
    site: r.frag.subarray(r.rec[Rec.SITE_AT], r.rec[Rec.SITE_AT] + r.rec[Rec.SITE_LEN]),
    firmwareHash: svc.o.firmware.hash,
    firmwareVersion: svc.o.firmware.version,
    timeSource: timeSourceCode(job.timeSource),
    lastSyncMs: job.lastSyncMs,
    syncOffsetMs: job.syncOffsetMs,
    createdMs: job.createdMs,
  };
}

/**
 * Resumes the chain after power-up: from the journal's newest record when it can be named (continuous chain, no
 * gap), otherwise from the persisted state, skipping the whole reserved block and declaring the skipped numbers in a
 * gap event, since records in it may or may not have been emitted before power was lost. Every boot then emits a
 * reboot event. Boot records go ahead of anything already queued. Restores the engine snapshot when one is given.
 */
export function boot(svc: Records, reason: RebootReason, persisted: Uint8Array | null, journalTail: ChainLink | null, engineState: Uint8Array | null): void {
  if (engineState) {
    try {
      restoreEngineSnapshot(svc.o.engine, engineState, svc.o.plan.hash);
      svc.engineStateRestored = true;
    } catch (e) {
      noteError(svc, errorCode(e), errorMessage(e));
    }
  }
  let state: ChainState | null = null;
  if (persisted) {
    try {
      state = decodeChainState(persisted, svc.o.sha256);
    } catch (e) {
      state = null; // torn write or erased flash: treated as no state
    }
  }
  let resumedFrom: 'genesis' | 'journal' | 'state' = 'genesis';
  const tail = journalTail;
  let sameAsState = false;
  if (tail && state && tail.seq === state.lastSeq) {
    sameAsState = true;
    for (let i = 0; i < 32; i++) if (tail.hash[i] !== state.lastHash[i]) sameAsState = false;
  }
  if (tail && (!state || tail.seq > state.lastSeq || sameAsState)) {
    svc.lastSeq = tail.seq;
    svc.lastHash = tail.hash;
    svc.nextSeq = tail.seq + 1;
    if (state && state.reservedSeq >= svc.nextSeq) svc.nextSeq = state.reservedSeq + 1;
    resumedFrom = 'journal';
  } else if (state) {
    svc.lastSeq = state.lastSeq;
    svc.lastHash = state.lastHash;
    svc.nextSeq = state.reservedSeq + 1;
    resumedFrom = 'state';
  }
  svc.reservedSeq = svc.nextSeq - 1;
  svc.bootCount = (state ? state.bootCount : 0) + 1;
  const now = Math.floor(svc.o.clock.nowMs());
  const jobs: Job[] = [];
  if (svc.nextSeq > svc.lastSeq + 1) {
    jobs.push(eventJob(svc, {
      kind: 'gap', startMs: now, endMs: -1, actor: 'device',
      detail: { reason: 'unpersisted-seq', firstSeq: svc.lastSeq + 1, lastSeq: svc.nextSeq - 1, fromMs: -1, toMs: -1 },
    }, now));
  }
  jobs.push(eventJob(svc, {
    kind: 'reboot', startMs: now, endMs: -1, actor: 'device',
    detail: { bootCount: svc.bootCount, reason: reason, resumedFrom: resumedFrom },
  }, now));
  for (let i = jobs.length - 1; i >= 0; i--) svc.queue.unshift(jobs[i]);
}

/** The record event for an engine event, or null when it has none (docs/records.md, "Engine events"). */
function engineEventData(svc: Records, ev: EngineEvent): EventData | null {
  if (ev.kind === EventCode.NO_DATA || ev.kind === EventCode.CLOCK_JUMP) {
    return {
      kind: 'gap', startMs: ev.fromMs, endMs: ev.toMs, actor: 'device',
      detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: ev.fromMs, toMs: ev.toMs },
    };
  }
  if (ev.kind === EventCode.CLOCK_BACK) {
    return { kind: 'time-set', startMs: ev.toMs, endMs: -1, actor: 'device', detail: { source: svc.timeSource, stepMs: ev.toMs - ev.fromMs } };
  }
  if (ev.kind === EventCode.QAL2_TRIGGER) {
    const r = rp(svc);
    let q = 0;
    while (q < r.nq && r.qt[q * Qt.FIELDS + Qt.OUT] !== ev.out) q++;
    const id = r.qt[q * Qt.FIELDS + Qt.ID];
    const analyzer = r.qt[q * Qt.FIELDS + Qt.ANALYZER_ID];
    const text = function (i: number): string {
      return i >= 0 ? bytesToAscii(planStringBytes(svc.o.plan, i)) : '';
    };
    return {
      kind: 'maintenance', startMs: ev.fromMs, endMs: -1, actor: 'device',
      detail: { analyzerId: text(analyzer), reason: 'QAL2-TRIGGER ' + text(id) + ' ' + ev.detail },
    };
  }
  return null;
}

function periodJob(svc: Records, startMs: number, rows: Float64Array | null, out: EngineOutput, nowMs: number): Job {
  const p: PeriodJob = { startMs: startMs, periodMs: svc.o.engine.periodMs, rows: rows, subs: out.subs, list: [], parts: [], vals: null, subOf: [] };
  return {
    kind: 'period', period: p, event: null, part: 0, periodStartMs: startMs, createdMs: nowMs,
    timeSource: svc.timeSource, lastSyncMs: svc.lastSyncMs, syncOffsetMs: svc.syncOffsetMs,
    fromMs: startMs, toMs: startMs + p.periodMs,
  };
}

/**
 * Jobs for one batch of engine output: a period record per closed period; a supplement per period that a substitute
 * covers but this batch did not close; record events for engine events. All in one order: by time, then as produced
 * (supplements before the period record of the same start, periods before the events of the same instant).
 */
export function handleOutput(svc: Records, out: EngineOutput, nowMs: number): void {
  const items: Job[] = [];
  const keys: number[] = [];
  const periodMs = svc.o.engine.periodMs;
  const recorded: number[] = [];
  for (let i = 0; i < out.periods.length; i++) recorded.push(out.periods[i].startMs);
  const supplements: number[] = [];
  for (let s = 0; s < out.subs.length; s++) {
    for (let k = 0; k < out.subs[s].periods; k++) {
      const t = out.subs[s].startMs + k * periodMs;
      if (recorded.indexOf(t) < 0 && supplements.indexOf(t) < 0) supplements.push(t);
    }
  }
  supplements.sort(function (a, b) {
    return a - b;
  });
  // supplements and period records merged by start, supplements first at equal start
  let pi = 0;
  let si = 0;
  while (pi < out.periods.length || si < supplements.length) {
    if (si < supplements.length && (pi >= out.periods.length || supplements[si] <= out.periods[pi].startMs)) {
      svc.st[RS.SUPPLEMENTS]++;
      items.push(periodJob(svc, supplements[si], null, out, nowMs));
      keys.push(supplements[si++]);
    } else {
      items.push(periodJob(svc, out.periods[pi].startMs, out.periods[pi].rows, out, nowMs));
      keys.push(out.periods[pi++].startMs);
    }
  }
  let closed = out.periods.length;
  for (let i = 0; i < out.events.length; i++) {
    const ev = out.events[i];
    if (ev.kind === EventCode.SUBSTITUTION_UNAVAILABLE) {
      svc.st[RS.SUBSTITUTION_UNAVAILABLE]++;
      continue;
    }
    if (ev.kind === EventCode.NO_DATA) closed += (ev.toMs - ev.fromMs) / periodMs;
    if (ev.kind === EventCode.CLOCK_BACK && svc.syncedSinceTick) continue;
    const data = engineEventData(svc, ev);
    if (!data) continue;
    items.push(eventJob(svc, data, nowMs));
    keys.push(data.startMs);
  }
  const order: number[] = [];
  for (let i = 0; i < items.length; i++) order.push(i);
  order.sort(function (a, b) {
    return keys[a] !== keys[b] ? keys[a] - keys[b] : a - b;
  });
  for (let i = 0; i < order.length; i++) enqueue(svc, items[order[i]]);
  svc.st[RS.PERIODS_CLOSED] += closed;
  svc.st[RS.DAYS_CLOSED] += out.days.length;
  if (closed > 0) svc.snapshotDue = true;
}

/** Drops the head job after a failure retrying cannot fix, declaring its range by a gap event in its place. */
function dropHead(svc: Records, job: Job): void {
  svc.st[RS.FAILED]++;
  svc.queue.shift();
  if (job.kind !== 'gap') {
    svc.st[RS.RECORDS_BUILT]++;
    svc.queue.unshift(eventJob(svc, lostRecordsEvent(job.fromMs, job.toMs), job.createdMs));
  }
}

/**
 * A failure that retrying can fix (the chain state could not be written, the signer failed or did not answer) keeps
 * the record at the head of the queue for the next tick. Anything else (an unencodable record, an unexpected
 * exception) would fail again: the record is replaced by a gap event so that the queue moves on.
 */
function failed(svc: Records, job: Job, code: string, message: string, transient: boolean): void {
  noteError(svc, code, message);
  if (!transient) dropHead(svc, job);
  else {
    svc.st[RS.RETRIES]++;
    svc.blocked = true;
  }
}

/** Seals the next record of the head job (one part of a period, or an event). */
export function sealNext(svc: Records): void {
  const job = svc.queue[0];
  const signer = svc.signer;
  if (!signer) {
    svc.blocked = true;
    return;
  }
  const budget = MAX_RECORD_BYTES - coseOverhead(signer);
  const seq = svc.nextSeq;
  const h = header(svc, job, seq);
  const w = newWriter(BUF, PAYLOAD_AT);
  const p = job.period;
  try {
    if (p && p.parts.length === 0) {
      planParts(w, rp(svc), h, p, budget);
      if (p.parts.length > 1) svc.st[RS.SPLIT_PERIODS]++;
    }
    if (seq > svc.reservedSeq) {
      const reserved = seq + svc.o.reserveBlock - 1;
      try {
        svc.o.store.save(encodeChainState({ lastSeq: svc.lastSeq, lastHash: svc.lastHash, reservedSeq: reserved, bootCount: svc.bootCount }, svc.o.sha256));
      } catch (e) {
        failed(svc, job, 'CHAIN_PERSIST', 'state could not be saved: ' + errorMessage(e), true);
        return;
      }
      svc.reservedSeq = reserved;
    }
    if (p) {
      const to = job.part + 1 < p.parts.length ? p.parts[job.part + 1] : p.list.length;
      writePeriodPayload(w, rp(svc), h, p, p.parts[job.part], to, job.part, p.parts.length);
    } else writeEventPayload(w, h, job.event as EventData);
    if (w.n - PAYLOAD_AT > budget) throw codedError('RECORD_TOO_LARGE', 'payload is ' + (w.n - PAYLOAD_AT) + ' bytes, limit ' + budget);
  } catch (e) {
    failed(svc, job, errorCode(e), errorMessage(e), false);
    return;
  }
  svc.inFlight = true;
  coseSeal(BUF, w.n, signer, function (err, record) {
    if (err || !record) {
      const e = err || codedError('CHAIN_SIGN', 'no record');
      // a record over the size limit would be again; the signer may answer next time
      failed(svc, job, errorCode(e), errorMessage(e), errorCode(e) !== 'RECORD_TOO_LARGE');
    } else {
      svc.lastSeq = seq;
      svc.lastHash = svc.o.sha256(record);
      svc.nextSeq = seq + 1;
      job.part++;
      if (!p || job.part >= p.parts.length) svc.queue.shift();
      deliver(svc, record, { seq: seq, kind: job.kind, periodStartMs: job.periodStartMs });
    }
    sealFinished(svc);
  });
}

export function engineSnapshot(svc: Records): Uint8Array {
  return encodeEngineSnapshot(svc.o.engine, svc.o.plan.hash);
}
