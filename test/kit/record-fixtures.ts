// Fixed record inputs shared by the golden vectors, the benchmark loops and the record tests: one installation (the
// fixture identity; its plan is record-plan.ts), engine output for its hours, and a 10-quantity hourly record as data
// for the reference encoder and the verifier. Non-integer values are ratios of
// integers (decimal literals parse differently on Espruino); the results are identical doubles on both platforms.
import { asciiBytes } from '../../protocol/bytes';
import type { Sha256 } from '../../protocol/ports';
import { S } from '../../protocol/cems/codes';
import { EventCode, PR, SubstMethod, type EngineEvent, type EngineOutput, type Substitute } from '../../protocol/cems/engine';
import {
  availabilityBp,
  type Identity,
  type PeriodData,
  type QuantityData,
  type RecordBody,
  type SiteIdentity,
  type TimeInfo,
} from '../../protocol/record/schema';
import type { Status } from '../../protocol/sample';

export const FIXTURE_START_MS = 1767225600000; // 2026-01-01T00:00:00Z
export const HOUR_MS = 3600000;
export const FIXTURE_DEVICE_ID = 'CEMS-DOM-0001';
export const FIXTURE_PLAN_VERSION = 'MP-2026-01';

export function fixtureSite(): SiteIdentity {
  return { facilityId: 'DE-TEST-FAC-01', installationId: 'DE-TEST-INST-07', stackId: 'STACK-1', monitoringLocationId: 'ML-1-PORT-A' };
}

/** The firmware every fixture record names. */
export function fixtureFirmware(sha256: Sha256): { hash: Uint8Array; version: string } {
  return { hash: sha256(asciiBytes('firmware bundle 0.1.0')), version: '0.1.0' };
}

export function fixtureIdentity(sha256: Sha256): Identity {
  const fw = fixtureFirmware(sha256);
  return { device: { id: FIXTURE_DEVICE_ID, firmwareHash: fw.hash, firmwareVersion: fw.version }, site: fixtureSite() };
}

/** The clock as the fixture records report it: synchronized by NTP two minutes before the first hour, 37 ms back. */
export function fixtureTime(): TimeInfo {
  return { source: 'ntp', lastSyncMs: FIXTURE_START_MS - 120000, syncOffsetMs: -37 };
}

/** The 32-byte HMAC key of the golden vectors: bytes 0x00..0x1f. */
export function fixtureHmacKey(): Uint8Array {
  const k = new Uint8Array(32);
  for (let i = 0; i < 32; i++) k[i] = i;
  return k;
}

export const FIXTURE_HMAC_KID = 'CEMS-DOM-0001/hmac-1';

/**
 * Engine rows (PR fields) of a closed fixture hour for `nOut` outputs; `variant` shifts the values so hours differ.
 * Output 5 is an invalid hour (no value), the others are valid with a few minutes missing; the values cover every
 * float width the records use (float16, float32 and float64 exact).
 */
export function fixtureRows(nOut: number, variant: number): Float64Array {
  const rows = new Float64Array(nOut * PR.FIELDS);
  for (let o = 0; o < nOut; o++) {
    const r = o * PR.FIELDS;
    const missing = o % 5;
    const value = o % 3 === 0 ? (200 + o + 4 * variant) / 4 : (5000 + 53 * o + 100 * variant) / 100;
    const invalid = o === 5;
    rows[r + PR.RAW] = (4000 + 37 * o + 100 * variant) / 100;
    rows[r + PR.MEAN] = value;
    rows[r + PR.REPORTED] = invalid ? NaN : value;
    rows[r + PR.STATUS] = invalid ? S.INSUFFICIENT_DATA : S.VALID;
    rows[r + PR.CAUSE] = invalid ? S.CALIBRATION : -1;
    rows[r + PR.BITS] = o % 4 === 2 ? -1 : o % 4 === 1 ? 4 : 0;
    rows[r + PR.N_VALID] = 60 - missing;
    rows[r + PR.N_MINUTES] = 60;
    rows[r + PR.SAMPLES] = 1800 - 30 * missing;
    rows[r + PR.MIN] = value - 1;
    rows[r + PR.MAX] = value + 1;
    rows[r + PR.TOTAL] = invalid ? NaN : value;
  }
  return rows;
}

/** An MRR Eq. 4 substitute for output `out` over one hour. */
export function fixtureSubstitute(out: number, startMs: number, v: number): Substitute {
  return { out: out, startMs: startMs, periods: 1, v: v, method: SubstMethod.MRR_EQ4, code: 0, pma: NaN, gap: 1, basis: 12 };
}

/** Engine output that closes fixture hour `hour` (counted from FIXTURE_START_MS), with substitutes and events. */
export function fixtureHourOutput(nOut: number, hour: number, variant: number, subs: Substitute[], events: EngineEvent[]): EngineOutput {
  return { periods: [{ startMs: FIXTURE_START_MS + hour * HOUR_MS, rows: fixtureRows(nOut, variant) }], days: [], subs: subs, events: events };
}

