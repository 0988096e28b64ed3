// The firmware on the real Espruino 2v29 interpreter (the fixed 16,383-variable pool an ESP32 can have at most),
// booted from its Storage files as a device boots, provisioned with the delivered plant (HMAC key, RS-485 on a pty),
// polling the virtual analyzers over that pty. Time runs 30 times faster (faketime; the plant follows) from just
// before an hour boundary, so an hourly period closes within a minute: readings are valid, records are sealed,
// fetched over the technician console and verified by the host verifier and the independent Python verifier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRecords, rigKeys, startRig, type Rig } from './rig';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { runPythonVerifier } from '../interop/records/python-verifier';
import type { CollectedRecord } from '../../host-sim/record-collector';

const SPEED = 30;
const HOUR = 3600000;
/** Device and plant start 3 minutes before an hour boundary. */
const START = Math.floor(Date.now() / HOUR) * HOUR + HOUR - 3 * 60000;

let rig: Rig;
let records: CollectedRecord[] = [];
let readings = '';

beforeAll(async () => {
  rig = await startRig({ build: 'pool16k', speed: SPEED, startMs: START });
  // the 3 minutes before the boundary, the close delay and the sealing: about 7 s of real time
  await rig.dev.waitFor(/cems> /, 5000);
  await new Promise((r) => setTimeout(r, (4 * 60000) / SPEED + 2000));
  const from = rig.dev.transcript().length;
  await rig.dev.command('readings', /channels valid/, 20000);
  readings = rig.dev.transcript().slice(from);
  records = await fetchRecords(rig.dev, -1);
}, 120000);

afterAll(async () => {
  if (rig) await rig.close();
});

describe('the firmware on the real interpreter against the virtual plant', () => {
  it('reads every channel of the plant as a valid measurement', () => {
    expect(readings).toMatch(/11 of 11 channels valid/);
    expect(rig.dev.transcript()).not.toMatch(/Uncaught|OUT OF MEMORY|LOW_MEMORY/);
  });

  it('seals a reboot record and the hourly period record (in parts), which both verifiers accept', async () => {
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    expect(records[0].kind).toBe('reboot');
    const periods = records.filter((r) => r.kind === 'period');
    expect(periods.length).toBeGreaterThanOrEqual(2);
    const decoded = periods.map((r) => decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload));
    expect(decoded.every((d) => d.period!.startMs === START + 3 * 60000 - HOUR)).toBe(true);
    const ids = decoded.flatMap((d) => d.period!.quantities.map((q) => q.id));
    for (const id of ['so2', 'so2.ref', 'so2.mass', 'nox.ref', 'co.ref', 'dust.ref', 'co2', 'o2', 'flow.ndry']) expect(ids).toContain(id);
    const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom(rigKeys(rig.kid)) });
    expect(report.results.flatMap((r) => r.findings.filter((f) => f.severity === 'error'))).toEqual([]);
    expect(report.ok).toBe(true);
    const python = runPythonVerifier(records.map((r) => r.bytes), rigKeys(rig.kid));
    expect(python.status).toBe(0);
    expect(python.records.every((r) => r.auth && r.canonical && !r.error)).toBe(true);
  });
});
