// The mapping from engine output to record content, piece by piece: method references, analyzers and bases,
// period records, substitutes and supplements, the deterministic split into parts, COSE overhead, analyzer status
// windows, engine events, the plain-data CBOR behind configuration hashes, and configuration diffs.
import { describe, expect, it } from 'vitest';
import { compileConfig, type OutputDef } from '../../protocol/cems/config';
import { S } from '../../protocol/cems/codes';
import { EventCode, SubstMethod, type EngineEvent, type EngineOutput, type Substitute } from '../../protocol/cems/engine';
import { Rec } from '../../protocol/plan/format';
import { CborMap, decodeCbor, encodeCbor } from '../../protocol/record/cbor';
import { newWriter } from '../../protocol/record/cbor-writer';
import { coseOverhead, coseSeal, PAYLOAD_AT } from '../../protocol/record/cose-seal';
import { createHmacSigner } from '../../protocol/record/hmac-signer';
import { planParts, recordPlan, writePeriodPayload, type PeriodJob, type RecordPlan } from '../../protocol/record/period-record';
import { MAX_RECORD_BYTES, MAX_SEQ, type RecordHeader } from '../../protocol/record/record-writer';
import { decodeRecordPayload, K_PERIOD, K_RECORD, type EventData, type PeriodData } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { defaultConfigFor, type DefaultJurisdiction } from '../../protocol/module/default-config';
import { configChangeEvent, configBytes, configChanges } from '../../protocol/module/config-diff';
import { methodRef } from '../../protocol/module/method-refs';
import { cborToPlain, plainToCbor } from '../../protocol/module/plain-cbor';
import { createRecordContext, type RecordContext } from '../../protocol/module/record-context';
import { recordsEvent, RS } from '../../protocol/module/records';
import { hexWord } from '../../protocol/module/record-text';
import { createStatusWindows, windowSample, type StatusWindows } from '../../protocol/module/status-window';
import { decodeCose } from '../../protocol/record/cose';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { rtuPlan } from '../../protocol/plan/views';
import { decoded, Harness, plantPlan, sha256, Twin, verify } from './helpers';
import { acquiredChannels, checkHour, HOUR, T0 } from './scenario';

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
  const sub = (id: string, startMs: number, periods: number, v: number): Substitute => ({
    out: twin.out(id), startMs, periods, v, method: SubstMethod.MRR_EQ4, code: 0, pma: NaN, gap: periods, basis: 3,
  });
  /** The records the service makes of one batch of engine output, as period data (parts merged). */
  function periodsOf(out: EngineOutput): PeriodData[] {
    const h = new Harness('EU_MRR');
    h.boot();
    h.inject(out, T0 + 6 * HOUR);
    const merged: PeriodData[] = [];
    for (const r of decoded(verify(h.records()))) {
      if (!r.period) continue;
      const last = merged[merged.length - 1];
      if (r.period.part && r.period.part.index > 0) last.quantities.push(...r.period.quantities);
      else merged.push(r.period);
    }
    return merged;
  }
  const batch = (subs: Substitute[]): EngineOutput => ({ periods: twin.periods, days: [], subs, events: [] });

  it('one record per period, all outputs, in output order with totals after mass rates', () => {
    const recs = periodsOf(batch([]));
    expect(recs.map((r) => [r.startMs, r.supplement])).toEqual([[T0, undefined], [T0 + HOUR, undefined]]);
    const ids = recs[0].quantities.map((q) => q.id);
    const expected: string[] = [];
    for (const o of ctx.cems.outputs) {
      expected.push(o.id);
      if (o.kind === 'MASS') expected.push(o.id + '.total');
    }
    expect(ids).toEqual(expected);
    expect(recs[0]).toMatchObject({ endMs: T0 + HOUR, averagingS: 3600, monitoringPlanVersion: 'DEFAULT-1' });
  });

  it('merges substitutes of the batch and makes supplements of the others, in period order', () => {
    const recs = periodsOf(batch([
      sub('so2.dry', T0, 1, 111), // merged into the first hour
      sub('co.dry', T0 - 2 * HOUR, 3, 222), // two earlier hours as supplements, the third merged
      sub('co.dry', T0 + 5 * HOUR, 1, 333), // an hour without any period value (no data)
    ]));
    expect(recs.map((r) => [(r.startMs - T0) / HOUR, r.supplement])).toEqual([[-2, true], [-1, true], [0, undefined], [1, undefined], [5, true]]);
    const first = recs[2].quantities;
    const eq4 = { method: 'EU-MRR-2018/2066:Art45-AnnexVIII-Eq4', code: 'EQ4' };
    expect(first.find((q) => q.id === 'so2.dry')).toMatchObject({ status: 'SUBSTITUTED', corrected: { value: 111 }, substitution: eq4 });
    expect(first.find((q) => q.id === 'co.dry')).toMatchObject({ status: 'SUBSTITUTED', corrected: { value: 222 } });
    expect(recs[0].quantities.map((q) => q.id)).toEqual(['co.dry']);
    expect(recs[0].quantities[0]).toMatchObject({ nValid: 0, nTotal: 1800, availabilityBp: 0, validityRule: 'EU_MRR:SUBSTITUTE', raw: { value: null } });
    expect(recs[4].quantities[0].corrected.value).toBe(333);
    expect(recs[3].quantities.every((q) => q.status !== 'SUBSTITUTED')).toBe(true);
  });
});

