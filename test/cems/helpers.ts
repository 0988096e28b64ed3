// Shared fixtures for the emissions-engine tests: engines from plain configs (test/kit/engine.ts), sample streams with
// chosen statuses, and the engine's output as readable values: rows with output ids and status names, the closed
// minutes the engine reports through onMinute.
import { expect } from 'vitest';
import { STATUS_LIST, type Status } from '../../protocol/sample';
import type { OutputDef } from '../../protocol/cems/config';
import {
  advance,
  DR,
  MV,
  PR,
  pushSample,
  takeOutput,
  type EngineEvent,
  type Substitute,
} from '../../protocol/cems/engine';
import { DayRuleKind, Eng, PeriodRuleKind } from '../../protocol/plan/format';
import { channelOf, engineOf, outputOf, type KitEngine } from '../kit/engine';

/** 2026-09-01T00:00:00Z. */
export const T0 = 1788220800000;
export const MIN = 60000;
export const HOUR = 3600000;
export const DAY = 86400000;

/** A closed minute: per output (config order) its value, raw value, status code, samples, reasons and bits. */
export interface MinuteView {
  startMs: number;
  v: number[];
  raw: number[];
  st: number[];
  n: number[];
  reasons: number[];
  bits: number[];
}

/** One output's value of a closed period (PR.* fields under their names). */
export interface PeriodView {
  q: string;
  startMs: number;
  v: number;
  raw: number;
  reported: number;
  status: Status;
  /** Dominant cause of an invalid period ('' otherwise). */
  cause: Status | '';
  /** Part 75 MODC as a number (Modc; 0: none). */
  modc: number;
  bits: number;
  reasons: number;
  nValid: number;
  nMinutes: number;
  samples: number;
  min: number;
  max: number;
  ciSubtracted: number;
  total: number;
  pendingSubstitution: boolean;
}

/** One output's value of a closed day (DR.* fields under their names). */
export interface DayView {
  q: string;
  startMs: number;
  v: number;
  reported: number;
  status: Status;
  cause: Status | '';
  nValid: number;
  nInvalid: number;
  nNonOperating: number;
  nSubstituted: number;
  nOutOfCal: number;
  min: number;
  max: number;
  total: number;
}

export interface OutputView {
  minutes: MinuteView[];
  periods: PeriodView[];
  days: DayView[];
  subs: (Substitute & { q: string })[];
  events: EngineEvent[];
}

/** A kit engine that collects its closed minutes until the next takeOutputView. */
export interface TestEngine extends KitEngine {
  minutes: MinuteView[];
}

function fieldsOf(a: Float64Array, field: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a[i * MV.FIELDS + field]);
  return out;
}

export function engine(config: object): TestEngine {
  const t: TestEngine = { ...engineOf(config), minutes: [] };
  t.e.onMinute = (startMs, e) => {
    const mv = e.mv;
    t.minutes.push({
      startMs,
      v: fieldsOf(mv, MV.V, e.nOut),
      raw: fieldsOf(mv, MV.RAW, e.nOut),
      st: fieldsOf(mv, MV.ST, e.nOut),
      n: fieldsOf(mv, MV.N, e.nOut),
      reasons: fieldsOf(mv, MV.REASONS, e.nOut),
      bits: fieldsOf(mv, MV.BITS, e.nOut),
    });
  };
  return t;
}

/** Status name of a status code; throws for a number that is no status. */
export function statusName(code: number): Status {
  const s = STATUS_LIST[code];
  if (s === undefined) throw new Error('no status ' + code);
  return s;
}

function causeName(code: number): Status | '' {
  return code < 0 ? '' : statusName(code);
}

/** Status code of a status name. */
export function statusCode(s: Status): number {
  const i = STATUS_LIST.indexOf(s);
  if (i < 0) throw new Error('no status ' + s);
  return i;
}

/** Pushes one sample of channel `channel` (analyzer status bits 0). */
export function push(t: TestEngine, channel: string, tMs: number, value: number, status: Status = 'VALID'): void {
  pushSample(t.e, channelOf(t, channel), tMs, value, statusCode(status), 0);
}

