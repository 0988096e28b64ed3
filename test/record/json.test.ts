// JSON rendition: integer-arithmetic number formatting, ISO time, escaping, fixed key order, valid JSON.
import { describe, expect, it } from 'vitest';
import { FIXTURE_START_MS, fixtureHourlyPeriod, fixtureIdentity, fixtureTime } from '../kit/record-fixtures';
import { fixedToJson, intToJson, isoUtc, recordToJson, stringToJson, uintDigits } from '../../host-sim/verifier/json';
import type { RecordData } from '../../protocol/record/schema';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { seededRandom } from '../../host-sim/prng';
import { codeOf } from './helpers';

describe('numbers', () => {
  it('writes integers digit by digit', () => {
    expect(uintDigits(0)).toBe('0');
    expect(uintDigits(9007199254740991)).toBe('9007199254740991');
    expect(intToJson(-1767225600000)).toBe('-1767225600000');
    expect(codeOf(() => intToJson(1.5))).toBe('JSON_RANGE');
    expect(codeOf(() => intToJson(2 ** 53))).toBe('JSON_RANGE');
    const r = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 54));
      expect(intToJson(n)).toBe(String(n));
    }
  });

  it('scales, rounds half away from zero and inserts the point', () => {
    const cases: [number, number, string][] = [
      [41.25, 2, '41.25'],
      [52.17, 2, '52.17'],
      [0.125, 2, '0.13'],
      [-0.125, 2, '-0.13'],
      [2.5, 0, '3'],
      [-2.5, 0, '-3'],
      [-0.001, 2, '0.00'],
      [-0, 1, '0.0'],
      [0, 0, '0'],
      [123.456, 0, '123'],
      [1.005, 2, '1.00'], // 1.005 is 1.00499999999999989... and 1.005*100 rounds to 100.49999999999999
      [0.1, 9, '0.100000000'],
      [0.000001, 6, '0.000001'],
      [152345.6, 0, '152346'],
      [273.15, 3, '273.150'],
      [1234567.891234, 6, '1234567.891234'],
    ];
    for (const [v, d, s] of cases) expect(fixedToJson(v, d), v + '@' + d).toBe(s);
    expect(codeOf(() => fixedToJson(NaN, 2))).toBe('JSON_RANGE');
    expect(codeOf(() => fixedToJson(Infinity, 2))).toBe('JSON_RANGE');
    expect(codeOf(() => fixedToJson(1e17, 2))).toBe('JSON_RANGE');
    expect(codeOf(() => fixedToJson(1, 16))).toBe('JSON_RANGE');
  });

  it('agrees with the exact decimal value to within half a unit of the last digit', () => {
    const r = seededRandom(11);
    for (let i = 0; i < 5000; i++) {
      const v = (r() - 0.5) * 10 ** Math.floor(r() * 8);
      const d = Math.floor(r() * 7);
      const text = fixedToJson(v, d);
      expect(text).toMatch(d ? /^-?\d+\.\d+$/ : /^-?\d+$/);
      expect(Math.abs(Number(text) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(v) * 1e-15);
    }
  });
});

describe('text and time', () => {
  it('escapes quotes, backslashes and control characters (lower-case hex), refuses non-ASCII', () => {
    expect(stringToJson('a"b\\c\n\u001f\u007f')).toBe('"a\\"b\\\\c\\u000a\\u001f\\u007f"');
    expect(JSON.parse(stringToJson('a"b\\c\n\u001f'))).toBe('a"b\\c\n\u001f');
    expect(codeOf(() => stringToJson('\u00e9'))).toBe('JSON_NOT_ASCII');
  });

  it('ISO 8601 UTC from integer arithmetic equals Date.toISOString', () => {
    expect(isoUtc(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoUtc(FIXTURE_START_MS)).toBe('2026-01-01T00:00:00.000Z');
    expect(isoUtc(951782400000)).toBe('2000-02-29T00:00:00.000Z');
    const r = seededRandom(3);
    for (let i = 0; i < 20000; i++) {
      const ms = Math.floor(r() * 2 ** 45);
      expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

describe('record rendition', () => {
  const identity = fixtureIdentity(nodeSha256);
  const rec: RecordData = {
    version: 1, seq: 7, prev: new Uint8Array(32), device: identity.device, site: identity.site, time: fixtureTime(),
    createdMs: FIXTURE_START_MS + 3601500, period: fixtureHourlyPeriod(FIXTURE_START_MS, 0), event: null,
  };

  it('is compact valid JSON with the documented keys in a fixed order', () => {
    const text = recordToJson(rec, nodeSha256(new Uint8Array([1])));
    expect(text).not.toMatch(/\s(?=(?:[^"]*"[^"]*")*[^"]*$)/); // no whitespace outside strings
    const j = JSON.parse(text);
    expect(Object.keys(j)).toEqual(['v', 'type', 'seq', 'prev', 'record_hash', 'created_ms', 'device', 'site', 'time', 'period']);
    expect(Object.keys(j.period)).toEqual(['start', 'end', 'start_ms', 'end_ms', 'averaging_s', 'monitoring_plan', 'analyzers', 'quantities']);
    expect(j.period.start).toBe('2026-01-01T00:00:00.000Z');
    expect(j.period.quantities).toHaveLength(10);
    const so2 = j.period.quantities[0];
    expect(so2.corrected.value).toBe(52.17);
    expect(so2.corrected.t_ref_k).toBe(273.15);
    expect(so2.availability_bp).toBe(10000);
    expect(j.period.quantities[9].analyzer).toBeNull();
    expect(text).toContain('"t_ref_k":273.150,');
    expect(text).toContain('"value":32.590,');
    expect(recordToJson(rec, null)).not.toContain('record_hash');
  });

  it('names parts and supplements only where the record does', () => {
    const marked: RecordData = { ...rec, period: { ...rec.period!, part: { index: 1, count: 3 }, supplement: true } };
    const j = JSON.parse(recordToJson(marked, null));
    expect(Object.keys(j.period)).toEqual(['start', 'end', 'start_ms', 'end_ms', 'averaging_s', 'monitoring_plan', 'part', 'supplement', 'analyzers', 'quantities']);
    expect(j.period.part).toEqual({ index: 1, count: 3 });
    expect(j.period.supplement).toBe(true);
    expect(recordToJson(marked, null)).toContain('"monitoring_plan":"MP-2026-01","part":{"index":1,"count":3},"supplement":true,"analyzers":');
  });

  it('renders events with their own precision rule', () => {
    const ev: RecordData = {
      ...rec, period: null,
      event: { kind: 'calibration', startMs: 1, endMs: -1, actor: '', detail: { analyzerId: 'A', check: 'span', quantity: 'so2', reference: 180, measured: 178.555, unit: 'mg/m3', passed: false, functionId: '', decimals: 1 } },
    };
    const j = JSON.parse(recordToJson(ev, null));
    expect(j.event).toEqual({ kind: 'calibration', start_ms: 1, end_ms: null, actor: '', detail: { analyzer: 'A', check: 'span', quantity: 'so2', reference: 180, measured: 178.6, unit: 'mg/m3', passed: false, function: '', decimals: 1 } });
    expect(recordToJson(ev, null)).toContain('"reference":180.0,');
  });
});
