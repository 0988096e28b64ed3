// Shared fixtures for the emissions-engine tests: engines from plain configs, sample streams with chosen statuses,
// and lookups into the engine output.
import { expect } from 'vitest';
import type { Sample, Status } from '../../protocol/sample';
import { compileConfig } from '../../protocol/cems/config';
import type { CemsEngine, CemsOutput, DayValue, PeriodValue } from '../../protocol/cems/engine';
import { advance, createEngine, pushSample, takeOutput } from '../../protocol/cems/engine';
import type { MinuteRecord } from '../../protocol/cems/pipeline';
import { STATUS_LIST } from '../../protocol/cems/status';

/** 2026-09-01T00:00:00Z. */
export const T0 = 1788220800000;
export const MIN = 60000;
export const HOUR = 3600000;
export const DAY = 86400000;

export function engine(config: object): CemsEngine {
  return createEngine(compileConfig(config), null);
}

export function sample(channel: string, tMs: number, value: number, status: Status = 'VALID'): Sample {
  return { channel, tMs, value, valid: status === 'VALID' || status === 'OUT_OF_CAL_RANGE', status, native: 0, source: 'test' };
}

/**
 * Pushes `perMinute` samples of `value` per channel into one minute starting at minuteStart. statusOf(k) gives the
 * status of the k-th sample of the minute (default VALID).
 */
export function feedMinute(
  e: CemsEngine,
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
      pushSample(e, sample(channels[c], minuteStart + k * step + c, v, statusOf ? statusOf(k) : 'VALID'));
    }
  }
}

/** Closes everything up to `t` (plus the close delay) and returns the output. */
export function flush(e: CemsEngine, t: number): CemsOutput {
  advance(e, t + e.cfg.closeDelayMs);
  return takeOutput(e);
}

export function periodOf(out: CemsOutput, q: string, startMs: number): PeriodValue {
  const p = out.periods.find((x) => x.q === q && x.startMs === startMs);
  if (!p) throw new Error('no period ' + q + ' @' + (startMs - T0) / MIN + ' min');
  return p;
}

export function dayOf(out: CemsOutput, q: string, startMs: number): DayValue {
  const d = out.days.find((x) => x.q === q && x.startMs === startMs);
  if (!d) throw new Error('no day ' + q);
  return d;
}

export function minuteValue(e: CemsEngine, rec: MinuteRecord, q: string): { v: number; st: string; reasons: number } {
  const i = e.cfg.outIndex[q];
  return { v: rec.v[i], st: STATUS_LIST[rec.st[i]], reasons: rec.reasons[i] };
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
  e: CemsEngine,
  minuteStart: number,
  perMinute: number,
  so2: number,
  statusOf?: (k: number) => Status,
): void {
  feedMinute(e, ['so2', 'o2'], minuteStart, perMinute, (c) => (c === 'o2' ? 6 : so2), statusOf);
}
