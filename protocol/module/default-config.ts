// The configuration the firmware runs when no site plan is provisioned (compiled into Storage `cems.dflt`), and the one the simulator reproduces: the
// delivered stack (default-modbus.ts) as a 100-300 MWth solid-fuel boiler under the EU IED (Annex V, hourly values,
// reference O2 6 %), with CO2 mass for emissions trading. Identities say DEFAULT, so that records made before
// provisioning cannot be taken for a site's. defaultConfigFor() gives the same plant under other jurisdictions.
// Decimals are strings (see config.ts): this object must read the same as its JSON text does on the device.

import type { ChannelInput, CemsConfigInput, Num } from '../cems/config-types';
import type { ModuleConfig } from './config-types';
import { MODULE_CONFIG_VERSION } from './config-types';
import { DEFAULT_MODBUS, DEFAULT_SCAN_INTERVAL_MS } from './default-modbus';

export type DefaultJurisdiction = 'EU_IED_LCP' | 'EU_MRR' | 'US_P75' | 'CN_HJ' | 'KR_TMS';

export const DEFAULT_JURISDICTIONS: DefaultJurisdiction[] = ['EU_IED_LCP', 'EU_MRR', 'US_P75', 'CN_HJ', 'KR_TMS'];

/** What changes with the jurisdiction: the engine profile, the O2 reference, limits and Part 75 maximum values. */
interface Variant {
  profile: string;
  /** '' when the profile needs none. */
  sourceType: string;
  /** Reference O2 % where the profile leaves it to the installation; null: from the source type, or none. */
  o2RefPct: Num | null;
  /** Daily ELV at reference conditions and O2, by channel id (mg/m3). */
  elvDaily: { [channel: string]: Num };
  /** Part 75 maximum potential concentration by channel id, in the unit of the channel's dry output. */
  mpc: { [channel: string]: Num };
}

const VARIANTS: { [j in DefaultJurisdiction]: Variant } = {
  // Directive 2010/75/EU Annex V Part 2, solid fuels 100-300 MWth: SO2 200, NOx 200, dust 20 mg/Nm3 at 6 % O2;
  // CO 200 mg/Nm3 from the permit (Annex V sets no CO limit for solid fuels).
  EU_IED_LCP: {
    profile: 'EU_IED_LCP',
    sourceType: 'SOLID_FUEL',
    o2RefPct: null,
    elvDaily: { so2: 200, nox: 200, co: 200, dust: 20 },
    mpc: {},
  },
  // Regulation (EU) 2018/2066, measurement-based CO2: no ELVs; concentrations still reported at 6 % O2.
  EU_MRR: { profile: 'EU_MRR', sourceType: '', o2RefPct: 6, elvDaily: {}, mpc: {} },
  // 40 CFR Part 75 coal-fired boiler. MPCs (Appendix A 2.1) in mg/m3 at 20 degC (SO2 2000 ppm, NOx 800 ppm as NO2,
  // NO 750 ppm, NO2 50 ppm, CO 500 ppm) and 14 % CO2; the engine asks one for every concentration it may substitute.
  US_P75: {
    profile: 'US_P75',
    sourceType: 'BOILER',
    o2RefPct: null,
    elvDaily: {},
    mpc: { so2: 5330, no: 940, no2: 100, nox: 1530, co2: 14, co: 600, dust: 200 },
  },
  // HJ 75/76-2017 coal-fired boiler (6 % O2) with the ultra-low emission limits: SO2 35, NOx 50, dust 10 mg/m3.
  CN_HJ: { profile: 'CN_HJ', sourceType: 'COAL_BOILER', o2RefPct: null, elvDaily: { so2: 35, nox: 50, dust: 10 }, mpc: {} },
  // Korea TMS, coal boiler at 6 % O2; limits are set in ppm by permit and are not configured here.
  KR_TMS: { profile: 'KR_TMS', sourceType: '', o2RefPct: 6, elvDaily: {}, mpc: {} },
};

function qal2(id: string, date: string, a: Num, b: Num): { id: string; date: string; a: Num; b: Num } {
  return { id: id, date: date, a: a, b: b };
}

