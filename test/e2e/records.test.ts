// The whole module in the simulator: dist/firmware.js polls the virtual plant, runs the emissions engine, and seals
// hourly records signed by the ATECC608 (emulated on I2C1). Records leave through the technician console, as a
// verifier or technician would fetch them, and are checked by the host verifier and by the independent Python one.
import { describe, expect, it } from 'vitest';
import { startModuleSim, type ModuleSim } from '../../host-sim/module-sim';
import { VirtualTime } from '../../host-sim/espruino/time';
import { RecordCollector, type CollectedRecord } from '../../host-sim/record-collector';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import { decodeChainState } from '../../protocol/record/chain-state';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { runPythonVerifier } from '../interop/records/python-verifier';

const START = Date.UTC(2026, 8, 1, 9, 50);
const MINUTE = 60000;

interface Run {
  sim: ModuleSim;
  time: VirtualTime;
  collector: RecordCollector;
  console: string;
}

function advance(r: Run, minutes: number, pollMinutes: number): void {
  for (let m = 0; m < minutes; m += pollMinutes) {
    r.time.advance(pollMinutes * MINUTE);
    r.collector.request();
    r.time.advance(200);
  }
}

function run(minutes: number, pollMinutes: number): Run {
  const time = new VirtualTime(START);
  const sim = startModuleSim({ time, seed: 11 });
  const r: Run = { sim, time, collector: new RecordCollector(sim.machine, (t) => (r.console += t)), console: '' };
  advance(r, minutes, pollMinutes);
  return r;
}

function payloads(records: CollectedRecord[]) {
  return records.map((r) => decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload));
}

describe('records from the simulated module', () => {
  const twoHours = run(135, 5);
  const records = twoHours.collector.records();

  it('seals a reboot record and hourly period records with every quantity, signed ES256 by the secure element', () => {
    expect(twoHours.sim.machine.uncaught).toEqual([]);
    expect(records[0]).toMatchObject({ seq: 0, kind: 'reboot' });
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
    const decoded = payloads(records);
    const periods = decoded.filter((p) => p.period !== null).map((p) => p.period!);
    const starts = [...new Set(periods.map((p) => p.startMs))].sort((a, b) => a - b);
    // Powered on at 09:50: the 09:00 hour closes with 10 minutes of data, then two full hours.
    expect(starts).toEqual([9, 10, 11].map((h) => Date.UTC(2026, 8, 1, h)));
    const hour9 = periods.filter((p) => p.startMs === Date.UTC(2026, 8, 1, 9)).flatMap((p) => p.quantities);
    expect(hour9.find((q) => q.id === 'so2.ref')!.status).toBe('INSUFFICIENT_DATA');
    const hour10 = periods.filter((p) => p.startMs === Date.UTC(2026, 8, 1, 10));
    const ids = hour10.flatMap((p) => p.quantities.map((q) => q.id));
    for (const id of ['so2', 'so2.dry', 'so2.ref', 'so2.mass', 'nox.ref', 'co.ref', 'dust.ref', 'co2', 'o2', 'flow.ndry']) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of hour10) expect(p.analyzers.map((a) => a.id).sort()).toEqual(['gm32', 'stack', 'xstream']);
    expect(hour10.flatMap((p) => p.quantities).find((q) => q.id === 'so2.ref')!.status).toBe('VALID');
    for (const r of records) expect(decodeCose(r.bytes, { requireTag: true }).alg).toBe(-7);
  });

  it('verifies with the host verifier: signatures, chain, sequence, schema, recomputed availability', () => {
    const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom(twoHours.sim.verifierKeys) });
    const errors = report.results.flatMap((r) => r.findings.filter((f) => f.severity === 'error'));
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.firstSeq).toBe(0);
    expect(report.lastSeq).toBe(records.length - 1);
  });

  it('verifies with the independent Python verifier (cbor2 + cryptography)', () => {
    const py = runPythonVerifier(records.map((r) => r.bytes), twoHours.sim.verifierKeys);
    expect(py.status).toBe(0);
    expect(py.records).toHaveLength(records.length);
    for (const r of py.records) {
      expect(r.auth).toBe(true);
      expect(r.canonical).toBe(true);
    }
  });

  it('a tampered record fails both verifiers', () => {
    const tampered = records.map((r) => r.bytes.slice());
    const victim = tampered[2];
    victim[Math.floor(victim.length / 2)] ^= 1;
    expect(verifyRecords(tampered, { keys: keyRingFrom(twoHours.sim.verifierKeys) }).ok).toBe(false);
    expect(runPythonVerifier(tampered, twoHours.sim.verifierKeys).status).toBe(1);
  });

  it('records a calibration window of the GM32 as an event with the analyzer named', () => {
    const events = payloads(records).filter((p) => p.event !== null).map((p) => p.event!);
    const calibration = events.find((e) => e.kind === 'calibration');
    expect(calibration).toBeDefined();
    expect(JSON.stringify(calibration)).toContain('gm32');
  });
});