/** The engine's event for fixture hours [fromHour, toHour) without any sample. */
export function fixtureNoData(fromHour: number, toHour: number): EngineEvent {
  return { kind: EventCode.NO_DATA, fromMs: FIXTURE_START_MS + fromHour * HOUR_MS, toMs: FIXTURE_START_MS + toHour * HOUR_MS, out: -1, detail: '' };
}

// ---- the same kind of hour as record data, for the reference encoder, the JSON rendition and the verifier ----

const EU_REF_T = 27315 / 100;
const EU_REF_P = 101325;

function q(
  id: string, analyzer: number, raw: number, rawUnit: string, corrected: number, unit: string, decimals: number,
  o2Ref: number | null, nValid: number, status: Status, method: string,
): QuantityData {
  return {
    id: id,
    analyzer: analyzer,
    raw: { value: raw, unit: rawUnit, basis: 'wet' },
    corrected: { value: corrected, unit: unit, basis: 'dry', tRefK: EU_REF_T, pRefPa: EU_REF_P, o2RefPct: o2Ref },
    decimals: decimals,
    calibrationId: analyzer >= 0 ? 'QAL2-2025-09-14-' + id : '',
    nValid: nValid,
    nTotal: 60,
    availabilityBp: availabilityBp(nValid, 60),
    validityRule: 'EU-IED-HOUR-2/3',
    status: status,
    native: { scheme: analyzer === 0 ? 'GM32' : 'MARSIC300', code: status === 'VALID' ? 0 : 8 },
    substitution: null,
    uncertainty: { value: corrected / 10, k: 2 },
    methodRef: method,
  };
}

/** A 10-quantity hourly period record starting at `startMs`; `variant` shifts the values so records differ. */
export function fixtureHourlyPeriod(startMs: number, variant: number): PeriodData {
  const v = variant;
  const quantities: QuantityData[] = [
    q('so2', 0, 4125 / 100 + v, 'mg/m3', 5217 / 100 + v, 'mg/Nm3', 2, 6, 60, 'VALID', 'EN14181:QAL2'),
    q('nox', 0, 11875 / 100 + v, 'mg/m3', 14733 / 100 + v, 'mg/Nm3', 2, 6, 58, 'VALID', 'EN14181:QAL2'),
    q('co', 1, 1733 / 100, 'mg/m3', 2101 / 100, 'mg/Nm3', 2, 6, 60, 'VALID', 'EN14181:QAL2'),
    q('dust', 1, 21 / 10, 'mg/m3', 27 / 10, 'mg/Nm3', 1, 6, 39, 'INSUFFICIENT_DATA', 'EN14181:QAL2'),
    q('o2', 1, 835 / 100, '%', 921 / 100, '%', 2, null, 60, 'VALID', 'EN14181:QAL2'),
    q('h2o', 1, 1142 / 100, '%', 1142 / 100, '%', 2, null, 60, 'VALID', 'EN14181:QAL2'),
    q('flow', 0, 18425, 'm3/h', 1523456 / 10, 'Nm3/h', 0, null, 60, 'VALID', 'EN16911-1'),
    q('temp', 0, 14237 / 100, 'degC', 14237 / 100, 'degC', 1, null, 60, 'VALID', 'EN14181:QAL2'),
    q('co2', 1, 1083 / 100, '%', 1187 / 100, '%', 2, null, 60, 'VALID', 'EN14181:QAL2'),
    q('co2_mass', -1, 3259 / 100, 't/h', 3259 / 100 + v, 't/h', 3, null, 60, 'VALID', 'EU-MRR-2018/2066:AnnexVIII-Eq1'),
  ];
  return {
    startMs: startMs,
    endMs: startMs + HOUR_MS,
    averagingS: 3600,
    analyzers: [
      { id: 'AN-1', serial: 'GM32-17350042', qal1Certificate: 'TUV 0000012345', model: 'SICK GM32' },
      { id: 'AN-2', serial: 'MARSIC-88123', qal1Certificate: 'MCERTS MC123456/07', model: 'SICK MARSIC300' },
    ],
    quantities: quantities,
    monitoringPlanVersion: FIXTURE_PLAN_VERSION,
  };
}

/** The body of the period record for fixture hour `hour` (counted from FIXTURE_START_MS), created 1 s after it ends. */
export function fixtureHourlyBody(hour: number, variant: number): RecordBody {
  const startMs = FIXTURE_START_MS + hour * HOUR_MS;
  return { time: fixtureTime(), createdMs: startMs + HOUR_MS + 1000, period: fixtureHourlyPeriod(startMs, variant), event: null };
}
