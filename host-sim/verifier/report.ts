// Verification report for a reporting period, as JSON (machine) and text (for the verifier's working papers).
// The chain is judged over the whole capture (a record inside the period is only as good as the chain around it);
// the per-quantity summary covers the periods whose interval lies inside [fromMs, toMs), each period as one: the
// parts of a split period are merged, and a supplement's substitute takes the place of the quantity it fills.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoUtc } from './json';
import type { QuantityData } from '../../protocol/record/schema';
import type { Finding, VerificationReport } from './verify';

export interface QuantitySummary {
  id: string;
  unit: string;
  /** Periods that carry the quantity. */
  periods: number;
  status: { [status: string]: number };
  substituted: number;
  /** Mean availability over those periods, basis points (rounded down). */
  meanAvailabilityBp: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  methods: string[];
}

export interface PeriodReport {
  deviceId: string | null;
  fromMs: number;
  toMs: number;
  verdict: 'PASS' | 'FAIL';
  /** The chain over the whole capture, as the verification report gives it; declared gaps flattened. */
  chain: Pick<VerificationReport, 'records' | 'trusted' | 'errors' | 'warnings' | 'firstSeq' | 'lastSeq' | 'reboots'> & {
    declaredGaps: { atSeq: number; reason: string; firstSeq: number; lastSeq: number; fromMs: number; toMs: number }[];
  };
  /** Periods (hours or other intervals) with at least one period record. */
  periods: number;
  /** Period records: whole records, parts of split periods and supplements. */
  periodRecords: number;
  /** Periods whose quantities came in several parts. */
  splitPeriods: number;
  supplements: number;
  /** Intervals in [fromMs, toMs) without a period record. */
  missingIntervals: { fromMs: number; toMs: number }[];
  quantities: QuantitySummary[];
  events: { seq: number; kind: string; startMs: number }[];
  findings: { index: number; seq: number | null; code: string; severity: string; message: string }[];
}

/** One period as a report sees it: its quantities after merging parts and applying supplements. */
interface MergedPeriod {
  startMs: number;
  endMs: number;
  split: boolean;
  quantities: Map<string, QuantityData>;
}

/**
 * The substitute takes the place of the value, status, native code and substitution of the period's quantity; the
 * counts, availability and raw value stay those of the measured record (a substitute adds no valid data).
 */
function applySupplement(original: QuantityData | undefined, s: QuantityData): QuantityData {
  if (!original) return s;
  return { ...original, corrected: s.corrected, status: s.status, native: s.native, substitution: s.substitution };
}

function mergePeriods(report: VerificationReport, fromMs: number, toMs: number): { periods: MergedPeriod[]; records: number; supplements: number } {
  const byKey = new Map<string, MergedPeriod>();
  let records = 0;
  let supplements = 0;
  for (const r of report.results) {
    const p = r.record?.period;
    if (!p || p.startMs < fromMs || p.endMs > toMs) continue;
    records++;
    const key = p.startMs + '/' + p.endMs;
    let m = byKey.get(key);
    if (!m) byKey.set(key, (m = { startMs: p.startMs, endMs: p.endMs, split: false, quantities: new Map() }));
    if (p.part && p.supplement !== true) m.split = true;
    if (p.supplement === true) supplements++;
    for (const q of p.quantities) {
      // a quantity recorded twice without a supplement (PERIOD_OVERLAP) keeps its first record
      if (p.supplement === true) m.quantities.set(q.id, applySupplement(m.quantities.get(q.id), q));
      else if (!m.quantities.has(q.id)) m.quantities.set(q.id, q);
    }
  }
  const periods = [...byKey.values()].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  return { periods, records, supplements };
}