describe('a restart resumes from what the module keeps in Storage', () => {
  const r = run(135, 5);
  const storage = r.sim.machine.storage;
  const before = r.collector.records();
  const filesBefore = storage.list().sort();
  const slot = storage.hostRead('cems.seq0');
  const state = slot ? decodeChainState(slot, nodeSha256) : null;
  r.sim.machine.reboot();
  advance(r, 70, 5);
  const mark = r.sim.technician.send('pipeline');
  r.time.advance(300);
  const pipeline = r.sim.technician.since(mark);
  const all = r.collector.records();
  const after = all.slice(before.length);

  it('keeps the chain state and the engine snapshot next to the firmware files, and runs the embedded default plan', () => {
    expect(filesBefore).toEqual(['.bootcde', 'cems.close', 'cems.cmd', 'cems.dflt', 'cems.eng', 'cems.se', 'cems.seal', 'cems.seq0']);
    expect(state).not.toBeNull();
    // The sequence numbers up to reservedSeq were reserved by one write; every record sealed lies within them.
    expect(state!.reservedSeq).toBeGreaterThanOrEqual(before[before.length - 1].seq);
    expect(state!.bootCount).toBe(1);
    expect(pipeline).toMatch(/^plan embedded default [0-9a-f]{16}\r?$/m);
  });

  it('continues the sequence past the reservation, declares the unpersisted range, and restores the engine', () => {
    expect(r.sim.machine.uncaught).toEqual([]);
    expect(pipeline).toContain('engine-restored true');
    const decoded = payloads(after);
    expect(after.map((x) => x.kind).slice(0, 2)).toEqual(['gap', 'reboot']);
    expect(after[0].seq).toBe(state!.reservedSeq + 1);
    expect(decoded[0].event!.detail).toMatchObject({ reason: 'unpersisted-seq', firstSeq: state!.lastSeq + 1, lastSeq: state!.reservedSeq });
    expect(decoded[1].event!.detail).toMatchObject({ bootCount: 2, resumedFrom: 'state' });
    expect(all.map((x) => x.seq)).toEqual([...all.map((x) => x.seq)].sort((a, b) => a - b));
    // The hour in progress at the restart is still sealed.
    expect(decoded.some((p) => p.period?.startMs === Date.UTC(2026, 8, 1, 12))).toBe(true);
  });

  it('verifies across the restart: no error, the new branch of the chain reported as such', () => {
    const report = verifyRecords(all.map((x) => x.bytes), { keys: keyRingFrom(r.sim.verifierKeys) });
    expect(report.results.flatMap((x) => x.findings.filter((f) => f.severity === 'error'))).toEqual([]);
    expect(report.ok).toBe(true);
    const warnings = report.results.flatMap((x) => x.findings.filter((f) => f.severity === 'warning').map((f) => f.code));
    expect(warnings).toEqual(['CHAIN_BRANCH']);
  });
});
