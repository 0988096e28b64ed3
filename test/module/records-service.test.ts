// The record side end to end, as the device runs it: plant samples -> engine and status windows -> jobs -> seal
// module (period parts, events, COSE in place, chain) -> sink, checked with the host verifier (signatures, chain,
// schema), against a twin engine fed the same samples (values bit for bit) and against the reference encoders (bytes).
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../../protocol/bytes';
import { compileConfig } from '../../protocol/cems/config';
import { PR } from '../../protocol/cems/engine';
import { Acq } from '../../protocol/plan/format';
import { STATUS_LIST } from '../../protocol/sample';
import { MAX_RECORD_BYTES, type EventData, type QuantityData } from '../../protocol/record/schema';
import { configBytes, configChangeEvent } from '../../protocol/module/config-diff';
import { DEFAULT_JURISDICTIONS } from '../../protocol/module/default-config';
import { DEFAULT_RESERVE_BLOCK, RS, recordsClockSynced, recordsEvent, recordsSample, recordsTick } from '../../protocol/module/records';
import * as SEAL from '../../protocol/module/seal';
import { createSoftwareEs256Signer, generateEs256KeyPair } from '../../host-sim/record/es256-signer';
import { recordLink } from '../../host-sim/record/record-link';
import { KeyRing } from '../../host-sim/verifier/keys';
import { referenceMismatches } from '../record/reference';
import {
  DeferredSigner,
  decoded,
  FlakySigner,
  Harness,
  hmacSigner,
  infoFindings,
  quantitiesOf,
  sha256,
  Twin,
  unexpectedFindings,
  verify,
  window,
} from './helpers';
import { allValid, checkHour, GM32_CHANNELS, HOUR, MINUTE, plantConfig, T0 } from './scenario';

const EU_IDS = [
  'so2', 'no', 'no2', 'nox', 'co2', 'o2', 'co', 'velocity', 'temperature', 'static_pressure', 'moisture', 'dust',
  'flow.act', 'flow.ndry', 'so2.dry', 'so2.ref', 'so2.mass', 'so2.mass.total', 'no.dry', 'no.ref', 'no2.dry',
  'no2.ref', 'nox.dry', 'nox.ref', 'nox.mass', 'nox.mass.total', 'co2.dry', 'co2.mass', 'co2.mass.total', 'o2.dry',
  'co.dry', 'co.ref', 'co.mass', 'co.mass.total', 'dust.dry', 'dust.ref', 'dust.mass', 'dust.mass.total',
];

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Asserts that a record quantity carries the twin engine's period value exactly (float64 identity). */
function expectMatches(q: QuantityData, twin: Twin, startMs: number): void {
  const total = q.id.endsWith('.total');
  const out = twin.out(q.id);
  const row = twin.row(out, startMs);
  expect(Object.is(q.corrected.value, orNull(total ? row[PR.TOTAL] : row[PR.REPORTED])), q.id).toBe(true);
  if (!total && twin.measured(out)) expect(Object.is(q.raw.value, orNull(row[PR.RAW])), q.id + ' raw').toBe(true);
  else expect(q.raw.value).toBeNull();
  expect(q.status, q.id).toBe(STATUS_LIST[row[PR.STATUS]]);
  expect(q.substitution).toBeNull();
}

