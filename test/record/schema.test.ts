// Record schema v1: round trips, the key table, float encoding, and rejection of invalid data on both sides.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../protocol/bytes';
import { CborFloat, CborMap, CborText, decodeCbor, encodeCbor, type CborValue } from '../../protocol/record/cbor';
import { FIXTURE_START_MS, fixtureHourlyPeriod, fixtureIdentity, fixtureTime } from '../kit/record-fixtures';
import * as S from '../../protocol/record/schema';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { codeOf } from './helpers';

const identity = fixtureIdentity(nodeSha256);

function record(over: Partial<S.RecordData> = {}): S.RecordData {
  return {
    version: 1,
    seq: 42,
    prev: nodeSha256(new Uint8Array([1])),
    device: identity.device,
    site: identity.site,
    time: fixtureTime(),
    createdMs: FIXTURE_START_MS + 3600000 + 1000,
    period: fixtureHourlyPeriod(FIXTURE_START_MS, 0),
    event: null,
    ...over,
  };
}

function event(e: S.EventData): S.RecordData {
  return record({ period: null, event: e });
}

const EVENTS: S.EventData[] = [
  { kind: 'calibration', startMs: 1, endMs: 2, actor: 'device', detail: { analyzerId: 'AN-1', check: 'zero', quantity: 'so2', reference: 0, measured: -0.25, unit: 'mg/m3', passed: true, functionId: 'QAL2-x', decimals: 2 } },
  { kind: 'maintenance', startMs: 5, endMs: -1, actor: 'tech:a', detail: { analyzerId: 'AN-2', reason: 'filter change' } },
  { kind: 'config-change', startMs: 5, endMs: -1, actor: '', detail: { oldHash: new Uint8Array(32), newHash: new Uint8Array(32).fill(1), changes: [{ path: 'a', oldValue: 1, newValue: 1.5 }, { path: 'b', oldValue: null, newValue: 'x' }, { path: 'c', oldValue: true, newValue: false }] } },
  { kind: 'gap', startMs: 5, endMs: -1, actor: 'device', detail: { reason: 'unpersisted-seq', firstSeq: 3, lastSeq: 9, fromMs: -1, toMs: -1 } },
  { kind: 'gap', startMs: 5, endMs: 9, actor: 'device', detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: 5, toMs: 9 } },
  { kind: 'reboot', startMs: 5, endMs: -1, actor: 'device', detail: { bootCount: 7, reason: 'watchdog', resumedFrom: 'journal' } },
  { kind: 'time-set', startMs: 5, endMs: -1, actor: 'device', detail: { source: 'gnss', stepMs: -1500 } },
];

/** Encodes a record, lets `edit` change the CBOR map, and decodes the result. */
function decodeEdited(edit: (m: CborMap) => void): string {
  const m = S.recordToCbor(record());
  edit(m);
  return codeOf(() => S.decodeRecordPayload(encodeCbor(m)));
}

const sub = (m: CborMap, ...keys: number[]): CborMap => {
  let v: CborValue = m;
  for (const k of keys) v = Array.isArray(v) ? v[k] : (v as CborMap).get(k);
  return v as CborMap;
};

