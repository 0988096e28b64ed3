// Fixed record inputs shared by the golden vectors and the benchmark loop: one installation with two analyzers and a
// 10-quantity hourly record. Non-integer values are ratios of integers (decimal literals parse differently on
// Espruino); the results are identical doubles on both platforms.
import { asciiBytes } from '../bytes';
import type { Sha256 } from '../ports';
import { availabilityBp, type Identity, type PeriodData, type QuantityData, type RecordBody, type TimeInfo } from './schema';
import type { Status } from '../sample';

export const FIXTURE_START_MS = 1767225600000; // 2026-01-01T00:00:00Z
export const HOUR_MS = 3600000;

export function fixtureIdentity(sha256: Sha256): Identity {
  return {
    device: { id: 'CEMS-DOM-0001', firmwareHash: sha256(asciiBytes('firmware bundle 0.1.0')), firmwareVersion: '0.1.0' },
    site: { facilityId: 'DE-TEST-FAC-01', installationId: 'DE-TEST-INST-07', stackId: 'STACK-1', monitoringLocationId: 'ML-1-PORT-A' },
  };
}

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
    monitoringPlanVersion: 'MP-2026-01',
  };
}

/** The body of the period record for fixture hour `hour` (counted from FIXTURE_START_MS), created 1 s after it ends. */
export function fixtureHourlyBody(hour: number, variant: number): RecordBody {
  const startMs = FIXTURE_START_MS + hour * HOUR_MS;
  return { time: fixtureTime(), createdMs: startMs + HOUR_MS + 1000, period: fixtureHourlyPeriod(startMs, variant), event: null };
}