describe('one simulated hour of the delivered plant (EU IED LCP)', () => {
  const h = new Harness('EU_IED_LCP');
  h.boot();
  h.run(T0, 60, checkHour);
  const twin = new Twin('EU_IED_LCP');
  twin.run(T0, 60, checkHour);
  const report = verify(h.records());
  const recs = decoded(report);

  it('gives exactly reboot, calibration, maintenance and the hour (in two parts), all verified', () => {
    expect(h.sealed.map((s) => s.info.kind)).toEqual(['reboot', 'calibration', 'maintenance', 'period', 'period']);
    expect(h.sealed.map((s) => s.info.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(h.sealed.map((s) => s.info.periodStartMs)).toEqual([-1, -1, -1, T0, T0]);
    expect(report.ok).toBe(true);
    expect(report.errors).toBe(0);
    expect(report.warnings).toBe(0);
    expect(unexpectedFindings(report)).toEqual([]);
    // the only finding: the second part of the hour, as information
    expect(infoFindings(report)).toEqual(['4:PERIOD_PART']);
    expect(recs[3].period!.part).toEqual({ index: 0, count: 2 });
    expect(recs[4].period!.part).toEqual({ index: 1, count: 2 });
    expect(recs[3].period!.supplement).toBeUndefined();
    for (const s of h.sealed) expect(s.cose.length).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    const st = h.status();
    expect(st).toMatchObject({ recordsSigned: 5, queued: 0, inFlight: false, lastSeq: 4, dropped: 0, failed: 0, periodsClosed: 1, splitPeriods: 1 });
    // jobs: the two windows and the period (its parts are one job)
    expect(st.recordsBuilt).toBe(3);
  });

  it('writes every record as the reference encoders write its decoded content', () => {
    expect(referenceMismatches(h.records())).toEqual([]);
  });

  it('carries every output (and every mass total) once, equal to the engine bit for bit', () => {
    const qs = quantitiesOf(recs, T0);
    expect(qs.map((q) => q.id)).toEqual(EU_IDS);
    for (const q of qs) expectMatches(q, twin, T0);
    // the GM32 check made its hour invalid (45 of 60 minutes < 80 %); the X-STREAM hour is valid
    expect(qs.find((q) => q.id === 'so2')!.status).toBe('INSUFFICIENT_DATA');
    expect(qs.find((q) => q.id === 'co.ref')!.status).toBe('VALID');
    for (const q of qs) expect(q.validityRule).toBe('EU_IED_LCP:SAMPLE_FRACTION:80/100');
  });

  it('maps counts, bases, references, analyzers, native codes and methods', () => {
    const parts = recs.filter((r) => r.period);
    expect(parts[0].period!.analyzers.map((a) => a.id)).toEqual(['gm32', 'xstream', 'stack']);
    expect(parts[1].period!.analyzers).toEqual(parts[0].period!.analyzers);
    expect(parts[0].period!.analyzers[0]).toEqual({ id: 'gm32', serial: 'DEFAULT-SN-GM32', qal1Certificate: 'DEFAULT-QAL1-GM32', model: 'SICK GM32' });
    const qs = quantitiesOf(recs, T0);
    const q = (id: string): QuantityData => qs.find((x) => x.id === id)!;
    const coRef = twin.row(twin.out('co.ref'), T0);
    expect(q('co.ref')).toMatchObject({
      analyzer: 1,
      nValid: coRef[PR.SAMPLES],
      nTotal: 1800,
      calibrationId: 'QAL2-2025-016',
      methodRef: 'IED-2010/75:AnnexV',
      native: { scheme: 'EMERSON_XSTREAM', code: coRef[PR.BITS] },
      decimals: 2,
    });
    expect(q('co.ref').corrected).toMatchObject({ unit: 'mg/m3', basis: 'dry', tRefK: 273.15, pRefPa: 101325, o2RefPct: 6 });
    expect(q('so2').raw).toMatchObject({ unit: 'ppm', basis: 'wet' });
    expect(q('so2')).toMatchObject({ analyzer: 0, calibrationId: 'QAL2-2025-011', methodRef: 'EN14181:2014' });
    expect(q('so2').native).toEqual({ scheme: 'SICK_GM32', code: twin.row(twin.out('so2'), T0)[PR.BITS] });
    expect(q('so2').native.code).toBe(4); // the calibration bit seen during the check
    expect(q('co2.mass')).toMatchObject({ analyzer: -1, methodRef: 'CEMS-7.1-mass-from-pct' });
    expect(q('co2.mass.total').corrected).toMatchObject({ unit: 't', basis: 'none', tRefK: null });
    expect(q('flow.ndry')).toMatchObject({ analyzer: -1, methodRef: 'EN-ISO-16911-2' });
    expect(q('flow.act')).toMatchObject({ analyzer: 2 });
    expect(q('velocity').corrected.basis).toBe('none');
    for (const x of qs) expect(x.availabilityBp).toBe(Math.floor((x.nValid * 10000) / x.nTotal));
  });

  it('records the analyzer windows seen in the samples', () => {
    const events = recs.filter((r) => r.event).map((r) => r.event!);
    const cal = events.find((e) => e.kind === 'calibration')!;
    expect(cal).toMatchObject({ startMs: T0 + 20 * MINUTE, endMs: T0 + 35 * MINUTE + 2, actor: '' });
    expect(cal.detail).toMatchObject({ analyzerId: 'gm32', quantity: 'so2,no,no2', check: 'status-window native=0x00000004', passed: false });
    const mnt = events.find((e) => e.kind === 'maintenance')!;
    expect(mnt).toMatchObject({ startMs: T0 + 45 * MINUTE + 6, endMs: T0 + 47 * MINUTE + 10 });
    expect(mnt.detail).toMatchObject({ analyzerId: 'stack', reason: 'status-window native=0x00000002 channels=velocity,temperature,static_pressure,moisture,dust' });
  });

  it('splits deterministically: the same hour gives the same parts and bytes again', () => {
    const again = new Harness('EU_IED_LCP');
    again.boot();
    again.run(T0, 60, checkHour);
    expect(again.records()).toEqual(h.records());
  });

  it('verifies with a software ES256 signer too', () => {
    const pair = generateEs256KeyPair();
    const kid = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const es = new Harness('EU_IED_LCP', { signer: createSoftwareEs256Signer(pair.privateKey, kid) });
    es.boot();
    es.run(T0, 60, checkHour);
    const rep = verify(es.records(), new KeyRing().addEs256Key(kid, pair.publicKey));
    expect(rep.ok).toBe(true);
    expect(unexpectedFindings(rep)).toEqual([]);
    expect(rep.results.every((r) => r.kind === 'sign1' && r.authentic)).toBe(true);
    expect(quantitiesOf(decoded(rep), T0)).toEqual(quantitiesOf(recs, T0));
    expect(referenceMismatches(es.records())).toEqual([]);
  });
});

describe('every jurisdiction of the delivered plant', () => {
  for (const profile of DEFAULT_JURISDICTIONS) {
    it(profile + ': two hours verify, equal the engine bit for bit and the reference encoders byte for byte', () => {
      const h = new Harness(profile);
      h.boot();
      h.run(T0, 120, checkHour);
      const twin = new Twin(profile);
      twin.run(T0, 120, checkHour);
      const rep = verify(h.records());
      expect(rep.ok).toBe(true);
      expect(unexpectedFindings(rep)).toEqual([]);
      const recs = decoded(rep);
      const periods = (2 * HOUR) / h.engine.periodMs;
      for (let k = 0; k < periods; k++) {
        const start = T0 + k * h.engine.periodMs;
        const qs = quantitiesOf(recs, start);
        expect(qs.length).toBeGreaterThan(20);
        for (const q of qs) expectMatches(q, twin, start);
      }
      expect(referenceMismatches(h.records())).toEqual([]);
      expect(h.status()).toMatchObject({ periodsClosed: periods, queued: 0, failed: 0, dropped: 0 });
    });
  }
});

describe('substitution', () => {
  it('EU MRR: an invalid hour is SUBSTITUTED with the Eq. 4 value, method and code', () => {
    const co2Fault = window(['co2'], 180, 240, 'FAULT');
    const h = new Harness('EU_MRR');
    h.boot();
    h.run(T0, 240, co2Fault);
    const twin = new Twin('EU_MRR');
    twin.run(T0, 240, co2Fault);
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    expect(unexpectedFindings(rep)).toEqual([]);
    const qs = quantitiesOf(decoded(rep), T0 + 3 * HOUR);
    const sv = twin.substitute('co2.dry');
    const svMass = twin.substitute('co2.mass');
    const dry = qs.find((q) => q.id === 'co2.dry')!;
    expect(dry.status).toBe('SUBSTITUTED');
    expect(dry.substitution).toEqual({ method: 'EU-MRR-2018/2066:Art45-AnnexVIII-Eq4', code: 'EQ4' });
    expect(Object.is(dry.corrected.value, sv.v)).toBe(true);
    // the counts stay those of the measured hour: no valid data behind the substitute
    expect(dry.nValid).toBe(twin.row(twin.out('co2.dry'), T0 + 3 * HOUR)[PR.SAMPLES]);
    const mass = qs.find((q) => q.id === 'co2.mass')!;
    expect(mass).toMatchObject({ status: 'SUBSTITUTED', methodRef: 'EU-MRR-2018/2066:AnnexVIII-Eq1' });
    expect(Object.is(mass.corrected.value, svMass.v)).toBe(true);
    expect(Object.is(qs.find((q) => q.id === 'co2.mass.total')!.corrected.value, (svMass.v * 60) / 60)).toBe(true);
    // the measured co2 itself is never filled
    expect(qs.find((q) => q.id === 'co2')!).toMatchObject({ status: 'INSUFFICIENT_DATA', substitution: null });
    expect(h.status().supplements).toBe(0);
    expect(referenceMismatches(h.records())).toEqual([]);
  });

  it('US Part 75: the gap is filled when it ends, by a supplement record before the next hour', () => {
    const so2Fault = window(['so2'], 180, 240, 'FAULT');
    const h = new Harness('US_P75');
    h.boot();
    h.run(T0, 300, so2Fault);
    const twin = new Twin('US_P75');
    twin.run(T0, 300, so2Fault);
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    const recs = decoded(rep);
    const gapHour = T0 + 3 * HOUR;
    const original = quantitiesOf(recs, gapHour).find((q) => q.id === 'so2.dry')!;
    expect(original).toMatchObject({ status: 'INSUFFICIENT_DATA', native: { scheme: 'P75-MODC', code: '' }, substitution: null });
    const supplement = quantitiesOf(recs, gapHour, true);
    expect(supplement.map((q) => q.id)).toEqual(['so2.dry', 'so2.mass', 'so2.mass.total']);
    const sv = twin.substitute('so2.dry');
    expect(sv.code).toBe(7);
    expect(supplement[0]).toMatchObject({ status: 'SUBSTITUTED', substitution: { method: '40CFR75.33', code: '07' }, native: { scheme: 'P75-MODC', code: '07' } });
    expect(Object.is(supplement[0].corrected.value, sv.v)).toBe(true);
    expect(supplement[1]).toMatchObject({ methodRef: '40CFR75-AppF-F-2', status: 'SUBSTITUTED' });
    // order: hour 3 (two parts), then at the close of hour 4 the supplement for hour 3, then hour 4 (two parts)
    const periods = recs
      .filter((r) => r.period)
      .map((r) => [(r.period!.startMs - T0) / HOUR, r.period!.supplement ? 'supplement' : 'part ' + r.period!.part!.index]);
    expect(periods.slice(-5)).toEqual([[3, 'part 0'], [3, 'part 1'], [3, 'supplement'], [4, 'part 0'], [4, 'part 1']]);
    // the supplement and the second parts share the hour they belong to: verified, and noted as information only
    expect(unexpectedFindings(rep)).toEqual([]);
    expect(rep.warnings).toBe(0);
    const info = infoFindings(rep);
    expect(info.filter((c) => c.endsWith(':PERIOD_PART'))).toHaveLength(5);
    const supplementIndex = recs.findIndex((r) => r.period?.supplement === true);
    expect(info.filter((c) => c.endsWith(':PERIOD_SUPPLEMENT'))).toEqual([supplementIndex + ':PERIOD_SUPPLEMENT']);
    expect(h.status().supplements).toBe(1);
    expect(referenceMismatches(h.records())).toEqual([]);
  });
});

describe('reboot mid-hour', () => {
  function firstHalf(): Harness {
    const a = new Harness('EU_IED_LCP');
    a.boot();
    a.run(T0, 30, allValid);
    return a;
  }

  it('resumes from the journal tail and the engine snapshot: the hour equals an uninterrupted one', () => {
    const a = firstHalf();
    const snapshot = SEAL.engineSnapshot(a.svc);
    const tail = recordLink(a.records()[a.records().length - 1], sha256);
    const b = new Harness('EU_IED_LCP', { store: a.store, engineState: snapshot, startMs: T0 + 30 * MINUTE + 7000 });
    b.boot(a.store.saved, tail);
    expect(b.status().engineStateRestored).toBe(true);
    const rnd = new Twin('EU_IED_LCP').run(T0, 30, allValid); // the PRNG state where the first half stopped
    b.run(T0 + 30 * MINUTE, 30, allValid, rnd);
    const twin = new Twin('EU_IED_LCP');
    twin.run(T0, 60, allValid);
    const all = [...a.records(), ...b.records()];
    const rep = verify(all);
    expect(rep.ok).toBe(true);
    expect(unexpectedFindings(rep)).toEqual([]);
    expect(rep.reboots).toBe(2);
    const recs = decoded(rep);
    const boot2 = recs.filter((r) => r.event && (r.event.kind === 'reboot' || r.event.kind === 'gap')).slice(1);
    // the first half used seq 0 only; the rest of its reservation is declared, then the reboot event follows
    expect(boot2.map((r) => [r.seq, r.event!.kind])).toEqual([[DEFAULT_RESERVE_BLOCK, 'gap'], [DEFAULT_RESERVE_BLOCK + 1, 'reboot']]);
    expect(boot2[0].event!.detail).toMatchObject({ reason: 'unpersisted-seq', firstSeq: 1, lastSeq: DEFAULT_RESERVE_BLOCK - 1 });
    expect(boot2[1].event!.detail).toMatchObject({ bootCount: 2, reason: 'watchdog', resumedFrom: 'journal' });
    const qs = quantitiesOf(recs, T0);
    expect(qs.map((q) => q.id)).toEqual(EU_IDS);
    for (const q of qs) expectMatches(q, twin, T0);
    expect(qs.every((q) => q.status === 'VALID')).toBe(true);
  });

  it('without a snapshot the hour restarts mid-way and is reported with the data it has', () => {
    const a = firstHalf();
    const b = new Harness('EU_IED_LCP', { store: a.store, startMs: T0 + 30 * MINUTE + 7000 });
    b.boot(a.store.saved, null);
    b.run(T0 + 30 * MINUTE, 30, allValid, 12345);
    const rep = verify([...a.records(), ...b.records()]);
    expect(rep.ok).toBe(true);
    const recs = decoded(rep);
    expect(recs.find((r) => r.event?.kind === 'reboot' && r.seq > 0)!.event!.detail).toMatchObject({ resumedFrom: 'state' });
    const so2 = quantitiesOf(recs, T0).find((q) => q.id === 'so2')!;
    expect(so2).toMatchObject({ status: 'INSUFFICIENT_DATA', nValid: 900, nTotal: 1800, availabilityBp: 5000 });
  });

  it('refuses a snapshot of another plan and starts a fresh engine', () => {
    const a = firstHalf();
    const b = new Harness('CN_HJ', { engineState: SEAL.engineSnapshot(a.svc) });
    b.boot();
    expect(b.status()).toMatchObject({ engineStateRestored: false, lastError: expect.stringContaining('ENGINE_SNAPSHOT_CONFIG') });
    expect(b.engine.g).toEqual(new Twin('CN_HJ').engine.g);
  });
});

describe('engine snapshots', () => {
  it('are offered once per period close, after the period records are sealed, and restore exactly', () => {
    const signer = new DeferredSigner(hmacSigner());
    const h = new Harness('US_P75', { signer });
    h.boot();
    h.run(T0, 60, allValid);
    // the hour is closed but its records wait for the signer: no snapshot yet
    expect(h.snapshots.length).toBe(0);
    signer.releaseAll();
    expect(h.sealed.map((s) => s.info.kind).slice(-2)).toEqual(['period', 'period']);
    expect(h.snapshots.length).toBe(1);
    h.run(T0 + HOUR, 60, allValid, 99);
    signer.releaseAll();
    expect(h.snapshots.length).toBe(2);
    const again = new Harness('US_P75', { engineState: h.snapshots[1] });
    again.boot();
    expect(again.status().engineStateRestored).toBe(true);
    expect(SEAL.engineSnapshot(again.svc)).toEqual(h.snapshots[1]);
    // the Part 75 lookbacks (Float32Array) survive as they were
    const p75 = again.engine.p75.filter((x) => x);
    expect(p75.length).toBe(h.engine.p75.filter((x) => x).length);
    expect(p75.length).toBeGreaterThan(0);
    expect(p75[0]!.look).toEqual(h.engine.p75.find((x) => x)!.look);
  });
});

describe('bad input', () => {
  it('bad samples, bad ticks and a clock step back are counted, never thrown', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    const so2 = h.stack.acqOf['#so2'];
    const so2Ch = h.stack.acq[so2 * Acq.FIELDS + Acq.CHANNEL];
    const nox = compileConfig(plantConfig('EU_IED_LCP').emissions).chanIndex.nox;
    const junk: [number, number, number, number, number, number][] = [
      [so2, so2Ch, Number.NaN, 1, 0, 0], // no time: before the clock
      [so2, so2Ch, -1, 1, 0, 0], // before the clock
      [so2, so2Ch, T0 + 0.5, 1, 0, 0], // not an integer ms
      [so2, 999, T0, 1, 0, 0], // no such engine channel
      [so2, nox, T0, 1, 0, 0], // a derived channel is computed, never sampled
      [so2, -1, T0, 1, 0, 0], // acquired for the console only
      [so2, so2Ch, T0 + 1, Number.NaN, 0, 0],
      [so2, so2Ch, T0 + 2, 5, 99, -7],
      [so2, so2Ch, T0 + 2, 5, 0, 0], // not newer than the previous sample of the channel
      [so2, so2Ch, T0 + 3, '12' as never, 0, 0],
      [so2, so2Ch, T0 + 4, Infinity, 1, 1.5],
    ];
    for (const [a, ch, t, v, st, native] of junk) expect(() => recordsSample(h.svc, a, ch, t, v, st, native)).not.toThrow();
    expect(() => recordsTick(h.svc, Number.NaN)).not.toThrow();
    recordsTick(h.svc, -5);
    recordsTick(h.svc, 'soon' as never);
    h.tick(T0 + 10 * MINUTE);
    h.tick(T0 + 5 * MINUTE); // the clock stepped back
    const st = h.status();
    expect(st.samples).toBe(junk.length - 2);
    expect(st.samplesBeforeClock).toBe(2);
    expect(st.rejected).toEqual({ late: 0, nonMonotonic: 1, badTime: 1, unknownChannel: 2, clockBack: 1 });
    expect(st.badTicks).toBe(3);
    expect(st.lastError).toBe('');
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    // the GM32 calibration window opened by the sample at +4 has not ended: no record for it yet
    expect(decoded(rep).map((r) => r.event!.kind)).toEqual(['reboot', 'time-set']);
    expect(decoded(rep)[1].event!).toMatchObject({ startMs: T0 + 5 * MINUTE, detail: { source: 'ntp', stepMs: -5 * MINUTE } });
  });

  it('a failing period close (close module not loadable) is counted and shown; the tick goes on and the next close works', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    const closer = h.engine.closer;
    const so2 = h.stack.acqOf['#so2'];
    const so2Ch = h.stack.acq[so2 * Acq.FIELDS + Acq.CHANNEL];
    for (let k = 0; k < 30; k++) recordsSample(h.svc, so2, so2Ch, T0 + k * 2000, 100, 0, 0);
    h.engine.closer = () => {
      throw Object.assign(new Error('module cems.close not found'), { code: 'MODULE_MISSING' });
    };
    expect(() => h.tick(T0 + HOUR + 6000)).not.toThrow();
    expect(h.svc.st[RS.ENGINE_ERRORS]).toBe(1);
    expect(h.status().lastError).toBe('MODULE_MISSING: module cems.close not found');
    h.engine.closer = closer;
    for (let k = 0; k < 30; k++) recordsSample(h.svc, so2, so2Ch, T0 + 2 * HOUR + k * 2000, 100, 0, 0);
    h.tick(T0 + 3 * HOUR + 6000);
    expect(h.svc.st[RS.ENGINE_ERRORS]).toBe(1);
    expect(h.status().periodsClosed).toBeGreaterThan(0);
    expect(verify(h.records()).ok).toBe(true);
  });

  it('a bad hour does not disturb the next one', () => {
    const bad = { channel: 'so2', tMs: T0 - 5, value: Number.NaN, valid: true, status: 'VALID' as const, native: 0, source: 'x' };
    const h = new Harness('EU_IED_LCP');
    h.boot();
    h.push(bad);
    h.run(T0, 60, checkHour);
    const twin = new Twin('EU_IED_LCP');
    twin.push(bad);
    twin.run(T0, 60, checkHour);
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    for (const q of quantitiesOf(decoded(rep), T0)) expectMatches(q, twin, T0);
  });
});

