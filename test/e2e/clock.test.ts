// An ESP32 powered up without network time starts at 1970. The module acquires and shows readings, but seals no
// record until the clock is set (here by the technician's `time` command); then records carry the real time.
import { describe, expect, it } from 'vitest';
import { startModuleSim } from '../../host-sim/module-sim';
import { VirtualTime } from '../../host-sim/espruino/time';
import { RecordCollector } from '../../host-sim/record-collector';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';

const MINUTE = 60000;

describe('records wait for a set clock', () => {
  const time = new VirtualTime(Date.UTC(2026, 8, 1, 9, 50));
  const boot: string[] = [];
  const sim = startModuleSim({ time, seed: 4, clockUnset: true }, (t) => boot.push(t));
  const collector = new RecordCollector(sim.machine, () => undefined);

  function command(line: string): string {
    const mark = sim.technician.send(line);
    time.advance(50);
    return sim.technician.since(mark);
  }

  it('acquires but seals nothing while the clock reads 1970', () => {
    time.advance(10 * MINUTE);
    const text = boot.join('');
    expect(text).toContain('plan: embedded default');
    expect(text).toContain('records: clock not set; sealing waits for the time (console: time <UTC ISO 8601>)');
    expect(command('readings')).toContain('11 of 11 channels valid');
    const pipeline = command('pipeline');
    expect(pipeline).toContain('records wait for the clock (console: time <UTC ISO 8601>)');
    // Every sample of the ten minutes was counted as arriving before the clock; none reached the engine.
    const counts = /samples (\d+) before-clock (\d+) periods 0 /.exec(pipeline);
    expect(counts).not.toBeNull();
    expect(Number(counts![1])).toBe(0);
    expect(Number(counts![2])).toBeGreaterThan(1000);
    expect(pipeline).toContain('record jobs 0 records signed 0 queued 0');
    expect(command('records')).toContain('0 record(s) shown, 0 sealed since boot');
    expect(command('time')).toMatch(/time 1970-01-01T00:1\d:[\d.]+Z \(not set: records wait for the time\)/);
  });

  it('refuses a time that is not UTC ISO 8601', () => {
    expect(command('time tomorrow')).toContain('ERROR expected a UTC time');
    expect(command('time 2026-09-01T10:00:00')).toContain('ERROR expected a UTC time');
  });

  it('seals verifiable records with real timestamps once the time is set', () => {
    const set = command('time 2026-09-01T09:58:00Z');
    expect(set).toContain('time 2026-09-01T09:58:00');
    expect(set).not.toContain('not set');
    for (let m = 0; m < 70; m += 5) {
      time.advance(5 * MINUTE);
      collector.request();
      time.advance(200);
    }
    const records = collector.records();
    expect(records.length).toBeGreaterThanOrEqual(3);
    const payloads = records.map((r) => decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload));
    for (const p of payloads) expect(p.createdMs).toBeGreaterThan(Date.UTC(2026, 8, 1, 9, 57));
    expect(payloads.some((p) => p.period?.startMs === Date.UTC(2026, 8, 1, 10))).toBe(true);
    // The records say where their time came from: set by hand at 09:58, not NTP.
    const hour = payloads.find((p) => p.period?.startMs === Date.UTC(2026, 8, 1, 10))!;
    expect(hour.time.source).toBe('manual');
    expect(Math.abs(hour.time.lastSyncMs - Date.UTC(2026, 8, 1, 9, 58))).toBeLessThan(1000);
    expect(payloads.some((p) => p.event?.kind === 'time-set')).toBe(true);
    const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom(sim.verifierKeys) });
    expect(report.ok).toBe(true);
    expect(sim.machine.uncaught).toEqual([]);
  });
});
