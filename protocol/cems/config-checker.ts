// Config validation primitives with path-named errors, and the profile overrides an installation may apply to the
// fields its jurisdiction leaves configurable.
import { lookup } from '../own';
import { CONDITIONS } from './conditions';
import type { ConfigError } from './config-types';
import { configNumber, isInt } from './numbers';
import { O2_K_20_9, O2_K_21, OVERRIDABLE } from './profiles';
import type { DayRule, O2Guard, PeriodRule, Profile, SubstitutionMethod } from './profiles';
import { DAY_MS } from './time';

export class Checker {
  errors: ConfigError[] = [];

  fail(path: string, code: string, message: string): void {
    this.errors.push({ path: path, code: code, message: message });
  }

  /** A config number (integer or decimal string); NaN (with an error) when absent-but-required or malformed. */
  num(v: unknown, path: string, required: boolean): number {
    if (v === undefined) {
      if (required) this.fail(path, 'CEMS_CFG_MISSING', 'required');
      return NaN;
    }
    const x = configNumber(v);
    if (isNaN(x)) {
      this.fail(path, 'CEMS_CFG_NUMBER', 'must be an integer or a decimal string such as "1.25" (got ' + typeof v + ')');
    }
    return x;
  }

  int(v: unknown, path: string, lo: number, hi: number, dflt: number): number {
    if (v === undefined && !isNaN(dflt)) return dflt;
    if (!isInt(v) || v < lo || v > hi) {
      this.fail(path, 'CEMS_CFG_RANGE', 'must be an integer in [' + lo + ', ' + hi + ']');
      return NaN;
    }
    return v;
  }

  oneOf(v: unknown, path: string, allowed: string[]): string {
    if (typeof v !== 'string' || allowed.indexOf(v) < 0) {
      this.fail(path, 'CEMS_CFG_ENUM', 'must be one of ' + allowed.join(', '));
      return '';
    }
    return v;
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0) {
      this.fail(path, 'CEMS_CFG_STRING', 'must be a non-empty string');
      return '';
    }
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 32 || c > 126) {
        this.fail(path, 'CEMS_CFG_STRING', 'must be printable ASCII');
        return '';
      }
    }
    return v;
  }

  obj(v: unknown, path: string): { [k: string]: unknown } | null {
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      this.fail(path, 'CEMS_CFG_TYPE', 'must be an object');
      return null;
    }
    return v as { [k: string]: unknown };
  }
}

export function keysOf(o: { [k: string]: unknown }): string[] {
  return Object.keys(o);
}

function copyProfile(p: Profile): Profile {
  return {
    id: p.id,
    title: p.title,
    texts: p.texts,
    conditions: p.conditions,
    o2K: p.o2K,
    o2RefBySource: p.o2RefBySource,
    o2Guard: p.o2Guard,
    periodMinutes: p.periodMinutes,
    minuteMinSamples: p.minuteMinSamples,
    periodRule: p.periodRule,
    weighting: p.weighting,
    dayRule: p.dayRule,
    ciPct: p.ciPct,
    substitution: p.substitution,
    standardized: p.standardized,
  };
}

function parsePeriodRule(c: Checker, v: unknown, path: string, periodMinutes: number): PeriodRule | null {
  const o = c.obj(v, path);
  if (!o) return null;
  const kind = c.oneOf(o.kind, path + '.kind', ['MIN_MINUTES', 'MINUTE_FRACTION', 'SAMPLE_FRACTION', 'QUADRANT']);
  if (kind === 'MIN_MINUTES') return { kind: 'MIN_MINUTES', n: c.int(o.n, path + '.n', 1, periodMinutes, NaN) };
  if (kind === 'QUADRANT') return { kind: 'QUADRANT' };
  if (kind === 'MINUTE_FRACTION' || kind === 'SAMPLE_FRACTION') {
    const den = c.int(o.den, path + '.den', 1, 1000000, NaN);
    const num = c.int(o.num, path + '.num', 1, isNaN(den) ? 1000000 : den, NaN);
    return kind === 'MINUTE_FRACTION'
      ? { kind: 'MINUTE_FRACTION', num: num, den: den }
      : { kind: 'SAMPLE_FRACTION', num: num, den: den };
  }
  return null;
}

function parseDayRule(c: Checker, v: unknown, path: string, periodsPerDay: number): DayRule | null {
  const o = c.obj(v, path);
  if (!o) return null;
  const kind = c.oneOf(o.kind, path + '.kind', ['MIN_PERIODS', 'MAX_INVALID', 'NONE']);
  if (kind === 'NONE') return { kind: 'NONE' };
  if (kind === 'MIN_PERIODS') return { kind: 'MIN_PERIODS', n: c.int(o.n, path + '.n', 1, periodsPerDay, NaN) };
  if (kind === 'MAX_INVALID') return { kind: 'MAX_INVALID', n: c.int(o.n, path + '.n', 0, periodsPerDay, NaN) };
  return null;
}