describe('signer queue', () => {
  it('keeps order with an asynchronous signer; a full queue drops the newest jobs and declares them by a gap', () => {
    const signer = new DeferredSigner(hmacSigner());
    const h = new Harness('EU_MRR', { signer, maxQueue: 3 });
    h.boot();
    h.run(T0, 300, checkHour);
    const stuck = h.status();
    // the reboot record is being signed: nothing has been sealed, and it holds its place in the queue
    expect(stuck).toMatchObject({ booted: true, inFlight: true, recordsSigned: 0 });
    expect(stuck.queued).toBe(4); // the bound plus the gap declaring what was dropped
    expect(stuck.dropped).toBeGreaterThan(0);
    expect(signer.releaseAll()).toBeGreaterThan(0);
    h.tick(T0 + 300 * MINUTE + 7000);
    signer.releaseAll();
    const st = h.status();
    expect(st).toMatchObject({ queued: 0, inFlight: false });
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    expect(unexpectedFindings(rep)).toEqual([]);
    const recs = decoded(rep);
    const gaps = recs.flatMap((r) => (r.event?.kind === 'gap' ? [r.event.detail] : []));
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((g) => g.reason === 'journal-overflow' && g.fromMs >= 0 && g.toMs > g.fromMs)).toBe(true);
    expect(h.sealed.map((s) => s.info.seq)).toEqual(h.sealed.map((_, i) => i));
    // every job built is sealed or dropped; a period job gives one record per part; the reboot job is the boot's own
    const laterParts = recs.filter((r) => r.period?.part && r.period.part.index > 0).length;
    expect(st.recordsSigned - laterParts + st.dropped).toBe(st.recordsBuilt + 1);
  });

  it('retries a failing signer at the next tick without losing or reordering records', () => {
    const signer = new FlakySigner(hmacSigner(), 3);
    const h = new Harness('EU_IED_LCP', { signer });
    h.boot(); // the reboot record fails, and waits for the next tick
    expect(h.sealed).toEqual([]);
    h.run(T0, 60, checkHour);
    h.tick(T0 + HOUR + 20000);
    const st = h.status();
    expect(st).toMatchObject({ retries: 3, failed: 0, dropped: 0, queued: 0 });
    expect(st.lastError).toContain('ATECC_TIMEOUT');
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    expect(h.sealed.map((s) => s.info.kind)).toEqual(['reboot', 'calibration', 'maintenance', 'period', 'period']);
  });

  it('replaces a record that cannot be sealed (too large) by a gap over its time', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    const changes = [];
    for (let i = 0; i < 300; i++) changes.push({ path: 'emissions.channels[' + i + '].calibration.b', oldValue: '1.0', newValue: '1.1' });
    h.clock.t = T0;
    recordsEvent(h.svc, { kind: 'config-change', startMs: T0, endMs: -1, actor: 'tech-1', detail: { oldHash: new Uint8Array(32), newHash: new Uint8Array(32), changes } });
    h.tick(T0 + 1000);
    const st = h.status();
    expect(st.failed).toBe(1);
    expect(st.lastError).toContain('RECORD_TOO_LARGE');
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    expect(decoded(rep).map((r) => r.event!.kind)).toEqual(['reboot', 'gap']);
    expect(decoded(rep)[1].event!.detail).toMatchObject({ reason: 'journal-overflow', fromMs: T0, toMs: T0 });
  });
});