describe('record schema v1', () => {
  it('round-trips a 10-quantity period record and every event kind', () => {
    const r = record();
    expect(S.decodeRecordPayload(S.encodeRecordPayload(r))).toEqual(r);
    for (const e of EVENTS) expect(S.decodeRecordPayload(S.encodeRecordPayload(event(e)))).toEqual(event(e));
  });

  it('keeps every key in 0..23 (one byte, so bytewise and length-first orders agree)', () => {
    const tables = [S.K_RECORD, S.K_DEVICE, S.K_SITE, S.K_TIME, S.K_PERIOD, S.K_ANALYZER, S.K_QUANTITY, S.K_VALUE, S.K_CODE,
      S.K_SUBST, S.K_UNCERTAINTY, S.K_EVENT, S.K_CALIBRATION, S.K_MAINTENANCE, S.K_CONFIG, S.K_GAP, S.K_REBOOT, S.K_TIMESET];
    for (const t of tables) {
      const values = Object.values(t);
      expect(new Set(values).size).toBe(values.length);
      for (const v of values) expect(v >= 0 && v < 24).toBe(true);
    }
  });

  it('writes measured values as CBOR floats (shortest exact), integral ones too', () => {
    const r = record();
    r.period!.quantities[6].corrected.value = 152346; // integral
    const m = decodeCbor(S.encodeRecordPayload(r)) as CborMap;
    const q6 = sub(m, S.K_RECORD.PERIOD, S.K_PERIOD.QUANTITIES, 6);
    expect(sub(q6, S.K_QUANTITY.CORRECTED).get(S.K_VALUE.VALUE)).toEqual(new CborFloat(152346));
    const so2raw = sub(m, S.K_RECORD.PERIOD, S.K_PERIOD.QUANTITIES, 0, S.K_QUANTITY.RAW).get(S.K_VALUE.VALUE);
    expect(so2raw).toEqual(new CborFloat(41.25));
    expect(toHex(encodeCbor(so2raw))).toBe('f95128'); // 41.25 is exact in float16
    expect(toHex(encodeCbor(new CborFloat(5217 / 100)))).toBe('fb404a15c28f5c28f6'); // 52.17 needs float64
  });

  it('starts with version, type, seq, prev in key order', () => {
    const b = S.encodeRecordPayload(record());
    expect(toHex(b.subarray(0, 9))).toBe('a9' + '0001' + '0101' + '02182a' + '03');
  });

  it('availabilityBp rounds down with integer arithmetic', () => {
    expect(S.availabilityBp(58, 60)).toBe(9666);
    expect(S.availabilityBp(0, 0)).toBe(0);
    expect(S.availabilityBp(60, 60)).toBe(10000);
    expect(S.availabilityBp(1, 3)).toBe(3333);
  });
});

describe('parts and supplements (optional period keys 6 and 7)', () => {
  const marked = (part: S.PeriodPart | undefined, supplement: boolean | undefined): S.RecordData => {
    const r = record();
    if (part) r.period!.part = part;
    if (supplement !== undefined) r.period!.supplement = supplement;
    return r;
  };

  it('are written after the plan version only where they apply, and read back', () => {
    const plain = S.encodeRecordPayload(record());
    const both = S.encodeRecordPayload(marked({ index: 1, count: 2 }, true));
    // the period map is the payload's last value: its head goes from 6 to 8 entries (a6 -> a8, still one byte) and
    // 6: [1, 2], 7: true follow the plan version
    const at = plain.length - encodeCbor((decodeCbor(plain) as CborMap).get(S.K_RECORD.PERIOD)!).length;
    expect(plain[at]).toBe(0xa6);
    const hex = toHex(plain);
    expect(toHex(both)).toBe(hex.slice(0, 2 * at) + 'a8' + hex.slice(2 * at + 2) + '06820102' + '07f5');
    expect(S.decodeRecordPayload(both).period).toMatchObject({ part: { index: 1, count: 2 }, supplement: true });
    const none = S.decodeRecordPayload(plain).period!;
    expect('part' in none || 'supplement' in none).toBe(false);
    // false is "not a supplement" and is not written
    expect(S.encodeRecordPayload(marked(undefined, false))).toEqual(plain);
    expect(S.decodeRecordPayload(S.encodeRecordPayload(marked({ index: 0, count: 30 }, undefined))).period!.part).toEqual({ index: 0, count: 30 });
  });

  it('are refused when malformed, on both sides', () => {
    for (const part of [{ index: 0, count: 1 }, { index: 2, count: 2 }, { index: -1, count: 2 }, { index: 0.5, count: 2 }]) {
      expect(codeOf(() => S.encodeRecordPayload(marked(part, undefined))), JSON.stringify(part)).toBe('SCHEMA_RANGE');
    }
    expect(codeOf(() => S.encodeRecordPayload(marked(undefined, 'yes' as unknown as boolean)))).toBe('SCHEMA_TYPE');
    const period = (m: CborMap): CborMap => sub(m, S.K_RECORD.PERIOD);
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [1, 2]))).toBe('NO_ERROR');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [2, 2]))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [0, 1]))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [-1, 2]))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [1]))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, [0, 2, 3]))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, ['0', 2]))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.PART, 1))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.SUPPLEMENT, true))).toBe('NO_ERROR');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.SUPPLEMENT, false))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => period(m).set(S.K_PERIOD.SUPPLEMENT, 1))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => period(m).set(8, true))).toBe('SCHEMA_UNKNOWN_KEY');
  });
});