export function buildPeriodReport(report: VerificationReport, fromMs: number, toMs: number): PeriodReport {
  const quantities = new Map<string, QuantitySummary & { availSum: number; valueSum: number; valueCount: number }>();
  const events: PeriodReport['events'] = [];
  for (const r of report.results) {
    const e = r.record?.event;
    if (e && e.startMs >= fromMs && e.startMs < toMs) events.push({ seq: r.record!.seq, kind: e.kind, startMs: e.startMs });
  }
  const merged = mergePeriods(report, fromMs, toMs);
  for (const period of merged.periods) {
    for (const q of period.quantities.values()) {
      let s = quantities.get(q.id);
      if (!s) {
        s = {
          id: q.id, unit: q.corrected.unit, periods: 0, status: {}, substituted: 0, meanAvailabilityBp: 0,
          min: null, max: null, mean: null, methods: [], availSum: 0, valueSum: 0, valueCount: 0,
        };
        quantities.set(q.id, s);
      }
      s.periods++;
      s.status[q.status] = (s.status[q.status] ?? 0) + 1;
      if (q.substitution) s.substituted++;
      s.availSum += q.availabilityBp;
      if (!s.methods.includes(q.methodRef)) s.methods.push(q.methodRef);
      const v = q.corrected.value;
      if (v !== null) {
        s.min = s.min === null ? v : Math.min(s.min, v);
        s.max = s.max === null ? v : Math.max(s.max, v);
        s.valueSum += v;
        s.valueCount++;
      }
    }
  }
  const missingIntervals: PeriodReport['missingIntervals'] = [];
  let cursor = fromMs;
  for (const p of merged.periods) {
    if (p.startMs > cursor) missingIntervals.push({ fromMs: cursor, toMs: p.startMs });
    cursor = Math.max(cursor, p.endMs);
  }
  if (merged.periods.length && cursor < toMs) missingIntervals.push({ fromMs: cursor, toMs });
  const summaries: QuantitySummary[] = [...quantities.values()].map((s) => ({
    id: s.id, unit: s.unit, periods: s.periods, status: s.status, substituted: s.substituted,
    meanAvailabilityBp: Math.floor(s.availSum / s.periods), min: s.min, max: s.max,
    mean: s.valueCount ? s.valueSum / s.valueCount : null, methods: s.methods,
  }));
  const findings: PeriodReport['findings'] = [];
  for (const r of report.results) {
    for (const f of r.findings as Finding[]) findings.push({ index: r.index, seq: r.seq, code: f.code, severity: f.severity, message: f.message });
  }
  return {
    deviceId: report.deviceId,
    fromMs,
    toMs,
    verdict: report.ok ? 'PASS' : 'FAIL',
    chain: {
      records: report.records,
      trusted: report.trusted,
      errors: report.errors,
      warnings: report.warnings,
      firstSeq: report.firstSeq,
      lastSeq: report.lastSeq,
      reboots: report.reboots,
      declaredGaps: report.declaredGaps.map((g) => ({
        atSeq: g.atSeq, reason: g.detail.reason, firstSeq: g.detail.firstSeq, lastSeq: g.detail.lastSeq, fromMs: g.detail.fromMs, toMs: g.detail.toMs,
      })),
    },
    periods: merged.periods.length,
    periodRecords: merged.records,
    splitPeriods: merged.periods.filter((p) => p.split).length,
    supplements: merged.supplements,
    missingIntervals,
    quantities: summaries,
    events,
    findings,
  };
}

export function periodReportToText(p: PeriodReport): string {
  const lines: string[] = [];
  lines.push('Record verification report');
  lines.push('device:   ' + (p.deviceId ?? '(unknown)'));
  lines.push('period:   ' + isoUtc(p.fromMs) + ' .. ' + isoUtc(p.toMs));
  lines.push('verdict:  ' + p.verdict);
  lines.push('');
  const c = p.chain;
  lines.push('chain: ' + c.records + ' records, ' + c.trusted + ' authentic and well-formed, seq ' + c.firstSeq + '..' + c.lastSeq +
    ', ' + c.reboots + ' reboot(s), ' + c.errors + ' error(s), ' + c.warnings + ' warning(s)');
  for (const g of c.declaredGaps) {
    const what = g.firstSeq >= 0 ? 'seq ' + g.firstSeq + '..' + g.lastSeq : isoUtc(g.fromMs) + '..' + isoUtc(g.toMs);
    lines.push('  declared gap at seq ' + g.atSeq + ' (' + g.reason + '): ' + what);
  }
  lines.push('');
  lines.push('periods: ' + p.periods + ' (' + p.periodRecords + ' period records, ' + p.splitPeriods + ' split into parts, ' + p.supplements + ' supplements)');
  for (const m of p.missingIntervals) lines.push('  no period record for ' + isoUtc(m.fromMs) + ' .. ' + isoUtc(m.toMs));
  for (const q of p.quantities) {
    const status = Object.keys(q.status).sort().map((s) => s + '=' + q.status[s]).join(' ');
    lines.push('  ' + q.id + ' [' + q.unit + ']: ' + q.periods + ' periods, ' + status + ', substituted ' + q.substituted +
      ', mean availability ' + (q.meanAvailabilityBp / 100).toFixed(2) + ' %' +
      (q.mean !== null ? ', min ' + q.min + ' max ' + q.max + ' mean ' + q.mean.toPrecision(6) : '') + '; method ' + q.methods.join(', '));
  }
  if (p.events.length) {
    lines.push('');
    lines.push('events:');
    for (const e of p.events) lines.push('  seq ' + e.seq + ' ' + isoUtc(e.startMs) + ' ' + e.kind);
  }
  if (p.findings.length) {
    lines.push('');
    lines.push('findings:');
    for (const f of p.findings) lines.push('  [' + f.severity + '] #' + f.index + (f.seq !== null ? ' seq ' + f.seq : '') + ' ' + f.code + ': ' + f.message);
  }
  return lines.join('\n') + '\n';
}

/** Writes `<base>.json` and `<base>.txt` into `dir`; returns their paths. */
export function writePeriodReport(p: PeriodReport, dir: string, base: string): { json: string; text: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, base + '.json');
  const text = join(dir, base + '.txt');
  writeFileSync(json, JSON.stringify(p, null, 2) + '\n');
  writeFileSync(text, periodReportToText(p));
  return { json, text };
}