/** Everything the engine produced since the last call, as views. */
export function takeOutputView(t: TestEngine): OutputView {
  const out = takeOutput(t.e);
  const ids = t.cfg.outputs.map((o) => o.id);
  const periods: PeriodView[] = [];
  for (const p of out.periods) {
    ids.forEach((q, o) => {
      const r = p.rows.subarray(o * PR.FIELDS, (o + 1) * PR.FIELDS);
      periods.push({
        q,
        startMs: p.startMs,
        v: r[PR.MEAN],
        raw: r[PR.RAW],
        reported: r[PR.REPORTED],
        status: statusName(r[PR.STATUS]),
        cause: causeName(r[PR.CAUSE]),
        modc: r[PR.MODC],
        bits: r[PR.BITS],
        reasons: r[PR.REASONS],
        nValid: r[PR.N_VALID],
        nMinutes: r[PR.N_MINUTES],
        samples: r[PR.SAMPLES],
        min: r[PR.MIN],
        max: r[PR.MAX],
        ciSubtracted: r[PR.CI_SUBTRACTED],
        total: r[PR.TOTAL],
        pendingSubstitution: r[PR.PENDING] === 1,
      });
    });
  }
  const days: DayView[] = [];
  for (const d of out.days) {
    ids.forEach((q, o) => {
      const r = d.rows.subarray(o * DR.FIELDS, (o + 1) * DR.FIELDS);
      days.push({
        q,
        startMs: d.startMs,
        v: r[DR.MEAN],
        reported: r[DR.REPORTED],
        status: statusName(r[DR.STATUS]),
        cause: causeName(r[DR.CAUSE]),
        nValid: r[DR.N_VALID],
        nInvalid: r[DR.N_INVALID],
        nNonOperating: r[DR.N_NON_OPERATING],
        nSubstituted: r[DR.N_SUBSTITUTED],
        nOutOfCal: r[DR.N_OUT_OF_CAL],
        min: r[DR.MIN],
        max: r[DR.MAX],
        total: r[DR.TOTAL],
      });
    });
  }
  return {
    minutes: t.minutes.splice(0),
    periods,
    days,
    subs: out.subs.map((s) => ({ ...s, q: ids[s.out] })),
    events: out.events,
  };
}

/**
 * Pushes `perMinute` samples of `value` per channel into one minute starting at minuteStart. statusOf(k) gives the
 * status of the k-th sample of the minute (default VALID).
 */
export function feedMinute(
  t: TestEngine,
  channels: string[],
  minuteStart: number,
  perMinute: number,
  value: number | ((channel: string) => number),
  statusOf?: (k: number) => Status,
): void {
  const step = Math.floor(MIN / perMinute);
  for (let k = 0; k < perMinute; k++) {
    for (let c = 0; c < channels.length; c++) {
      const v = typeof value === 'number' ? value : value(channels[c]);
      push(t, channels[c], minuteStart + k * step + c, v, statusOf ? statusOf(k) : 'VALID');
    }
  }
}

/** Closes everything up to `t` (plus the close delay) and returns the output. */
export function flush(t: TestEngine, tMs: number): OutputView {
  advance(t.e, tMs + t.cfg.closeDelayMs);
  return takeOutputView(t);
}

export function periodOf(out: OutputView, q: string, startMs: number): PeriodView {
  const p = out.periods.find((x) => x.q === q && x.startMs === startMs);
  if (!p) throw new Error('no period ' + q + ' @' + (startMs - T0) / MIN + ' min');
  return p;
}

export function dayOf(out: OutputView, q: string, startMs: number): DayView {
  const d = out.days.find((x) => x.q === q && x.startMs === startMs);
  if (!d) throw new Error('no day ' + q);
  return d;
}

export function minuteValue(t: TestEngine, rec: MinuteView, q: string): { v: number; st: Status; reasons: number } {
  const i = outputOf(t, q);
  return { v: rec.v[i], st: statusName(rec.st[i]), reasons: rec.reasons[i] };
}