describe('schema rejections on encode', () => {
  const cases: [string, () => S.RecordData, string][] = [
    ['NaN value', () => { const r = record(); r.period!.quantities[0].raw.value = NaN; return r; }, 'SCHEMA_RANGE'],
    ['infinite reference', () => { const r = record(); r.period!.quantities[0].corrected.tRefK = Infinity; return r; }, 'SCHEMA_RANGE'],
    ['nValid > nTotal', () => { const r = record(); r.period!.quantities[0].nValid = 61; return r; }, 'SCHEMA_RANGE'],
    ['availability > 100 %', () => { const r = record(); r.period!.quantities[0].availabilityBp = 10001; return r; }, 'SCHEMA_RANGE'],
    ['unknown status', () => { const r = record(); (r.period!.quantities[0] as { status: string }).status = 'OK'; return r; }, 'SCHEMA_ENUM'],
    ['unknown basis', () => { const r = record(); (r.period!.quantities[0].raw as { basis: string }).basis = 'moist'; return r; }, 'SCHEMA_ENUM'],
    ['analyzer index out of range', () => { const r = record(); r.period!.quantities[0].analyzer = 2; return r; }, 'SCHEMA_RANGE'],
    ['too many decimals', () => { const r = record(); r.period!.quantities[0].decimals = 10; return r; }, 'SCHEMA_RANGE'],
    ['short prev hash', () => record({ prev: new Uint8Array(31) }), 'SCHEMA_RANGE'],
    ['negative seq', () => record({ seq: -1 }), 'SCHEMA_RANGE'],
    ['fractional time', () => record({ createdMs: 1.5 }), 'SCHEMA_RANGE'],
    ['period ends before it starts', () => { const r = record(); r.period!.endMs = r.period!.startMs; return r; }, 'SCHEMA_RANGE'],
    ['both period and event', () => record({ event: EVENTS[1] }), 'SCHEMA_TYPE'],
    ['neither period nor event', () => record({ period: null }), 'SCHEMA_TYPE'],
    ['version 2', () => record({ version: 2 }), 'SCHEMA_VERSION'],
    ['non-ASCII text', () => record({ site: { ...identity.site, stackId: 'Schornstein \u00e4' } }), 'CBOR_TEXT_NOT_ASCII'],
    ['gap range reversed', () => event({ ...EVENTS[3], detail: { reason: 'unpersisted-seq', firstSeq: 9, lastSeq: 3, fromMs: -1, toMs: -1 } } as S.EventData), 'SCHEMA_RANGE'],
    ['config float NaN', () => event({ ...EVENTS[2], detail: { oldHash: new Uint8Array(32), newHash: new Uint8Array(32), changes: [{ path: 'x', oldValue: NaN, newValue: 1 }] } } as S.EventData), 'SCHEMA_RANGE'],
    ['unknown event kind', () => event({ ...EVENTS[1], kind: 'party' } as unknown as S.EventData), 'SCHEMA_ENUM'],
  ];
  for (const [name, make, expected] of cases) {
    it(name + ' -> ' + expected, () => expect(codeOf(() => S.encodeRecordPayload(make()))).toBe(expected));
  }
});