// Event data the schema cannot carry (fractional integers, non-ASCII text, time running backwards, non-finite numbers,
// too many decimals) is refused by the event writer; the record is dropped and its time range declared by a gap.
describe('invalid event data', () => {
  const cases: [string, EventData][] = [
    ['a fractional clock step', { kind: 'time-set', startMs: T0, endMs: -1, actor: 'device', detail: { source: 'ntp', stepMs: 1.5 } }],
    ['non-ASCII text', { kind: 'maintenance', startMs: T0, endMs: -1, actor: 'caf\u00e9', detail: { analyzerId: 'gm32', reason: 'filter' } }],
    ['an end before the start', { kind: 'maintenance', startMs: T0, endMs: T0 - 5, actor: '', detail: { analyzerId: 'gm32', reason: 'filter' } }],
    ['a calibration reference that is not a number', {
      kind: 'calibration', startMs: T0, endMs: -1, actor: '',
      detail: { analyzerId: 'gm32', check: 'span', quantity: 'so2', reference: NaN, measured: 1, unit: 'ppm', passed: true, functionId: '', decimals: 2 },
    }],
    ['more decimals than the schema allows', {
      kind: 'calibration', startMs: T0, endMs: -1, actor: '',
      detail: { analyzerId: 'gm32', check: 'span', quantity: 'so2', reference: 1, measured: 1, unit: 'ppm', passed: true, functionId: '', decimals: 12 },
    }],
  ];
  for (const [name, event] of cases) {
    it(name + ' is refused and declared by a gap, not sealed as written', () => {
      const h = new Harness('EU_IED_LCP');
      h.boot();
      h.clock.t = T0;
      recordsEvent(h.svc, event);
      h.tick(T0 + 1000);
      expect(h.status().failed).toBe(1);
      expect(decoded(verify(h.records())).map((r) => r.event!.kind)).toEqual(['reboot', 'gap']);
    });
  }

  it('lastError names the failure code once', () => {
    const h = new Harness('EU_IED_LCP', { signer: new FlakySigner(hmacSigner(), 1) });
    h.boot();
    expect(h.status().lastError).toBe('ATECC_TIMEOUT: no response from the secure element');
  });
});