describe('split', () => {
  const twin = new Twin('EU_IED_LCP');
  twin.run(T0, 60, checkHour);
  const rp: RecordPlan = recordPlan(twin.plan);
  const header: RecordHeader = {
    seq: MAX_SEQ,
    prev: new Uint8Array(32),
    deviceId: rp.frag.subarray(rp.rec[Rec.DEVICE_ID_AT], rp.rec[Rec.DEVICE_ID_AT] + rp.rec[Rec.DEVICE_ID_LEN]),
    site: rp.frag.subarray(rp.rec[Rec.SITE_AT], rp.rec[Rec.SITE_AT] + rp.rec[Rec.SITE_LEN]),
    firmwareHash: new Uint8Array(32),
    firmwareVersion: '0.1.0',
    timeSource: 2,
    lastSyncMs: 0,
    syncOffsetMs: 0,
    createdMs: T0 + HOUR + 6000,
  };
  // room for a whole period, written to measure it
  const buf = new Uint8Array(4 * MAX_RECORD_BYTES);
  const hourJob = (): PeriodJob => ({ startMs: T0, periodMs: HOUR, rows: twin.periods[0].rows, subs: [], list: [], parts: [], vals: null, subOf: [] });

  /** Parts of `job` for `budget`: the quantity index ranges planParts chose. */
  function split(job: PeriodJob, budget: number): [number, number][] {
    planParts(newWriter(buf, 0), rp, header, job, budget);
    return job.parts.map((from, i) => [from, i + 1 < job.parts.length ? job.parts[i + 1] : job.list.length]);
  }
  /** Payload bytes of quantities [from, to) as part `index` of `count`, as the seal module writes it (largest seq). */
  function measure(job: PeriodJob, from: number, to: number, index: number, count: number): number {
    const w = newWriter(buf, 0);
    writePeriodPayload(w, rp, header, job, from, to, index, count);
    return w.n;
  }
  const payload = (job: PeriodJob, from: number, to: number, index: number, count: number): PeriodData => {
    const n = measure(job, from, to, index, count);
    return decodeRecordPayload(buf.slice(0, n)).period!;
  };

  it('keeps a record that fits whole, to the byte', () => {
    const job = hourJob();
    expect(split(job, 100000)).toEqual([[0, 38]]);
    const exact = measure(job, 0, 38, 0, 1);
    expect(split(job, exact)).toEqual([[0, 38]]);
    expect(split(job, exact - 1).length).toBe(2);
  });

  it('fills parts greedily in order, each within the budget, nothing dropped, same parts every time', () => {
    for (const budget of [4000, 2500, 1200]) {
      const job = hourJob();
      const parts = split(job, budget);
      expect(parts.length).toBeGreaterThan(1);
      expect(parts[0][0]).toBe(0);
      expect(parts[parts.length - 1][1]).toBe(job.list.length);
      parts.forEach(([from, to], i) => {
        expect(to).toBeGreaterThan(from);
        if (i > 0) expect(from).toBe(parts[i - 1][1]);
        expect(measure(job, from, to, i, parts.length)).toBeLessThanOrEqual(budget);
        expect(payload(job, from, to, i, parts.length)).toMatchObject({ startMs: T0, endMs: T0 + HOUR, part: { index: i, count: parts.length } });
      });
      // greedy: the first quantity of each part would not have fitted into the previous one
      for (let i = 1; i < parts.length; i++) expect(measure(job, parts[i - 1][0], parts[i][0] + 1, i - 1, parts.length)).toBeGreaterThan(budget);
      expect(split(hourJob(), budget)).toEqual(parts);
    }
  });

  it('measures the quantity array head exactly when parts reach 24 quantities', () => {
    const whole = hourJob();
    split(whole, 100000);
    const at24 = measure(whole, 0, 24, 0, 2);
    for (let budget = at24; budget <= at24 + 200; budget += 7) {
      const job = hourJob();
      const parts = split(job, budget);
      expect(parts.some(([from, to]) => to - from >= 24)).toBe(true);
      parts.forEach(([from, to], i) => expect(measure(job, from, to, i, parts.length)).toBeLessThanOrEqual(budget));
      expect(measure(job, 0, parts[1][0] + 1, 0, parts.length)).toBeGreaterThan(budget);
    }
  });

  it('marks every part with its index and the number of parts, and counts the marker exactly past 24 parts', () => {
    const job = hourJob();
    split(job, 100000);
    const whole = decodeCbor(buf.slice(0, measure(job, 0, 38, 0, 1)), { maxBytes: buf.length }) as CborMap;
    expect((whole.get(K_RECORD.PERIOD) as CborMap).has(K_PERIOD.PART)).toBe(false);
    expect(split(job, 4000).map((_, i) => payload(job, job.parts[i], i + 1 < job.parts.length ? job.parts[i + 1] : 38, i, 2).part)).toEqual([
      { index: 0, count: 2 },
      { index: 1, count: 2 },
    ]);
    // a budget where every quantity fits alone with the widest marker: one quantity per part, 38 parts (2-byte count)
    const n = 38;
    const alone: number[] = [];
    for (let q = 0; q < n; q++) alone.push(measure(job, q, q + 1, n - 1, n));
    const budget = Math.max(...alone);
    const parts = split(job, budget);
    expect(parts.length).toBe(n);
    parts.forEach(([from, to], i) => {
      expect(to - from).toBe(1);
      expect(payload(job, from, to, i, n).part).toEqual({ index: i, count: n });
      expect(measure(job, from, to, i, n)).toBeLessThanOrEqual(budget);
    });
    expect(Math.max(...parts.map(([from, to], i) => measure(job, from, to, i, n)))).toBe(budget);
    // byte by byte through budgets that give 24 or more parts of one or two quantities: each part within the budget,
    // and the next part's first quantity would not have fitted
    let checked = 0;
    for (let b = budget; checked < 150; b++) {
      const ps = split(job, b);
      if (ps.length < 24) break;
      for (let i = 0; i < ps.length; i++) {
        expect(measure(job, ps[i][0], ps[i][1], i, ps.length)).toBeLessThanOrEqual(b);
        if (i > 0) expect(measure(job, ps[i - 1][0], ps[i][0] + 1, i - 1, ps.length)).toBeGreaterThan(b);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('keeps the supplement mark on every part of a supplement', () => {
    const subs: Substitute[] = [];
    for (let o = 0; o < twin.engine.nOut; o++) subs.push({ out: o, startMs: T0, periods: 1, v: 1 + o, method: SubstMethod.MRR_EQ4, code: 0, pma: NaN, gap: 1, basis: 3 });
    const job: PeriodJob = { startMs: T0, periodMs: HOUR, rows: null, subs, list: [], parts: [], vals: null, subOf: [] };
    const parts = split(job, 4000);
    expect(parts.length).toBe(2);
    parts.forEach(([from, to], i) => {
      expect(payload(job, from, to, i, 2)).toMatchObject({ supplement: true, part: { index: i, count: 2 } });
      expect(measure(job, from, to, i, 2)).toBeLessThanOrEqual(4000);
    });
  });

  it('gives an oversize quantity a part of its own rather than dropping it', () => {
    expect(split(hourJob(), 10).length).toBe(38);
    const one: PeriodJob = {
      startMs: T0, periodMs: HOUR, rows: null, list: [], parts: [], vals: null, subOf: [],
      subs: [{ out: twin.out('co.dry'), startMs: T0, periods: 1, v: 5, method: SubstMethod.MRR_EQ4, code: 0, pma: NaN, gap: 1, basis: 3 }],
    };
    expect(split(one, 10)).toEqual([[0, 1]]);
  });
});

describe('COSE overhead', () => {
  const seal = (signer: Signer, n: number): Uint8Array => {
    const buf = new Uint8Array(PAYLOAD_AT + MAX_RECORD_BYTES + 80);
    let out: Uint8Array | null = null;
    coseSeal(buf, PAYLOAD_AT + n, signer, (err, m) => {
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
      for (const n of [256, 3000, MAX_RECORD_BYTES - coseOverhead(s)]) expect(seal(s, n).length - n).toBe(coseOverhead(s));
      expect(seal(s, MAX_RECORD_BYTES - coseOverhead(s)).length).toBe(MAX_RECORD_BYTES);
    }
  });

  it('refuses a payload that would make the record larger than the limit', () => {
    for (const s of signers) {
      const buf = new Uint8Array(PAYLOAD_AT + MAX_RECORD_BYTES + 80);
      let code = '';
      coseSeal(buf, PAYLOAD_AT + MAX_RECORD_BYTES - coseOverhead(s) + 1, s, (err) => (code = err ? err.code : 'SEALED'));
      expect(code).toBe('RECORD_TOO_LARGE');
    }
  });
});

describe('analyzer status windows', () => {
  const plan = plantPlan('EU_IED_LCP');
  const rp = rtuPlan(plan);
  const acqOf = acquiredChannels(plan);
  const windows = (): StatusWindows => createStatusWindows(plan, rp.acq, rp.groups, rp.devices);
  /** One sample of channel `id` (its acquired row) at t. */
  const smp = (w: StatusWindows, id: string, t: number, status: number, native = 0): EventData | null => windowSample(w, acqOf['#' + id], t, status, native);

  it('one calibration event per analyzer window, from the first channel in to the last channel out', () => {
    const w = windows();
    const events: (EventData | null)[] = [
      smp(w, 'so2', T0, S.VALID),
      smp(w, 'so2', T0 + 1000, S.CALIBRATION, 4),
      smp(w, 'no', T0 + 1001, S.CALIBRATION, 0x80000000),
      smp(w, 'co', T0 + 1002, S.CALIBRATION), // another analyzer
      smp(w, 'so2', T0 + 3000, S.COMMS_LOSS), // says nothing
      smp(w, 'so2', T0 + 5000, S.VALID),
      smp(w, 'no', T0 + 5001, S.VALID),
    ];
    expect(events.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(events[6]).toEqual({
      kind: 'calibration', startMs: T0 + 1000, endMs: T0 + 5001, actor: '',
      detail: { analyzerId: 'gm32', check: 'status-window native=0x80000004', quantity: 'so2,no', reference: 0, measured: 0, unit: '', passed: false, functionId: '', decimals: 0 },
    });
  });

  it('a switch from maintenance to calibration ends the maintenance window', () => {
    const w = windows();
    expect(smp(w, 'dust', T0, S.MAINTENANCE, -1)).toBeNull();
    const m = smp(w, 'velocity', T0 + 10, S.CALIBRATION, 4);
    // dust is still in maintenance but calibration takes precedence for the analyzer
    expect(m).toEqual({ kind: 'maintenance', startMs: T0, endMs: T0 + 10, actor: '', detail: { analyzerId: 'stack', reason: 'status-window channels=dust' } });
    // velocity leaves calibration while dust is still in maintenance: the calibration window ends
    expect(smp(w, 'velocity', T0 + 20, S.FAULT)).toMatchObject({
      kind: 'calibration', startMs: T0 + 10, endMs: T0 + 20, detail: { analyzerId: 'stack', quantity: 'velocity', check: 'status-window native=0x00000004' },
    });
    const back = smp(w, 'dust', T0 + 30, S.VALID);
    expect(back).toMatchObject({ kind: 'maintenance', startMs: T0 + 20, endMs: T0 + 30 });
  });

  it('ignores status words it cannot OR (none, negative, fractional) and samples from before the window', () => {
    const w = windows();
    expect(smp(w, 'so2', T0, S.CALIBRATION, -1)).toBeNull();
    expect(smp(w, 'no', T0 + 1, S.CALIBRATION, 2.5)).toBeNull();
    expect(smp(w, 'so2', T0 + 2, S.VALID)).toBeNull(); // no is still calibrating
    expect(smp(w, 'no', T0 + 3, S.VALID)).toMatchObject({ detail: { check: 'status-window', quantity: 'so2,no' } });
    // a window whose end would come before its start (a sample from the past) is not recorded
    expect(smp(w, 'co', T0 + 100, S.MAINTENANCE)).toBeNull();
    expect(smp(w, 'co', T0 + 50, S.VALID)).toBeNull();
    // derived channels (nox) are never acquired
    expect(acqOf['#nox']).toBeUndefined();
  });
});

describe('engine events', () => {
  function recordsOf(events: EngineEvent[]): { events: EventData[]; h: Harness } {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    h.inject({ periods: [], days: [], subs: [], events }, T0 + 10 * HOUR);
    return { events: decoded(verify(h.records())).slice(1).map((r) => r.event!), h };
  }
  const ev = (kind: number, fromMs: number, toMs: number, out: number, detail: string): EngineEvent => ({ kind, fromMs, toMs, out, detail });

  it('map to gap, time-set and maintenance records, or to none', () => {
    const twin = new Twin('EU_IED_LCP');
    const { events, h } = recordsOf([
      ev(EventCode.NO_DATA, T0, T0 + HOUR, -1, ''),
      ev(EventCode.CLOCK_JUMP, T0 + HOUR, T0 + 9 * HOUR, -1, ''),
      ev(EventCode.CLOCK_BACK, T0 + 9 * HOUR + 5000, T0 + 9 * HOUR + 2000, -1, ''),
      ev(EventCode.QAL2_TRIGGER, T0 + 9 * HOUR + 3000, T0 + 10 * HOUR, twin.out('so2.ref'), 'WEEK_OVER_40PCT'),
      ev(EventCode.SUBSTITUTION_UNAVAILABLE, T0, T0, twin.out('so2.dry'), ''),
    ]);
    expect(events).toEqual([
      { kind: 'gap', startMs: T0, endMs: T0 + HOUR, actor: 'device', detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: T0, toMs: T0 + HOUR } },
      { kind: 'gap', startMs: T0 + HOUR, endMs: T0 + 9 * HOUR, actor: 'device', detail: { reason: 'no-data', firstSeq: -1, lastSeq: -1, fromMs: T0 + HOUR, toMs: T0 + 9 * HOUR } },
      { kind: 'time-set', startMs: T0 + 9 * HOUR + 2000, endMs: -1, actor: 'device', detail: { source: 'ntp', stepMs: -3000 } },
      { kind: 'maintenance', startMs: T0 + 9 * HOUR + 3000, endMs: -1, actor: 'device', detail: { analyzerId: 'gm32', reason: 'QAL2-TRIGGER so2.ref WEEK_OVER_40PCT' } },
    ]);
    expect(h.svc.st[RS.SUBSTITUTION_UNAVAILABLE]).toBe(1);
    // a NO_DATA run counts the periods it closed
    expect(h.svc.st[RS.PERIODS_CLOSED]).toBe(1);
  });

  it('a QAL2 trigger of a quantity computed from several instruments names no analyzer', () => {
    const twin = new Twin('EU_IED_LCP');
    const { events } = recordsOf([ev(EventCode.QAL2_TRIGGER, T0, T0 + HOUR, twin.out('flow.ndry'), 'WEEK_OVER_40PCT')]);
    expect(events).toEqual([{ kind: 'maintenance', startMs: T0, endMs: -1, actor: 'device', detail: { analyzerId: '', reason: 'QAL2-TRIGGER flow.ndry WEEK_OVER_40PCT' } }]);
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
    const h = new Harness('EU_IED_LCP');
    h.boot();
    h.clock.t = T0;
    recordsEvent(h.svc, configChangeEvent(defaultConfigFor('EU_IED_LCP'), big, sha256, T0, 'tech'));
    const rec = h.records()[1];
    expect(decoded(verify([rec])).map((r) => r.event!.kind)).toEqual(['config-change']);
    expect(decodeCose(rec).payload.length).toBeLessThanOrEqual(MAX_RECORD_BYTES - 100);
  });
});

it('hexWord writes status words as 8 hex digits', () => {
  expect(hexWord(0)).toBe('0x00000000');
  expect(hexWord(0xdeadbeef)).toBe('0xdeadbeef');
  expect(hexWord(4)).toBe('0x00000004');
});