/** The stack's channels, ids as in DEFAULT_MODBUS (nox is derived). */
function plantChannels(): ChannelInput[] {
  return [
    // SICK GM32, in situ: wet ppm.
    {
      id: 'so2',
      quantity: 'SO2',
      unit: 'ppm',
      water: 'WET',
      rangeMax: 1000,
      calibration: qal2('QAL2-2025-011', '2025-04-08', '1.2', '1.031'),
    },
    {
      id: 'no',
      quantity: 'NO',
      unit: 'ppm',
      water: 'WET',
      rangeMax: 1000,
      mass: false,
      calibration: qal2('QAL2-2025-012', '2025-04-08', '0.8', '0.987'),
    },
    {
      id: 'no2',
      quantity: 'NO2',
      unit: 'ppm',
      water: 'WET',
      rangeMax: 200,
      mass: false,
      calibration: qal2('QAL2-2025-013', '2025-04-08', 0, '1.015'),
    },
    { id: 'nox', quantity: 'NOX', unit: 'ppm', water: 'WET', sumOf: ['no', 'no2'] },
    // Emerson X-STREAM, extractive with sample cooler: dry.
    {
      id: 'co2',
      quantity: 'CO2',
      unit: 'pct',
      water: 'DRY',
      rangeMax: 25,
      calibration: qal2('QAL2-2025-014', '2025-04-09', '0.05', '0.996'),
    },
    {
      id: 'o2',
      quantity: 'O2',
      unit: 'pct',
      water: 'DRY',
      rangeMax: 25,
      calibration: qal2('QAL2-2025-015', '2025-04-09', '0.1', '0.992'),
    },
    {
      id: 'co',
      quantity: 'CO',
      unit: 'ppm',
      water: 'DRY',
      rangeMax: 500,
      calibration: qal2('QAL2-2025-016', '2025-04-09', '0.6', '1.024'),
    },
    // Stack-conditions gateway: velocity (EN 16911-2 calibration), T, P, moisture, in-situ dust at stack conditions.
    {
      id: 'velocity',
      quantity: 'VELOCITY',
      unit: 'm/s',
      calibration: qal2('QAL2-2025-017', '2025-04-10', 0, '0.962'),
    },
    { id: 'temperature', quantity: 'TEMPERATURE', unit: 'degC' },
    { id: 'static_pressure', quantity: 'STATIC_PRESSURE', unit: 'Pa' },
    {
      id: 'moisture',
      quantity: 'H2O',
      unit: 'pct',
      calibration: qal2('QAL2-2025-018', '2025-04-10', '0.3', '0.978'),
    },
    {
      id: 'dust',
      quantity: 'DUST',
      unit: 'mg/m3',
      water: 'WET',
      actualConditions: true,
      rangeMax: 200,
      calibration: qal2('QAL2-2025-019', '2025-04-10', '0.4', '1.86'),
    },
  ];
}

function plantEmissions(v: Variant): CemsConfigInput {
  const channels = plantChannels();
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[i];
    if (v.elvDaily[ch.id] !== undefined) ch.elvDaily = v.elvDaily[ch.id];
    if (v.mpc[ch.id] !== undefined) ch.mpc = v.mpc[ch.id];
  }
  // Built field by field so that the JSON text lists them in reading order.
  const e = { profile: v.profile } as CemsConfigInput;
  if (v.sourceType !== '') e.sourceType = v.sourceType;
  if (v.o2RefPct !== null) e.o2RefPct = v.o2RefPct;
  e.scanIntervalMs = DEFAULT_SCAN_INTERVAL_MS;
  e.channels = channels;
  e.o2Channel = 'o2';
  e.moisture = { channel: 'moisture' };
  // No barometer on this stack: ambient pressure is the standard atmosphere.
  e.stack = {
    temperature: { channel: 'temperature' },
    staticPressure: { channel: 'static_pressure' },
    ambientPressure: { constant: 101325 },
  };
  e.flow = { velocity: 'velocity', diameterM: '3.0' };
  return e;
}

/** The default plant under one of the jurisdictions; each variant passes validateModuleConfig. */
export function defaultConfigFor(jurisdiction: DefaultJurisdiction): ModuleConfig {
  return {
    version: MODULE_CONFIG_VERSION,
    device: { id: 'cems-default' },
    site: {
      facilityId: 'DEFAULT-FACILITY',
      installationId: 'DEFAULT-INSTALLATION',
      stackId: 'DEFAULT-STACK-1',
      monitoringLocationId: 'DEFAULT-ML-1',
      monitoringPlanVersion: 'DEFAULT-1',
    },
    analyzers: [
      { device: 'gm32', model: 'SICK GM32', serial: 'DEFAULT-SN-GM32', qal1Certificate: 'DEFAULT-QAL1-GM32' },
      {
        device: 'xstream',
        model: 'Emerson Rosemount X-STREAM XE',
        serial: 'DEFAULT-SN-XSTREAM',
        qal1Certificate: 'DEFAULT-QAL1-XSTREAM',
      },
      {
        device: 'stack',
        model: 'stack-conditions gateway (velocity, T, P, H2O, dust)',
        serial: 'DEFAULT-SN-STACK',
        qal1Certificate: 'DEFAULT-QAL1-STACK',
      },
    ],
    modbus: DEFAULT_MODBUS,
    emissions: plantEmissions(VARIANTS[jurisdiction]),
    records: {
      signer: 'atecc608',
      atecc608: { bus: 'I2C1', scl: 22, sda: 21, address: 0x60, slot: 0, gpioWake: false },
      timeSource: 'ntp',
    },
  };
}

export const DEFAULT_CONFIG: ModuleConfig = defaultConfigFor('EU_IED_LCP');