export function applyOverrides(c: Checker, base: Profile, v: unknown): Profile {
  const p = copyProfile(base);
  if (v === undefined) return p;
  const o = c.obj(v, 'overrides');
  if (!o) return p;
  const keys = keysOf(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (OVERRIDABLE.indexOf(k) < 0) c.fail('overrides.' + k, 'CEMS_CFG_UNKNOWN', 'not an overridable profile field');
    else if (base.standardized.indexOf(k) >= 0) {
      c.fail('overrides.' + k, 'CEMS_CFG_STANDARDIZED', base.id + ' fixes ' + k + ' by regulation; it cannot be configured');
    }
  }
  if (o.periodMinutes !== undefined && base.standardized.indexOf('periodMinutes') < 0) {
    const m = c.int(o.periodMinutes, 'overrides.periodMinutes', 30, 60, NaN);
    if (m === 30 || m === 60) p.periodMinutes = m;
    else if (!isNaN(m)) c.fail('overrides.periodMinutes', 'CEMS_CFG_RANGE', 'must be 30 or 60');
  }
  if (o.conditions !== undefined && base.standardized.indexOf('conditions') < 0) {
    const cond = lookup(CONDITIONS, c.oneOf(o.conditions, 'overrides.conditions', keysOf(CONDITIONS)));
    if (cond !== undefined) p.conditions = cond;
  }
  if (o.o2K !== undefined && base.standardized.indexOf('o2K') < 0) {
    const k = c.num(o.o2K, 'overrides.o2K', true);
    if (k === O2_K_21 || k === O2_K_20_9) p.o2K = k;
    else if (!isNaN(k)) c.fail('overrides.o2K', 'CEMS_CFG_RANGE', 'must be 21 or "20.9"');
  }
  if (o.minuteMinSamples !== undefined && base.standardized.indexOf('minuteMinSamples') < 0) {
    p.minuteMinSamples = c.int(o.minuteMinSamples, 'overrides.minuteMinSamples', 1, 60, NaN);
  }
  if (o.weighting !== undefined && base.standardized.indexOf('weighting') < 0) {
    const w = c.oneOf(o.weighting, 'overrides.weighting', ['MINUTE', 'SAMPLE']);
    if (w === 'MINUTE' || w === 'SAMPLE') p.weighting = w;
  }
  if (o.periodRule !== undefined && base.standardized.indexOf('periodRule') < 0) {
    const r = parsePeriodRule(c, o.periodRule, 'overrides.periodRule', p.periodMinutes);
    if (r) p.periodRule = r;
  }
  if (o.dayRule !== undefined && base.standardized.indexOf('dayRule') < 0) {
    const r = parseDayRule(c, o.dayRule, 'overrides.dayRule', DAY_MS / (p.periodMinutes * 60000));
    if (r) p.dayRule = r;
  }
  if (o.substitution !== undefined && base.standardized.indexOf('substitution') < 0) {
    const s = c.oneOf(o.substitution, 'overrides.substitution', ['MRR_EQ4', 'P75_STANDARD', 'HJ_FLAG', 'NONE']);
    if (s) p.substitution = s as SubstitutionMethod;
  }
  if (o.o2Guard !== undefined && base.standardized.indexOf('o2Guard') < 0) {
    const g = c.obj(o.o2Guard, 'overrides.o2Guard');
    if (g) {
      const kind = c.oneOf(g.kind, 'overrides.o2Guard.kind', ['LIMIT', 'DILUENT_CAP']);
      if (kind === 'LIMIT') {
        const m = c.num(g.maxPct, 'overrides.o2Guard.maxPct', true);
        if (m > 0) p.o2Guard = { kind: 'LIMIT', maxPct: m };
        else if (!isNaN(m)) c.fail('overrides.o2Guard.maxPct', 'CEMS_CFG_RANGE', 'must be > 0');
      } else if (kind === 'DILUENT_CAP') {
        const m = c.num(g.capPct, 'overrides.o2Guard.capPct', true);
        const caps: { [s: string]: number } = {};
        caps['*'] = m;
        if (m > 0) p.o2Guard = { kind: 'DILUENT_CAP', capPct: caps } as O2Guard;
        else if (!isNaN(m)) c.fail('overrides.o2Guard.capPct', 'CEMS_CFG_RANGE', 'must be > 0');
      }
    }
  }
  if (p.periodRule.kind === 'QUADRANT' && p.periodMinutes !== 60) {
    c.fail('overrides.periodMinutes', 'CEMS_CFG_RULE', 'the quadrant rule needs 60-minute periods');
  }
  if (p.substitution === 'P75_STANDARD' && p.periodMinutes !== 60) {
    c.fail('overrides.substitution', 'CEMS_CFG_RULE', 'Part 75 missing-data substitution works on hours');
  }
  return p;
}