describe('configuration and clock events', () => {
  it('records a configuration change with both hashes and the changed paths', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    const before = plantConfig('EU_IED_LCP');
    const after = plantConfig('EU_IED_LCP');
    (after.emissions.channels[0].calibration as { b: string }).b = '1.041';
    after.analyzers[2] = { device: 'stack', model: after.analyzers[2].model, serial: 'SN-0043', qal1Certificate: after.analyzers[2].qal1Certificate };
    h.clock.t = T0 + 1234;
    recordsEvent(h.svc, configChangeEvent(before, after, sha256, h.clock.t, 'tech-17'));
    h.tick(T0 + 2000);
    const rec = decoded(verify(h.records()))[1];
    expect(rec.createdMs).toBe(T0 + 1234);
    const e = rec.event!;
    expect(e).toMatchObject({ kind: 'config-change', startMs: T0 + 1234, actor: 'tech-17' });
    if (e.kind !== 'config-change') throw new Error('kind');
    expect(bytesEqual(e.detail.oldHash, sha256(configBytes(before)))).toBe(true);
    expect(bytesEqual(e.detail.newHash, sha256(configBytes(after)))).toBe(true);
    expect(e.detail.changes).toEqual([
      { path: 'analyzers[2].serial', oldValue: 'DEFAULT-SN-STACK', newValue: 'SN-0043' },
      { path: 'emissions.channels[0].calibration.b', oldValue: '1.031', newValue: '1.041' },
    ]);
    expect(referenceMismatches(h.records())).toEqual([]);
  });

  it('a clock sync sets the time block of later records; a large step is a time-set event', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    recordsClockSynced(h.svc, T0 + 500, 'gnss', 400);
    recordsClockSynced(h.svc, T0 + 600, 'ntp', -7000);
    h.run(T0, 60, allValid);
    const recs = decoded(verify(h.records()));
    expect(recs.map((r) => (r.event ? r.event.kind : 'period'))).toEqual(['reboot', 'time-set', 'period', 'period']);
    expect(recs[1].event!.detail).toEqual({ source: 'ntp', stepMs: -7000 });
    expect(recs[2].time).toEqual({ source: 'ntp', lastSyncMs: T0 + 600, syncOffsetMs: -7000 });
    expect(recs[0].time).toEqual({ source: 'ntp', lastSyncMs: 0, syncOffsetMs: 0 });
  });

  it('a clock step the firmware reported is not recorded twice when the engine sees it', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    h.tick(T0 + 10 * MINUTE);
    h.clock.t = T0 + 5 * MINUTE;
    recordsClockSynced(h.svc, h.clock.t, 'manual', -5 * MINUTE);
    h.tick(T0 + 5 * MINUTE);
    const recs = decoded(verify(h.records()));
    expect(recs.map((r) => r.event!.kind)).toEqual(['reboot', 'time-set']);
    expect(recs[1].event!.detail).toEqual({ source: 'manual', stepMs: -5 * MINUTE });
    expect(h.status().rejected.clockBack).toBe(1);
  });
});

