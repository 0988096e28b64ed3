// Engine output -> period records: one record per closed period with every output as a quantity (and a mass total
// after each mass rate), substitutes reported as SUBSTITUTED with method and code, and supplement records for
// substitutes of periods recorded earlier or never. Pure: no I/O, no clock. Mapping table in docs/records.md.
import type { PeriodValue, SubstituteValue } from '../cems/engine';
import { availabilityBp, type NativeStatus, type PeriodData, type QuantityData } from '../record/schema';
import { decimalsFor, type QuantityPlan, type RecordContext } from './record-context';

function finiteOrNull(x: number): number | null {
  return typeof x === 'number' && isFinite(x) ? x : null;
}

/** Counts in the unit of the profile's validity rule; nTotal never below nValid (a fast scan can exceed the plan). */
function counts(ctx: RecordContext, pv: PeriodValue | null): { nValid: number; nTotal: number } {
  const spm = ctx.cems.samplesPerMinute;
  const minutes = ctx.cems.profile.periodMinutes;
  if (pv === null) return { nValid: 0, nTotal: ctx.bySamples ? minutes * spm : minutes };
  const nValid = ctx.bySamples ? pv.samples : pv.nValid;
  const expected = ctx.bySamples ? pv.samplesExpected : pv.minutes;
  return { nValid: nValid, nTotal: expected > nValid ? expected : nValid };
}

function nativeOf(ctx: RecordContext, plan: QuantityPlan, pv: PeriodValue | null, sv: SubstituteValue | null): NativeStatus {
  if (ctx.nativeScheme === 'HJ212') return { scheme: 'HJ212', code: sv ? 'S' : pv ? pv.hj : 'S' };
  if (ctx.nativeScheme === 'P75-MODC') return { scheme: 'P75-MODC', code: sv ? sv.code : pv ? pv.modc : '' };
  return { scheme: plan.bitsScheme, code: pv ? pv.bits : -1 };
}

function quantity(
  ctx: RecordContext,
  plan: QuantityPlan,
  pv: PeriodValue | null,
  sv: SubstituteValue | null,
  total: boolean,
): QuantityData {
  const n = counts(ctx, pv);
  let value: number | null;
  if (total) {
    value = sv ? finiteOrNull((sv.v * ctx.cems.profile.periodMinutes) / 60) : pv ? finiteOrNull(pv.total) : null;
  } else value = sv ? finiteOrNull(sv.v) : pv ? finiteOrNull(pv.reported) : null;
  const raw = !total && plan.measured && pv ? finiteOrNull(pv.raw) : null;
  return {
    id: total ? plan.totalId : plan.id,
    analyzer: plan.analyzer,
    raw: { value: raw, unit: total ? '' : plan.rawUnit, basis: total ? 'none' : plan.rawBasis },
    corrected: {
      value: value,
      unit: total ? plan.totalUnit : plan.unit,
      basis: total ? 'none' : plan.basis,
      tRefK: total ? null : plan.tRefK,
      pRefPa: total ? null : plan.pRefPa,
      o2RefPct: total ? null : plan.o2RefPct,
    },
    decimals: total ? decimalsFor(plan.totalUnit) : plan.decimals,
    calibrationId: plan.calibrationId,
    nValid: n.nValid,
    nTotal: n.nTotal,
    availabilityBp: availabilityBp(n.nValid, n.nTotal),
    validityRule: pv ? pv.rule : sv ? ctx.profileId + ':SUBSTITUTE' : '',
    status: sv ? 'SUBSTITUTED' : pv ? pv.status : 'INSUFFICIENT_DATA',
    native: nativeOf(ctx, plan, pv, sv),
    substitution: sv ? { method: sv.method, code: sv.code } : null,
    uncertainty: null,
    methodRef: plan.methodRef,
  };
}