/** The compiled definition of output `q` (unit, basis, total unit). */
export function outputDef(t: TestEngine, q: string): OutputDef {
  return t.cfg.outputs[outputOf(t, q)];
}

/** `x` rounds (half away from zero) to the decimal text `expected` at its number of decimals. */
export function expectRounded(x: number, expected: string): void {
  const dot = expected.indexOf('.');
  const decimals = dot < 0 ? 0 : expected.length - dot - 1;
  const scale = 10 ** decimals;
  const want = Number(expected);
  expect(Number.isFinite(x)).toBe(true);
  expect(Math.abs(x * scale - want * scale)).toBeLessThanOrEqual(0.5 + 1e-9);
}

/** SO2 (ppm) + O2 (pct, dry) stack for a profile, with what the profile demands; fields of `extra` replace the base. */
export function gasConfig(profile: string, extra: object = {}): object {
  const so2: { [k: string]: unknown } = { id: 'so2', quantity: 'SO2', unit: 'ppm' };
  const base: { [k: string]: unknown } = { profile, scanIntervalMs: 5000, o2Channel: 'o2' };
  if (profile === 'EU_IED_LCP') base.sourceType = 'SOLID_FUEL';
  if (profile === 'EU_IED_WI') base.sourceType = 'WASTE';
  if (profile === 'CN_HJ') base.sourceType = 'COAL_BOILER';
  if (profile === 'US_P75') base.sourceType = 'BOILER';
  if (profile.indexOf('US_') === 0 || profile === 'CA_ECCC') base.scanIntervalMs = 15000;
  if (profile.indexOf('EU_IED') === 0) so2.elvDaily = 200;
  if (profile === 'US_P75') so2.mpc = 2000;
  base.channels = [so2, { id: 'o2', quantity: 'O2', unit: 'pct' }];
  return { ...base, ...extra };
}

/** Feeds SO2 = so2 ppm and O2 = 6 % for one minute. */
export function feedStackMinute(
  t: TestEngine,
  minuteStart: number,
  perMinute: number,
  so2: number,
  statusOf?: (k: number) => Status,
): void {
  feedMinute(t, ['so2', 'o2'], minuteStart, perMinute, (c) => (c === 'o2' ? 6 : so2), statusOf);
}

const PERIOD_RULES: { [code: number]: string } = {
  [PeriodRuleKind.MIN_MINUTES]: 'MIN_MINUTES',
  [PeriodRuleKind.MINUTE_FRACTION]: 'MINUTE_FRACTION',
  [PeriodRuleKind.SAMPLE_FRACTION]: 'SAMPLE_FRACTION',
  [PeriodRuleKind.QUADRANT]: 'QUADRANT',
};
const DAY_RULES: { [code: number]: string } = {
  [DayRuleKind.NONE]: 'NONE',
  [DayRuleKind.MIN_PERIODS]: 'MIN_PERIODS',
  [DayRuleKind.MAX_INVALID]: 'MAX_INVALID',
};

/** The period validity rule the engine runs on, read from its plan: "MIN_MINUTES:45", "SAMPLE_FRACTION:80/100". */
export function periodRule(t: TestEngine): string {
  const eng = t.e.eng;
  const kind = PERIOD_RULES[eng[Eng.RULE_KIND]];
  if (kind === 'MIN_MINUTES') return kind + ':' + eng[Eng.RULE_N];
  if (kind === 'QUADRANT') return kind;
  return kind + ':' + eng[Eng.RULE_NUM] + '/' + eng[Eng.RULE_DEN];
}

/** The day validity rule the engine runs on, read from its plan: "MAX_INVALID:3", "NONE". */
export function dayRule(t: TestEngine): string {
  const kind = DAY_RULES[t.e.eng[Eng.DAY_RULE_KIND]];
  return kind === 'NONE' ? kind : kind + ':' + t.e.eng[Eng.DAY_RULE_N];
}
