// The mapping from engine output to record content, piece by piece: method references, analyzers and bases,
// substitutes and supplements, the deterministic split, COSE overhead, analyzer status windows, engine events, the
// plain-data CBOR used for configuration hashes and engine snapshots, and configuration diffs.
import { describe, expect, it } from 'vitest';
import type { Sample, Status } from '../../protocol/sample';
import { compileConfig, type OutputDef } from '../../protocol/cems/config';
import type { SubstituteValue } from '../../protocol/cems/engine';
import { decodeCbor, encodeCbor } from '../../protocol/record/cbor';
import { coseSeal } from '../../protocol/record/cose';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { MAX_RECORD_BYTES, type EventData, type PeriodData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { defaultConfigFor, type DefaultJurisdiction } from '../../protocol/module/default-config';
import { configBytes, configChangeEvent, configChanges } from '../../protocol/module/config-diff';
import { engineEventData } from '../../protocol/module/engine-events';
import { methodRef } from '../../protocol/module/method-refs';
import { buildPeriodRecords } from '../../protocol/module/period-records';
import { splitPeriod } from '../../protocol/module/period-split';
import { cborToPlain, plainToCbor } from '../../protocol/module/plain-cbor';
import { createRecordContext, type RecordContext } from '../../protocol/module/record-context';
import { coseOverheadBytes, payloadBytes } from '../../protocol/module/record-size';
import { hexWord } from '../../protocol/module/record-text';
import { StatusWindows } from '../../protocol/module/status-window';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { sha256, Twin } from './helpers';
import { checkHour, HOUR, T0 } from './scenario';

function context(j: DefaultJurisdiction): RecordContext {
  const cfg = defaultConfigFor(j);
  return createRecordContext(cfg, compileConfig(cfg.emissions));
}

function refs(j: DefaultJurisdiction): { [id: string]: string } {
  const ctx = context(j);
  const out: { [id: string]: string } = {};
  for (const p of ctx.plans) out[p.id] = p.methodRef;
  return out;
}

const identity = {
  device: { id: 'cems-default', firmwareHash: new Uint8Array(32), firmwareVersion: '0.1.0' },
  site: { facilityId: 'F', installationId: 'I', stackId: 'S', monitoringLocationId: 'M' },
};
const time = { source: 'ntp' as const, lastSyncMs: 0, syncOffsetMs: 0 };
const measure = (p: PeriodData): number => payloadBytes(identity, { time, createdMs: T0 + HOUR, period: p, event: null });

describe('method references', () => {
  it('follow the table per jurisdiction and output kind', () => {
    expect(refs('EU_IED_LCP')).toMatchObject({
      so2: 'EN14181:2014', 'so2.dry': 'IED-2010/75:AnnexV', 'so2.ref': 'IED-2010/75:AnnexV', 'flow.act': 'EN-ISO-16911-2',
      'flow.ndry': 'EN-ISO-16911-2', 'so2.mass': 'HJ212-2017-AnnexD-Eq33', 'co2.mass': 'CEMS-7.1-mass-from-pct',
    });
    expect(refs('EU_MRR')).toMatchObject({
      'co2.dry': 'EU-MRR-2018/2066:Art44', 'co2.mass': 'EU-MRR-2018/2066:AnnexVIII-Eq1', 'so2.mass': 'EU-MRR-2018/2066:AnnexVIII-Eq1',
      'flow.ndry': 'EU-MRR-2018/2066:Art42-EN-ISO-16911-2',
    });
    expect(refs('US_P75')).toMatchObject({
      so2: '40CFR75.10(d)', 'so2.dry': '40CFR75.10(d)', 'so2.mass': '40CFR75-AppF-F-2', 'co2.mass': '40CFR75-AppF-F-11',
      'nox.mass': 'HJ212-2017-AnnexD-Eq33', 'flow.ndry': '40CFR75.10(d)',
    });
    expect(refs('CN_HJ')).toMatchObject({
      so2: 'HJ212-2017-AnnexD-Eq24', 'so2.dry': 'HJ212-2017-AnnexD-Eq19-20', 'so2.ref': 'HJ212-2017-AnnexD-Eq28',
      'so2.mass': 'HJ212-2017-AnnexD-Eq33', 'flow.act': 'HJ212-2017-AnnexD-Eq29-30', 'flow.ndry': 'HJ212-2017-AnnexD-Eq31',
      nox: 'HJ212-2017-AnnexD-Eq24',
    });
    // no tabulated reference: the engine's formula id
    expect(refs('KR_TMS')).toMatchObject({ so2: 'EN14181-QAL2-y=a+bx', nox: 'HJ212-2017-AnnexD-Eq22', 'so2.ref': 'HJ212-2017-AnnexD-Eq28' });
    const ref = { kind: 'REF', formula: 'F' } as OutputDef;
    expect(methodRef('EU_IED_WI', ref, 'HCL')).toBe('IED-2010/75:AnnexVI');
    expect(methodRef('US_P60', ref, 'SO2')).toBe('40CFR60.13(h)');
    expect(methodRef('CA_ECCC', ref, 'CO2')).toBe('F');
    expect(methodRef('EU_MRR', { kind: 'CO2E', formula: 'CO2e=sum(GWP*E)' } as OutputDef, '')).toBe('CO2e=sum(GWP*E)');
  });
});

describe('record context', () => {
  const ctx = context('EU_IED_LCP');
  const plan = (id: string) => ctx.plans.find((p) => p.id === id)!;

  it('lists the analyzers feeding the engine and attributes single-instrument quantities', () => {
    expect(ctx.analyzers.map((a) => [a.id, a.serial])).toEqual([['gm32', 'DEFAULT-SN-GM32'], ['xstream', 'DEFAULT-SN-XSTREAM'], ['stack', 'DEFAULT-SN-STACK']]);
    expect(plan('nox').analyzer).toBe(0); // derived from NO + NO2, both on the GM32
    expect(plan('nox.ref').analyzer).toBe(0);
    expect(plan('co').analyzer).toBe(1);
    expect(plan('flow.act').analyzer).toBe(2);
    for (const id of ['flow.ndry', 'so2.mass', 'co2.mass', 'dust.mass']) expect(plan(id).analyzer, id).toBe(-1);
    expect(plan('so2.mass').bitsScheme).toBe('SICK_GM32');
    expect(plan('flow.ndry').bitsScheme).toBe('FLOAT32_BLOCK');
  });

  it('gives an instrument without certification data an entry with empty serial and certificate', () => {
    const cfg = defaultConfigFor('EU_IED_LCP');
    cfg.analyzers = cfg.analyzers.filter((a) => a.device !== 'stack');
    const c = createRecordContext(cfg, compileConfig(cfg.emissions));
    expect(c.analyzers[2]).toEqual({ id: 'stack', serial: '', qal1Certificate: '', model: 'FLOAT32_BLOCK' });
  });

  it('carries bases and references only where they mean something', () => {
    expect(plan('so2')).toMatchObject({ rawUnit: 'ppm', rawBasis: 'wet', basis: 'wet', tRefK: null, o2RefPct: null, measured: true });
    expect(plan('co')).toMatchObject({ rawBasis: 'dry', basis: 'dry' });
    expect(plan('velocity')).toMatchObject({ rawBasis: 'none', basis: 'none', decimals: 2 });
    expect(plan('so2.ref')).toMatchObject({ unit: 'mg/m3', basis: 'dry', tRefK: 273.15, pRefPa: 101325, o2RefPct: 6, measured: false, rawUnit: '' });
    expect(plan('so2.dry')).toMatchObject({ o2RefPct: null, tRefK: 273.15 });
    expect(plan('o2.dry')).toMatchObject({ unit: 'pct', basis: 'dry', tRefK: null });
    expect(plan('flow.ndry')).toMatchObject({ unit: 'm3/h', basis: 'dry', tRefK: 273.15, decimals: 0 });
    expect(plan('flow.act')).toMatchObject({ basis: 'wet', tRefK: null });
    expect(plan('so2.mass')).toMatchObject({ unit: 'kg/h', tRefK: null, totalId: 'so2.mass.total', totalUnit: 'kg', decimals: 3, calibrationId: 'QAL2-2025-011' });
    expect(plan('flow.ndry').calibrationId).toBe('QAL2-2025-017');
    expect(plan('temperature').calibrationId).toBe('');
    expect(plan('co2.mass')).toMatchObject({ unit: 't/h', totalId: 'co2.mass.total', totalUnit: 't', decimals: 4 });
    expect(plan('flow.act').totalId).toBe('');
    const p75 = context('US_P75');
    expect(p75.plans.find((p) => p.id === 'so2.dry')).toMatchObject({ tRefK: 293.15, pRefPa: 101325 });
    expect(p75.nativeScheme).toBe('P75-MODC');
    expect(context('CN_HJ').nativeScheme).toBe('HJ212');
    expect(ctx.nativeScheme).toBe('');
  });
});

describe('period records from engine output', () => {
  const twin = new Twin('EU_MRR');
  twin.run(T0, 120, checkHour);
  const ctx = context('EU_MRR');
  const sub = (q: string, startMs: number, periods: number, v: number): SubstituteValue => ({
    q, startMs, periods, minutes: 60, v, unit: 'mg/m3', method: 'M', code: 'C', pma: NaN, gapPeriods: periods, basisCount: 3,
  });

  it('one record per period, all outputs, in output order with totals after mass rates', () => {
    const recs = buildPeriodRecords(ctx, twin.periods, []);
    expect(recs.map((r) => [r.startMs, r.supplement])).toEqual([[T0, false], [T0 + HOUR, false]]);
    const ids = recs[0].period.quantities.map((q) => q.id);
    const expected: string[] = [];
    for (const o of ctx.cems.outputs) {
      expected.push(o.id);
      if (o.kind === 'MASS') expected.push(o.id + '.total');
    }
    expect(ids).toEqual(expected);
    expect(recs[0].period).toMatchObject({ endMs: T0 + HOUR, averagingS: 3600, monitoringPlanVersion: 'DEFAULT-1' });
  });

  it('merges substitutes of the batch and makes supplements of the others, in period order', () => {
    const subs = [
      sub('so2.dry', T0, 1, 111), // merged into the first hour
      sub('co.dry', T0 - 2 * HOUR, 3, 222), // two earlier hours as supplements, the third merged
      sub('co.dry', T0 + 5 * HOUR, 1, 333), // an hour without any period value (no data)
    ];
    const recs = buildPeriodRecords(ctx, twin.periods, subs);
    expect(recs.map((r) => [(r.startMs - T0) / HOUR, r.supplement])).toEqual([[-2, true], [-1, true], [0, false], [1, false], [5, true]]);
    const first = recs[2].period.quantities;
    expect(first.find((q) => q.id === 'so2.dry')).toMatchObject({ status: 'SUBSTITUTED', corrected: { value: 111 }, substitution: { method: 'M', code: 'C' } });
    expect(first.find((q) => q.id === 'co.dry')).toMatchObject({ status: 'SUBSTITUTED', corrected: { value: 222 } });
    expect(recs.map((r) => r.period.supplement)).toEqual([true, true, undefined, undefined, true]);
    expect(recs[0].period.quantities.map((q) => q.id)).toEqual(['co.dry']);
    expect(recs[0].period.quantities[0]).toMatchObject({ nValid: 0, nTotal: 1800, availabilityBp: 0, validityRule: 'EU_MRR:SUBSTITUTE', raw: { value: null } });
    expect(recs[4].period.quantities[0].corrected.value).toBe(333);
    expect(recs[3].period.quantities.every((q) => q.status !== 'SUBSTITUTED')).toBe(true);
  });
});

describe('split', () => {
  const twin = new Twin('EU_IED_LCP');
  twin.run(T0, 60, checkHour);
  const period = buildPeriodRecords(context('EU_IED_LCP'), twin.periods, [])[0].period;

  it('keeps a record that fits whole, to the byte', () => {
    expect(splitPeriod(period, 100000, measure)).toEqual([period]);
    const exact = measure(period);
    expect(splitPeriod(period, exact, measure)).toEqual([period]);
    expect(splitPeriod(period, exact - 1, measure).length).toBe(2);
  });

  it('fills parts greedily in order, each within the budget, nothing dropped, same parts every time', () => {
    for (const budget of [4000, 2500, 1200]) {
      const parts = splitPeriod(period, budget, measure);
      expect(parts.length).toBeGreaterThan(1);
      for (const p of parts) {
        expect(measure(p)).toBeLessThanOrEqual(budget);
        expect(p).toMatchObject({ startMs: period.startMs, endMs: period.endMs, analyzers: period.analyzers });
      }
      expect(parts.flatMap((p) => p.quantities)).toEqual(period.quantities);
      // greedy: the first quantity of each part would not have fitted into the previous one
      for (let i = 1; i < parts.length; i++) {
        const grown = { ...parts[i - 1], quantities: [...parts[i - 1].quantities, parts[i].quantities[0]] };
        expect(measure(grown)).toBeGreaterThan(budget);
      }
      expect(splitPeriod(period, budget, measure)).toEqual(parts);
    }
  });

  it('measures the quantity array head exactly when parts reach 24 quantities', () => {
    for (let budget = 3900; budget <= 4100; budget += 7) {
      const parts = splitPeriod(period, budget, measure);
      expect(parts.some((p) => p.quantities.length >= 24)).toBe(true);
      for (const p of parts) expect(measure(p)).toBeLessThanOrEqual(budget);
      const grown = { ...parts[0], quantities: [...parts[0].quantities, parts[1].quantities[0]] };
      expect(measure(grown)).toBeGreaterThan(budget);
    }
  });

  it('marks every part with its index and the number of parts, and counts the marker exactly past 24 parts', () => {
    expect('part' in splitPeriod(period, 100000, measure)[0]).toBe(false);
    const two = splitPeriod(period, 4000, measure);
    expect(two.map((p) => p.part)).toEqual([{ index: 0, count: 2 }, { index: 1, count: 2 }]);
    // a budget where every quantity fits alone with the widest marker: one quantity per part, 38 parts (2-byte count)
    const n = period.quantities.length;
    const alone = period.quantities.map((q) => measure({ ...period, quantities: [q], part: { index: n - 1, count: n } }));
    const budget = Math.max(...alone);
    const parts = splitPeriod(period, budget, measure);
    expect(parts.length).toBe(n);
    parts.forEach((p, i) => {
      expect(p.part).toEqual({ index: i, count: n });
      expect(measure(p)).toBeLessThanOrEqual(budget);
    });
    expect(Math.max(...parts.map(measure))).toBe(budget);
    // byte by byte through budgets that give 24 or more parts of one or two quantities: each part within the budget,
    // and the next part's first quantity would not have fitted
    let checked = 0;
    for (let b = budget; checked < 150; b++) {
      const ps = splitPeriod(period, b, measure);
      if (ps.length < 24) break;
      for (let i = 0; i < ps.length; i++) {
        expect(measure(ps[i])).toBeLessThanOrEqual(b);
        if (i > 0) expect(measure({ ...ps[i - 1], quantities: [...ps[i - 1].quantities, ps[i].quantities[0]] })).toBeGreaterThan(b);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('keeps the supplement mark on every part of a supplement', () => {
    const parts = splitPeriod({ ...period, supplement: true }, 4000, measure);
    expect(parts.map((p) => [p.part!.index, p.supplement])).toEqual([[0, true], [1, true]]);
    for (const p of parts) expect(measure(p)).toBeLessThanOrEqual(4000);
  });

  it('gives an oversize quantity a part of its own rather than dropping it', () => {
    const parts = splitPeriod(period, 10, measure);
    expect(parts.length).toBe(period.quantities.length);
    expect(splitPeriod({ ...period, quantities: period.quantities.slice(0, 1) }, 10, measure)).toEqual([{ ...period, quantities: period.quantities.slice(0, 1) }]);
  });
});

describe('COSE overhead', () => {
  const seal = (signer: Signer, payload: Uint8Array): Uint8Array => {
    let out: Uint8Array | null = null;
    coseSeal(payload, signer, null, (err, m) => {
      if (err) throw err;
      out = m;
    });
    return out!;
  };
  const pair = generateEs256KeyPair();
  const signers: Signer[] = [
    createHmacSigner(sha256, new Uint8Array(32), new Uint8Array(0)),
    createHmacSigner(sha256, new Uint8Array(32), new Uint8Array(7)),
    createSoftwareEs256Signer(pair.privateKey, new Uint8Array(8)),
    createSoftwareEs256Signer(pair.privateKey, new Uint8Array(30)),
  ];

  it('is exactly what a sealed record adds to its payload (payloads of 256..4096 bytes)', () => {
    for (const s of signers) {
      for (const n of [256, 3000, MAX_RECORD_BYTES - coseOverheadBytes(s)]) {
        expect(seal(s, new Uint8Array(n)).length - n).toBe(coseOverheadBytes(s));
      }
      expect(seal(s, new Uint8Array(MAX_RECORD_BYTES - coseOverheadBytes(s))).length).toBe(MAX_RECORD_BYTES);
    }
  });
});

function smp(channel: string, tMs: number, status: Status, native = 0): Sample {
  return { channel, tMs, value: 1, valid: status === 'VALID', status, native, source: 't' };
}

describe('analyzer status windows', () => {
  const ctx = context('EU_IED_LCP');

  it('one calibration event per analyzer window, from the first channel in to the last channel out', () => {
    const w = new StatusWindows(ctx);
    const events: (EventData | null)[] = [
      w.onSample(smp('so2', T0, 'VALID')),
      w.onSample(smp('so2', T0 + 1000, 'CALIBRATION', 4)),
      w.onSample(smp('no', T0 + 1001, 'CALIBRATION', 0x80000000)),
      w.onSample(smp('co', T0 + 1002, 'CALIBRATION')), // another analyzer
      w.onSample(smp('so2', T0 + 3000, 'COMMS_LOSS')), // says nothing
      w.onSample(smp('so2', T0 + 5000, 'VALID')),
      w.onSample(smp('no', T0 + 5001, 'VALID')),
    ];
    expect(events.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(events[6]).toEqual({
      kind: 'calibration', startMs: T0 + 1000, endMs: T0 + 5001, actor: '',
      detail: { analyzerId: 'gm32', check: 'status-window native=0x80000004', quantity: 'so2,no', reference: 0, measured: 0, unit: '', passed: false, functionId: '', decimals: 0 },
    });
  });

  it('a switch from maintenance to calibration ends the maintenance window', () => {
    const w = new StatusWindows(ctx);
    expect(w.onSample(smp('dust', T0, 'MAINTENANCE', -1))).toBeNull();
    const m = w.onSample(smp('velocity', T0 + 10, 'CALIBRATION', 4));
    // dust is still in maintenance but calibration takes precedence for the analyzer
    expect(m).toEqual({ kind: 'maintenance', startMs: T0, endMs: T0 + 10, actor: '', detail: { analyzerId: 'stack', reason: 'status-window channels=dust' } });
    // velocity leaves calibration while dust is still in maintenance: the calibration window ends
    expect(w.onSample(smp('velocity', T0 + 20, 'FAULT'))).toMatchObject({
      kind: 'calibration', startMs: T0 + 10, endMs: T0 + 20, detail: { analyzerId: 'stack', quantity: 'velocity', check: 'status-window native=0x00000004' },
    });
    const back = w.onSample(smp('dust', T0 + 30, 'VALID'));
    expect(back).toMatchObject({ kind: 'maintenance', startMs: T0 + 20, endMs: T0 + 30 });
  });

  it('ignores what it cannot attribute', () => {
    const w = new StatusWindows(ctx);
    for (const s of [null, 1, 'x', {}, { channel: 'nope', tMs: T0, status: 'CALIBRATION' }, { channel: 'so2', tMs: Number.NaN, status: 'CALIBRATION' }]) {
      expect(w.onSample(s as never)).toBeNull();
    }
    expect(w.onSample(smp('nox', T0, 'CALIBRATION'))).toBeNull(); // derived channels are not sampled
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(w.onSample(smp(name, T0, 'CALIBRATION'))).toBeNull();
  });
});

describe('engine events', () => {
  const ctx = context('EU_IED_LCP');
  it('map to gap, time-set and maintenance records, or to none', () => {
    expect(engineEventData(ctx, { kind: 'NO_DATA', fromMs: T0, toMs: T0 + HOUR, q: '', detail: '' }, 'ntp')).toEqual({
      kind: 'gap', startMs: T0, endMs: T0 + HOUR, actor: 'device', detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: T0, toMs: T0 + HOUR },
    });
    expect(engineEventData(ctx, { kind: 'CLOCK_JUMP', fromMs: T0, toMs: T0 + 9 * HOUR, q: '', detail: '' }, 'ntp')!.detail).toMatchObject({ reason: 'no-data', toMs: T0 + 9 * HOUR });
    expect(engineEventData(ctx, { kind: 'CLOCK_BACK', fromMs: T0 + 5000, toMs: T0 + 2000, q: '', detail: '' }, 'gnss')).toEqual({
      kind: 'time-set', startMs: T0 + 2000, endMs: -1, actor: 'device', detail: { source: 'gnss', stepMs: -3000 },
    });
    expect(engineEventData(ctx, { kind: 'QAL2_TRIGGER', fromMs: T0, toMs: T0 + HOUR, q: 'so2.ref', detail: 'WEEK_OVER_40PCT' }, 'ntp')).toEqual({
      kind: 'maintenance', startMs: T0, endMs: -1, actor: 'device', detail: { analyzerId: 'gm32', reason: 'QAL2-TRIGGER so2.ref WEEK_OVER_40PCT' },
    });
    expect(engineEventData(ctx, { kind: 'SUBSTITUTION_UNAVAILABLE', fromMs: T0, toMs: T0, q: 'so2.dry', detail: '' }, 'ntp')).toBeNull();
    expect(engineEventData(ctx, { kind: 'ENGINE_ERROR', fromMs: T0, toMs: T0, q: '', detail: 'x' }, 'ntp')).toBeNull();
  });
});

describe('plain data as CBOR', () => {
  it('round-trips numbers bit for bit (NaN, -0, Infinity) and typed arrays', () => {
    const value = {
      int: 7, big: 2 ** 53 + 2, frac: 0.1, nan: NaN, negZero: -0, inf: -Infinity, text: 'x', yes: true, nothing: null,
      list: [1, 1.5, [2, { deep: 0.3 }]],
      u8: new Uint8Array([0, 255]), u16: new Uint16Array([1, 65535]), f32: new Float32Array([1.5, NaN, -0]), f64: new Float64Array([Math.PI, -0]),
      gone: undefined,
    };
    const back = cborToPlain(decodeCbor(encodeCbor(plainToCbor(value)), { strict: true })) as typeof value;
    const { gone, ...rest } = value;
    expect(gone).toBeUndefined();
    expect(back).toEqual(rest);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(Object.is(back.f64[1], -0)).toBe(true);
    expect(back.u16).toBeInstanceOf(Uint16Array);
    expect(back.f32).toBeInstanceOf(Float32Array);
    expect('gone' in back).toBe(false);
  });

  it('configuration bytes do not depend on key order', () => {
    expect(configBytes({ a: 1, b: { c: '2', d: [true] } })).toEqual(configBytes({ b: { d: [true], c: '2' }, a: 1 }));
    expect(configBytes({ a: 1 })).not.toEqual(configBytes({ a: 2 }));
  });
});

describe('configuration changes', () => {
  it('lists leaf changes, additions and removals by path', () => {
    const a = { x: 1, list: [{ id: 'a', v: '1.5' }, { id: 'b' }], gone: true, same: 's' };
    const b = { x: 2, list: [{ id: 'a', v: '1.6', extra: null }], same: 's', added: { deep: 'y' } };
    expect(configChanges(a, b)).toEqual([
      { path: 'gone', oldValue: true, newValue: null },
      { path: 'list[0].v', oldValue: '1.5', newValue: '1.6' },
      { path: 'list[1].id', oldValue: 'b', newValue: null },
      { path: 'x', oldValue: 1, newValue: 2 },
      { path: 'added.deep', oldValue: null, newValue: 'y' },
      { path: 'list[0].extra', oldValue: null, newValue: null },
    ]);
    expect(configChanges(a, a)).toEqual([]);
    // names that are Object.prototype members are ordinary keys
    const before = JSON.parse('{"__proto__": {"x": 1}, "constructor": "a", "toString": 1}');
    const after = JSON.parse('{"__proto__": {"x": 2}, "constructor": "a"}');
    expect(configChanges(before, after)).toEqual([
      { path: '__proto__.x', oldValue: 1, newValue: 2 },
      { path: 'toString', oldValue: 1, newValue: null },
    ]);
  });

  it('writes non-ASCII text as \\u escapes and truncates long lists so the record fits', () => {
    expect(configChanges({ s: 'a' }, { s: 'caf\u00e9' })).toEqual([{ path: 's', oldValue: 'a', newValue: 'caf\\u00e9' }]);
    const big: { [k: string]: string } = {};
    for (let i = 0; i < 500; i++) big['parameter_' + i] = 'value-' + i;
    const changes = configChanges({}, big);
    const last = changes[changes.length - 1];
    expect(last.path).toBe('...');
    expect(changes.length - 1 + (last.newValue as number)).toBe(500);
    const e = configChangeEvent(defaultConfigFor('EU_IED_LCP'), big, sha256, T0, 'tech');
    expect(payloadBytes(identity, { time, createdMs: T0, period: null, event: e })).toBeLessThanOrEqual(MAX_RECORD_BYTES - 100);
  });
});

it('hexWord writes status words as 8 hex digits', () => {
  expect(hexWord(0)).toBe('0x00000000');
  expect(hexWord(0xdeadbeef)).toBe('0xdeadbeef');
  expect(hexWord(4)).toBe('0x00000004');
});