function pushQuantity(ctx: RecordContext, list: QuantityData[], plan: QuantityPlan, pv: PeriodValue | null, sv: SubstituteValue | null): void {
  list.push(quantity(ctx, plan, pv, sv, false));
  if (plan.totalId !== '') list.push(quantity(ctx, plan, pv, sv, true));
}

function periodData(ctx: RecordContext, startMs: number, quantities: QuantityData[], supplement: boolean): PeriodData {
  const p: PeriodData = {
    startMs: startMs,
    endMs: startMs + ctx.periodMs,
    averagingS: ctx.averagingS,
    analyzers: ctx.analyzers,
    quantities: quantities,
    monitoringPlanVersion: ctx.planVersion,
  };
  if (supplement) p.supplement = true;
  return p;
}

/** The substitute for output q covering the period at startMs, or null. */
function coveringSubstitute(subs: SubstituteValue[], q: string, startMs: number, periodMs: number): SubstituteValue | null {
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    if (s.q === q && startMs >= s.startMs && startMs < s.startMs + s.periods * periodMs) return s;
  }
  return null;
}

/**
 * A period record to emit. `supplement` (marked in the record too) when it carries only substitutes for a period
 * recorded earlier, or never recorded.
 */
export interface PeriodRecord {
  startMs: number;
  supplement: boolean;
  period: PeriodData;
}

/**
 * Period records for one batch of engine output. Every closed period gives one record with a quantity per output
 * (and a mass total after each mass rate). A substitute in the same batch turns its quantity SUBSTITUTED; substitutes
 * for periods closed in earlier batches (Part 75 fills a gap when it ends) or for periods without any data become
 * supplement records that carry only the substituted quantities. Records come in period order.
 */
export function buildPeriodRecords(ctx: RecordContext, periods: PeriodValue[], subs: SubstituteValue[]): PeriodRecord[] {
  const out: PeriodRecord[] = [];
  const recorded: number[] = [];
  const byOut: (PeriodValue | null)[] = [];
  let i = 0;
  while (i < periods.length) {
    const startMs = periods[i].startMs;
    for (let k = 0; k < ctx.plans.length; k++) byOut[k] = null;
    while (i < periods.length && periods[i].startMs === startMs) {
      const idx = ctx.cems.outIndex[periods[i].q];
      if (typeof idx === 'number') byOut[idx] = periods[i];
      i++;
    }
    const qs: QuantityData[] = [];
    for (let k = 0; k < ctx.plans.length; k++) {
      const pv = byOut[k];
      pushQuantity(ctx, qs, ctx.plans[k], pv, pv ? coveringSubstitute(subs, ctx.plans[k].id, startMs, ctx.periodMs) : null);
    }
    out.push({ startMs: startMs, supplement: false, period: periodData(ctx, startMs, qs, false) });
    recorded.push(startMs);
  }
  // periods covered by a substitute but not closed in this batch: one supplement record each, in period order
  const starts: number[] = [];
  for (let s = 0; s < subs.length; s++) {
    for (let p = 0; p < subs[s].periods; p++) {
      const t = subs[s].startMs + p * ctx.periodMs;
      if (recorded.indexOf(t) < 0 && starts.indexOf(t) < 0) starts.push(t);
    }
  }
  starts.sort(function (a, b) {
    return a - b;
  });
  for (let s = 0; s < starts.length; s++) {
    const qs: QuantityData[] = [];
    for (let k = 0; k < ctx.plans.length; k++) {
      const sv = coveringSubstitute(subs, ctx.plans[k].id, starts[s], ctx.periodMs);
      if (sv) pushQuantity(ctx, qs, ctx.plans[k], null, sv);
    }
    out.push({ startMs: starts[s], supplement: true, period: periodData(ctx, starts[s], qs, true) });
  }
  out.sort(function (a, b) {
    if (a.startMs !== b.startMs) return a.startMs - b.startMs;
    return (a.supplement ? 0 : 1) - (b.supplement ? 0 : 1);
  });
  return out;
}

