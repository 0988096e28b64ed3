// Configuration: profiles selectable as data, path-named errors, standardized fields locked, bases consistent.
import { describe, expect, it } from 'vitest';
import { compileConfig, validateConfig } from '../../protocol/cems/config';
import { checkMassBasis, co2MassRate, massRate, O2_ACTUAL } from '../../protocol/cems/convert';
import { COND_N0C, COND_S20C } from '../../protocol/cems/conditions';
import { G, pushSample } from '../../protocol/cems/engine';
import { S } from '../../protocol/cems/codes';
import { PROFILES } from '../../protocol/cems/profiles';
import { errorCode } from '../../protocol/errors';
import { lookup } from '../../protocol/own';
import { benchConfig } from '../kit/cems-bench';
import { MRR_CO2_CONFIG, WORKED_STACK_CONFIG } from '../kit/cems-vectors';
import { engine, gasConfig, T0 } from './helpers';

function errors(input: unknown): { [path: string]: string } {
  const r = validateConfig(input);
  expect(r.config).toBeNull();
  const d: { [path: string]: string } = {};
  for (const e of r.errors) d[e.path] = e.code;
  return d;
}

describe('profiles as data', () => {
  it('every profile compiles with a matching config', () => {
    for (const id of Object.keys(PROFILES)) {
      const extra = id === 'US_P60' || id === 'KR_TMS' || id === 'CA_ECCC' ? { o2RefPct: 7 } : {};
      const r = validateConfig(gasConfig(id, extra));
      expect(r.errors, id).toEqual([]);
      expect(r.config!.profile.id).toBe(id);
    }
  });

  it('reference conditions and O2 constants per jurisdiction (IED Annexes V-VI, 40 CFR 72.2, HJ 212 Annex D)', () => {
    expect(PROFILES.EU_IED_LCP.conditions.tRefK).toBe(273.15);
    expect(PROFILES.CN_HJ.conditions).toMatchObject({ tRefK: 273, celsiusOffsetK: 273, vmLPerMol: 22.4, vmSource: 'DEFINED' });
    expect(PROFILES.US_P75.conditions.tRefK).toBe(293.15);
    expect(PROFILES.US_P75.o2K).toBe(20.9);
    expect(PROFILES.EU_IED_LCP.o2K).toBe(21);
    expect(PROFILES.EU_IED_LCP.o2RefBySource).toMatchObject({ SOLID_FUEL: 6, LIQUID_FUEL: 3, GAS_TURBINE: 15 });
    expect(PROFILES.EU_IED_WI.o2RefBySource.WASTE).toBe(11);
    expect(PROFILES.CN_HJ.o2RefBySource.INDUSTRIAL_OIL_GAS_BOILER).toBe(3.5);
    expect(PROFILES.EU_IED_WI.ciPct).toMatchObject({ CO: 10, SO2: 20, NOX: 20, DUST: 30, TOC: 30, HCL: 40, HF: 40 });
  });

  it('the source type selects the O2 reference and the outputs carry it in their basis', () => {
    const cfg = compileConfig(gasConfig('EU_IED_LCP', { sourceType: 'GAS_TURBINE' }));
    expect(cfg.outputs[cfg.outIndex['so2.ref']].basis).toEqual({ water: 'DRY', o2Ref: 15, cond: 'N0C' });
    expect(cfg.outputs[cfg.outIndex['so2.dry']].basis).toEqual({ water: 'DRY', o2Ref: O2_ACTUAL, cond: 'N0C' });
    expect(cfg.outputs[cfg.outIndex['so2']].basis.cond).toBe('');
  });

  it('configured fields can be overridden, standardized ones cannot', () => {
    const ok = compileConfig(gasConfig('KR_TMS', { o2RefPct: '4.5', overrides: { periodMinutes: 60, conditions: 'S20C', o2K: '20.9' } }));
    expect(ok.profile.periodMinutes).toBe(60);
    expect(ok.conditions).toBe(COND_S20C);
    expect(ok.o2RefPct).toBe(4.5);
    expect(ok.profile.o2K).toBe(20.9);
    expect(PROFILES.KR_TMS.periodMinutes).toBe(30); // the profile itself is untouched
    expect(errors(gasConfig('CN_HJ', { overrides: { periodRule: { kind: 'MIN_MINUTES', n: 40 } } }))).toEqual({
      'overrides.periodRule': 'CEMS_CFG_STANDARDIZED',
    });
    expect(errors(gasConfig('EU_IED_LCP', { o2RefPct: 5 }))).toEqual({ o2RefPct: 'CEMS_CFG_STANDARDIZED' });
    expect(errors(gasConfig('US_P75', { overrides: { substitution: 'NONE' } }))).toEqual({ 'overrides.substitution': 'CEMS_CFG_STANDARDIZED' });
  });
});

