// Benchmark loop for a 10-channel stack (SO2, NO, NO2, CO, CO2, O2, H2O, dust, velocity, temperature; NOx derived),
// EU IED LCP profile, wet in-situ gases with measured moisture and O2 reference, flow and mass rates for every
// pollutant. Pure and deterministic: it runs unchanged in Node and in the Espruino-profile sandbox.
import { advance, PR, takeOutput } from '../../protocol/cems/engine';
import { channelsOf, engineOf } from './engine';
import { feedMinutes } from './sample-streams';
import { VECTOR_T0 } from './cems-vectors';

export const BENCH_CHANNELS = ['so2', 'no', 'no2', 'co', 'co2', 'o2', 'h2o', 'dust', 'vel', 'temp'];
const BENCH_VALUES = [120, 150, 10, 30, 11, 7, 12, 5, 15, 140];

export function benchConfig(scanIntervalMs: number): object {
  return {
    profile: 'EU_IED_LCP',
    sourceType: 'SOLID_FUEL',
    scanIntervalMs: scanIntervalMs,
    channels: [
      { id: 'so2', quantity: 'SO2', unit: 'ppm', water: 'WET', elvDaily: 200, calRangeMax: 400 },
      { id: 'no', quantity: 'NO', unit: 'ppm', water: 'WET', mass: false },
      { id: 'no2', quantity: 'NO2', unit: 'ppm', water: 'WET', mass: false },
      { id: 'nox', quantity: 'NOX', sumOf: ['no', 'no2'], water: 'WET', elvDaily: 200 },
      { id: 'co', quantity: 'CO', unit: 'ppm', water: 'WET', elvDaily: 250 },
      { id: 'co2', quantity: 'CO2', unit: 'pct', water: 'WET' },
      { id: 'o2', quantity: 'O2', unit: 'pct', water: 'WET' },
      { id: 'h2o', quantity: 'H2O', unit: 'pct' },
      { id: 'dust', quantity: 'DUST', unit: 'mg/m3', water: 'WET', actualConditions: true, elvDaily: 20 },
      { id: 'vel', quantity: 'VELOCITY', unit: 'm/s' },
      { id: 'temp', quantity: 'TEMPERATURE', unit: 'degC' },
    ],
    o2Channel: 'o2',
    moisture: { channel: 'h2o' },
    stack: { temperature: { channel: 'temp' }, staticPressure: { constant: -500 }, ambientPressure: { constant: 101325 } },
    flow: { velocity: 'vel', diameterM: 3, kv: '0.98' },
  };
}

/**
 * Processes n minutes of samples (perMinute per channel, default 12) including minute, hour and day closes, handing
 * over the output after every minute as a device would. Returns a checksum of the reported hourly values.
 */
export function processMinutes(n: number, perMinute?: number): number {
  const spm = perMinute === undefined ? 12 : perMinute;
  const k = engineOf(benchConfig(Math.floor(60000 / spm)));
  const e = k.e;
  const channels = channelsOf(k, BENCH_CHANNELS);
  let seed = 1;
  let check = 0;
  for (let m = 0; m < n; m++) {
    const t = VECTOR_T0 + m * 60000;
    seed = feedMinutes(e, channels, BENCH_VALUES, t, 1, spm, 100, 100, seed);
    advance(e, t + 60000 + k.cfg.closeDelayMs);
    const out = takeOutput(e);
    for (let i = 0; i < out.periods.length; i++) {
      const rows = out.periods[i].rows;
      for (let o = 0; o < e.nOut; o++) {
        const r = rows[o * PR.FIELDS + PR.REPORTED];
        if (!isNaN(r)) check += r;
      }
    }
  }
  return check;
}
