// Engine events -> record events: data gaps and clock jumps become no-data gaps, a clock step back a time-set, a
// QAL2 trigger a maintenance event of the analyzer concerned; records lost before sealing are declared by a
// journal-overflow gap over their time range. Table in docs/records.md.
import type { EngineEvent } from '../cems/engine';
import type { EventData, TimeSource } from '../record/schema';
import type { RecordContext } from './record-context';

/** The record event for an engine event, or null when the engine event has no record of its own (see docs). */
export function engineEventData(ctx: RecordContext, ev: EngineEvent, timeSource: TimeSource): EventData | null {
  if (ev.kind === 'NO_DATA' || ev.kind === 'CLOCK_JUMP') {
    return {
      kind: 'gap', startMs: ev.fromMs, endMs: ev.toMs, actor: 'device',
      detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: ev.fromMs, toMs: ev.toMs },
    };
  }
  if (ev.kind === 'CLOCK_BACK') {
    return { kind: 'time-set', startMs: ev.toMs, endMs: -1, actor: 'device', detail: { source: timeSource, stepMs: ev.toMs - ev.fromMs } };
  }
  if (ev.kind === 'QAL2_TRIGGER') {
    const idx = ctx.cems.outIndex[ev.q];
    const a = typeof idx === 'number' ? ctx.plans[idx].analyzer : -1;
    return {
      kind: 'maintenance', startMs: ev.fromMs, endMs: -1, actor: 'device',
      detail: { analyzerId: a >= 0 ? ctx.analyzers[a].id : '', reason: 'QAL2-TRIGGER ' + ev.q + ' ' + ev.detail },
    };
  }
  return null;
}

/** A gap event declaring a time range whose records could not be kept (queue overflow, unencodable record). */
export function lostRecordsEvent(fromMs: number, toMs: number): EventData {
  return {
    kind: 'gap', startMs: fromMs, endMs: toMs, actor: 'device',
    detail: { reason: 'journal-overflow', firstSeq: -1, lastSeq: -1, fromMs: fromMs, toMs: toMs },
  };
}