describe('path-named errors', () => {
  it('names every bad field with its path', () => {
    const d = errors({
      profile: 'EU_IED_LCP',
      sourceType: 'COAL',
      scanIntervalMs: 5000,
      channels: [
        { id: 'SO2', quantity: 'SO2', unit: 'ppm', calibration: { id: 'Q1', date: '2026-01-01', a: 0.5, b: '-1' } },
        { id: 'dust', quantity: 'DUST', unit: 'ppm' },
      ],
    });
    expect(d).toMatchObject({
      sourceType: 'CEMS_CFG_ENUM',
      'channels[0].id': 'CEMS_CFG_ID',
      'channels[0].calibration.a': 'CEMS_CFG_NUMBER',
      'channels[0].calibration.b': 'CEMS_CFG_RANGE',
      'channels[1].unit': 'CEMS_CFG_ENUM',
    });
  });

  it('requires what the jurisdiction needs: ELV for the IED CI, O2 for references, moisture for wet readings, MPC for Part 75', () => {
    expect(errors(gasConfig('EU_IED_LCP', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm' }, { id: 'o2', quantity: 'O2', unit: 'pct' }] }))).toEqual({
      'channels[0].elvDaily': 'CEMS_CFG_MISSING',
    });
    expect(errors({ ...gasConfig('EU_IED_LCP'), o2Channel: undefined })).toEqual({ o2Channel: 'CEMS_CFG_MISSING' });
    expect(errors(gasConfig('EU_MRR', { o2Channel: undefined, channels: [{ id: 'co2', quantity: 'CO2', unit: 'pct', water: 'WET' }] }))).toEqual({
      'channels[0].water': 'CEMS_CFG_MISSING',
    });
    expect(errors(gasConfig('US_P75', { channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm' }, { id: 'o2', quantity: 'O2', unit: 'pct' }] }))).toEqual({
      'channels[0].mpc': 'CEMS_CFG_MISSING',
    });
  });

  it('rejects JSON floats (Espruino would parse them differently) and accepts decimal strings', () => {
    const base = { profile: 'EU_MRR', scanIntervalMs: 5000 };
    expect(errors({ ...base, channels: [{ id: 'co2', quantity: 'CO2', unit: 'pct', scale: { gain: 1.5 } }] })).toEqual({
      'channels[0].scale.gain': 'CEMS_CFG_NUMBER',
    });
    const cfg = compileConfig({ ...base, channels: [{ id: 'co2', quantity: 'CO2', unit: 'pct', scale: { gain: '1.5', offset: '-0.25' } }] });
    expect(cfg.channels[0]).toMatchObject({ gain: 1.5, offset: -0.25 });
  });

  it('derived channels: components must exist, be gases and share the water basis', () => {
    const d = errors({
      profile: 'EU_MRR',
      scanIntervalMs: 5000,
      channels: [
        { id: 'no', quantity: 'NO', unit: 'ppm', water: 'WET' },
        { id: 'no2', quantity: 'NO2', unit: 'ppm' },
        { id: 'nox', quantity: 'NOX', sumOf: ['no', 'no2', 'nope'] },
      ],
      moisture: { constantPct: 10 },
    });
    expect(d).toMatchObject({ 'channels[2].sumOf[0]': 'CEMS_CFG_RULE', 'channels[2].sumOf[2]': 'CEMS_CFG_REF' });
  });

  it('flow needs exactly one source and a duct size; stack conditions and moisture are required', () => {
    const d = errors({ profile: 'EU_MRR', scanIntervalMs: 5000, channels: [{ id: 'v', quantity: 'VELOCITY', unit: 'm/s' }], flow: { velocity: 'v' } });
    expect(d).toMatchObject({ flow: 'CEMS_CFG_RULE', stack: 'CEMS_CFG_MISSING', moisture: 'CEMS_CFG_MISSING' });
  });

  it('compileConfig throws one coded error listing every path', () => {
    try {
      compileConfig({ profile: 'MARS', channels: [] });
      expect.unreachable();
    } catch (e) {
      expect(errorCode(e)).toBe('CEMS_CONFIG');
      expect(String((e as Error).message)).toContain('profile: must be one of');
    }
  });

  it('the shipped configurations compile', () => {
    expect(validateConfig(WORKED_STACK_CONFIG).errors).toEqual([]);
    expect(validateConfig(MRR_CO2_CONFIG).errors).toEqual([]);
    expect(validateConfig(benchConfig(5000)).errors).toEqual([]);
    expect(validateConfig(benchConfig(1000)).errors).toEqual([]);
  });
});

/** Names an Object.prototype lookup would find; JSON text (unlike an object literal) makes "__proto__" an own member. */
const PROTO_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];

function fromJson(value: unknown): { [k: string]: any } {
  return JSON.parse(JSON.stringify(value));
}

describe('names that are Object.prototype members', () => {
  it.each(PROTO_NAMES)('profile "%s" is an unknown profile', (name) => {
    expect(validateConfig({ profile: name, scanIntervalMs: 5000, channels: [] })).toEqual({
      config: null,
      errors: [{ path: 'profile', code: 'CEMS_CFG_ENUM', message: 'must be one of ' + Object.keys(PROFILES).join(', ') }],
    });
  });

  it.each(PROTO_NAMES)('"%s" as a quantity, source type, conditions or channel reference is reported at its path', (name) => {
    expect(errors(gasConfig('EU_MRR', { channels: [{ id: 'x', quantity: name, unit: 'ppm' }] }))).toEqual({
      'channels[0].quantity': 'CEMS_CFG_ENUM',
    });
    expect(errors(gasConfig('KR_TMS', { o2RefPct: 7, overrides: { conditions: name } }))).toEqual({ 'overrides.conditions': 'CEMS_CFG_ENUM' });
    expect(errors(gasConfig('EU_IED_LCP', { sourceType: name }))).toEqual({ sourceType: 'CEMS_CFG_ENUM' });
    const cfg = fromJson(
      gasConfig('EU_MRR', {
        o2Channel: name,
        moisture: { channel: name },
        stack: { temperature: { channel: name }, staticPressure: { channel: name }, ambientPressure: { channel: name } },
        flow: { velocity: name, areaM2: 1 },
        channels: [
          { id: 'no', quantity: 'NO', unit: 'ppm' },
          { id: 'no2', quantity: 'NO2', unit: 'ppm' },
          { id: 'nox', quantity: 'NOX', sumOf: [name, 'no2'] },
        ],
        co2e: { gwp: {} },
      }),
    );
    Object.defineProperty(cfg.co2e.gwp, name, { value: 1, enumerable: true });
    expect(errors(cfg)).toEqual({
      o2Channel: 'CEMS_CFG_REF',
      'moisture.channel': 'CEMS_CFG_REF',
      'stack.temperature.channel': 'CEMS_CFG_REF',
      'stack.staticPressure.channel': 'CEMS_CFG_REF',
      'stack.ambientPressure.channel': 'CEMS_CFG_REF',
      'flow.velocity': 'CEMS_CFG_REF',
      'channels[2].sumOf[0]': 'CEMS_CFG_REF',
      ['co2e.gwp.' + name]: 'CEMS_CFG_REF',
      'co2e.gwp': 'CEMS_CFG_MISSING',
      // The flow finds no stack conditions and no moisture among the unresolved references.
      stack: 'CEMS_CFG_MISSING',
      moisture: 'CEMS_CFG_MISSING',
    });
  });

  it('a valid channel id such as "constructor" is an ordinary entry; "__proto__" is an invalid id and not indexed', () => {
    const o2 = { id: 'constructor', quantity: 'O2', unit: 'pct' };
    const cfg = compileConfig(gasConfig('EU_MRR', { o2Channel: 'constructor', channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm' }, o2] }));
    expect(cfg.o2Ch).toBe(1);
    expect(Object.keys(cfg.chanIndex)).toEqual(['so2', 'constructor']);
    const bad = fromJson(gasConfig('EU_MRR', { o2Channel: '__proto__', channels: [{ id: 'so2', quantity: 'SO2', unit: 'ppm' }, { ...o2, id: '__proto__' }] }));
    const r = validateConfig(bad);
    expect(r.errors.map((e) => e.path + ' ' + e.code)).toEqual(['channels[1].id CEMS_CFG_ID', 'o2Channel CEMS_CFG_REF']);
  });

  it('"toString" resolves to no channel or output; the engine counts a sample for what is no channel index as unknown', () => {
    const e = engine(gasConfig('EU_MRR'));
    for (const name of PROTO_NAMES) {
      expect(lookup(e.cfg.chanIndex, name)).toBeUndefined();
      expect(lookup(e.cfg.outIndex, name)).toBeUndefined();
    }
    const notChannels = [-1, e.e.nCh, 0.5, NaN];
    for (const c of notChannels) pushSample(e.e, c, T0, 1, S.VALID, 0);
    expect(e.e.g[G.UNKNOWN_CHANNEL]).toBe(notChannels.length);
    expect(e.e.g[G.STARTED]).toBe(0);
    pushSample(e.e, e.cfg.chanIndex.so2, T0, 1, S.VALID, 0);
    expect(e.e.g[G.UNKNOWN_CHANNEL]).toBe(notChannels.length);
    expect(e.e.g[G.STARTED]).toBe(1);
  });
});

describe('concentration and flow bases cannot be mixed', () => {
  const dry = { water: 'DRY' as const, o2Ref: O2_ACTUAL, cond: 'N0C' };

  it('mass rate refuses an O2-referenced concentration, a wet one, or other reference conditions', () => {
    const flow = { v: 1000, unit: 'm3/h', basis: dry };
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return errorCode(e);
      }
    };
    expect(massRate({ v: 100, unit: 'mg/m3', basis: dry }, flow).v).toBe(0.1);
    expect(code(() => massRate({ v: 100, unit: 'mg/m3', basis: { ...dry, o2Ref: 6 } }, flow))).toBe('CEMS_BASIS_MISMATCH');
    expect(code(() => massRate({ v: 100, unit: 'mg/m3', basis: { ...dry, water: 'WET' } }, flow))).toBe('CEMS_BASIS_MISMATCH');
    expect(code(() => massRate({ v: 100, unit: 'mg/m3', basis: { ...dry, cond: 'S20C' } }, flow))).toBe('CEMS_BASIS_MISMATCH');
    expect(code(() => massRate({ v: 100, unit: 'ppm', basis: dry }, flow))).toBe('CEMS_UNIT_MISMATCH');
    expect(code(() => co2MassRate({ v: 12, unit: 'pct', basis: { ...dry, cond: '' } }, { ...flow, basis: { ...dry, cond: 'S20C' } }, COND_N0C))).toBe(
      'CEMS_BASIS_MISMATCH',
    );
  });

  it('every compiled mass rate is built from the dry actual-O2 output and the dry normal flow on the same conditions', () => {
    const cfg = compileConfig(benchConfig(5000));
    const flow = cfg.outputs[cfg.outIndex['flow.ndry']];
    const masses = cfg.outputs.filter((o) => o.kind === 'MASS');
    expect(masses.length).toBeGreaterThan(3);
    for (const m of masses) {
      const src = cfg.outputs[m.src];
      expect(src.kind).toBe('DRY');
      expect(() => checkMassBasis(src.basis, flow.basis)).not.toThrow();
    }
  });
});