describe('schema rejections on decode', () => {
  it('unknown keys anywhere', () => {
    expect(decodeEdited((m) => m.set(10, 1))).toBe('SCHEMA_UNKNOWN_KEY');
    expect(decodeEdited((m) => sub(m, S.K_RECORD.DEVICE).set(7, 'x'))).toBe('SCHEMA_UNKNOWN_KEY');
    expect(decodeEdited((m) => sub(m, S.K_RECORD.PERIOD, S.K_PERIOD.QUANTITIES, 3, S.K_QUANTITY.CORRECTED).set(9, 1))).toBe('SCHEMA_UNKNOWN_KEY');
    expect(decodeEdited((m) => m.set(S.K_RECORD.EVENT, new CborMap()))).toBe('SCHEMA_UNKNOWN_KEY');
    expect(decodeEdited((m) => m.set('x', 1))).toBe('SCHEMA_UNKNOWN_KEY');
  });

  it('missing, mistyped and out-of-range fields', () => {
    const drop = (k: number) => (m: CborMap) => {
      const i = m.indexOf(k);
      m.keys.splice(i, 1);
      m.values.splice(i, 1);
    };
    expect(decodeEdited(drop(S.K_RECORD.SEQ))).toBe('SCHEMA_MISSING');
    expect(decodeEdited(drop(S.K_RECORD.PERIOD))).toBe('SCHEMA_MISSING');
    expect(decodeEdited((m) => m.set(S.K_RECORD.VERSION, 2))).toBe('SCHEMA_VERSION');
    expect(decodeEdited((m) => m.set(S.K_RECORD.TYPE, 3))).toBe('SCHEMA_ENUM');
    expect(decodeEdited((m) => m.set(S.K_RECORD.SEQ, -1))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => m.set(S.K_RECORD.PREV, new Uint8Array(31)))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => sub(m, S.K_RECORD.SITE).set(S.K_SITE.STACK, new CborText(new Uint8Array([0xc3, 0xa4]))))).toBe('SCHEMA_TYPE');
    const q0 = (m: CborMap) => sub(m, S.K_RECORD.PERIOD, S.K_PERIOD.QUANTITIES, 0);
    expect(decodeEdited((m) => sub(q0(m), S.K_QUANTITY.RAW).set(S.K_VALUE.VALUE, 41))).toBe('SCHEMA_TYPE'); // integer, not float
    expect(decodeEdited((m) => sub(q0(m), S.K_QUANTITY.RAW).set(S.K_VALUE.VALUE, new CborFloat(NaN)))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => q0(m).set(S.K_QUANTITY.STATUS, 13))).toBe('SCHEMA_ENUM');
    expect(decodeEdited((m) => q0(m).set(S.K_QUANTITY.ANALYZER, 5))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => q0(m).set(S.K_QUANTITY.N_VALID, 61))).toBe('SCHEMA_RANGE');
    expect(decodeEdited((m) => q0(m).set(S.K_QUANTITY.NATIVE, new CborMap().set(0, 'x').set(1, new Uint8Array(1))))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => sub(m, S.K_RECORD.PERIOD).set(S.K_PERIOD.QUANTITIES, new CborMap()))).toBe('SCHEMA_TYPE');
    expect(decodeEdited((m) => sub(m, S.K_RECORD.TIME).set(S.K_TIME.SOURCE, 9))).toBe('SCHEMA_ENUM');
  });

  it('non-deterministic or oversized payloads are refused before the schema is read', () => {
    const b = S.encodeRecordPayload(record());
    const swapped = b.slice();
    swapped.set([0x01, 0x01, 0x00, 0x01], 1); // {1: 1, 0: 1, ...}: keys out of order
    expect(codeOf(() => S.decodeRecordPayload(swapped))).toBe('CBOR_KEY_ORDER');
    expect(codeOf(() => S.decodeRecordPayload(new Uint8Array(S.MAX_RECORD_BYTES + 1)))).toBe('CBOR_TOO_LARGE');
    expect(codeOf(() => S.decodeRecordPayload(b.subarray(0, 100)))).toBe('CBOR_TRUNCATED');
  });
});