describe('gaps in the data', () => {
  it('an hour without samples is a no-data gap, and the records stay continuous', () => {
    const h = new Harness('EU_IED_LCP');
    h.boot();
    const rnd = h.run(T0, 60, allValid);
    h.tick(T0 + 2 * HOUR + 6000); // an hour passes without samples
    h.run(T0 + 2 * HOUR, 60, allValid, rnd);
    const rep = verify(h.records());
    expect(rep.ok).toBe(true);
    expect(unexpectedFindings(rep)).toEqual([]);
    const gap = decoded(rep).find((r) => r.event?.kind === 'gap')!.event!;
    expect(gap).toMatchObject({ startMs: T0 + HOUR, endMs: T0 + 2 * HOUR, detail: { reason: 'no-data', fromMs: T0 + HOUR, toMs: T0 + 2 * HOUR } });
    expect(h.status().periodsClosed).toBe(3);
  });
});

it('the scenario plant is the delivered Modbus layout', () => {
  const cems = compileConfig(plantConfig('EU_IED_LCP').emissions);
  const fed = new Set(plantConfig('EU_IED_LCP').modbus.devices.flatMap((d) => d.channels.map((c) => c.id)));
  for (const ch of cems.channels) if (ch.sumOf.length === 0) expect(fed.has(ch.id), ch.id).toBe(true);
  expect(GM32_CHANNELS.every((c) => fed.has(c))).toBe(true);
});
