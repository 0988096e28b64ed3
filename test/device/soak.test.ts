// 48 simulated hours of the firmware on the real Espruino 2v29 interpreter with a fixed pool of 8,000 variables (a
// tight ESP32 budget once Wi-Fi, BLE and the TLS reserve are taken): acquisition from the virtual plant over a pty,
// the engine, hourly and daily closes, and HMAC record sealing, for the delivered 38-quantity plant and a 10-quantity
// one side by side, on accelerated time (faketime; the plant follows). Passes when nothing runs out of memory, no
// MEMORY / LOW_MEMORY error flag is ever raised, every hour is sealed into a verifiable chain, and memory does not grow
// from one day to the next. Figures are printed. SOAK_HOURS shortens the run for development (default 48).
import { afterAll, describe, expect, it } from 'vitest';
import { parseProbes, type ProbeSample } from '../../host-sim/espruino-linux/probe';
import { verifyRecords } from '../../host-sim/verifier/verify';
import { keyRingFrom } from '../../host-sim/verifier/capture';
import { decodeCose } from '../../protocol/record/cose';
import { decodeRecordPayload } from '../../protocol/record/schema';
import type { CollectedRecord } from '../../host-sim/record-collector';
import { deliveredPlant, smallPlant, soakPlan } from './plants';
import { fetchRecords, rigKeys, startRig, type Rig } from './rig';

const HOURS = Number(process.env.SOAK_HOURS ?? 48);
const SPEED = 100;
const SCAN_MS = 10000;
const HOUR = 3600000;
/** Records are fetched over the console this often (simulated): the firmware holds the newest 8 KB only. */
const FETCH_EVERY_MS = 20 * 60000;

interface Soak {
  name: string;
  kid: string;
  probes: ProbeSample[];
  records: CollectedRecord[];
  transcript: string;
  status: string;
  periodStarts: number[];
}

const rigs: Rig[] = [];

async function soak(name: string, config: ReturnType<typeof deliveredPlant>, seed: number): Promise<Soak> {
  // start just after an hour boundary so that HOURS full hours close
  const start = Math.floor(Date.now() / HOUR) * HOUR + HOUR + 30000;
  const rig = await startRig({ build: 'pool8k', config: soakPlan(config, SCAN_MS), speed: SPEED, startMs: start, probeEveryMs: HOUR, plantSeed: seed, deviceId: 'cems-soak-' + seed });
  rigs.push(rig);
  const records: CollectedRecord[] = [];
  const endReal = Date.now() + ((HOURS * HOUR + 3 * 60000) / SPEED);
  while (Date.now() < endReal) {
    await new Promise((r) => setTimeout(r, FETCH_EVERY_MS / SPEED));
    const got = await fetchRecords(rig.dev, records.length ? records[records.length - 1].seq : -1, 60000);
    for (const r of got) if (!records.length || r.seq > records[records.length - 1].seq) records.push(r);
  }
  const from = rig.dev.transcript().length;
  await rig.dev.command('status', /peak-sealing \d+/, 60000);
  const status = rig.dev.transcript().slice(from);
  const periodStarts: number[] = [];
  for (const r of records) {
    if (r.kind !== 'period') continue;
    const p = decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload).period!;
    if (periodStarts.indexOf(p.startMs) < 0) periodStarts.push(p.startMs);
  }
  return { name, kid: rig.kid, probes: parseProbes(rig.dev.transcript()), records, transcript: rig.dev.transcript(), status, periodStarts };
}

function usageOfDay(s: Soak, day: number): number[] {
  // probe times are interpreter ms since boot; one probe per simulated hour
  return s.probes.filter((p) => p.t >= (day * 24 + 1) * HOUR && p.t < ((day + 1) * 24 + 1) * HOUR).map((p) => p.used);
}

function report(s: Soak): string {
  // hourly probes, not the one taken in .boot0 before the firmware starts
  const used = s.probes.filter((p) => !p.boot).map((p) => p.used);
  const peak = /peak-sealing (\d+)/.exec(s.status);
  return s.name + ': ' + s.records.length + ' records, ' + s.periodStarts.length + ' hours; resident min ' + Math.min(...used) +
    ' max ' + Math.max(...used) + ' of ' + s.probes[0].total + '; peak while sealing ' + (peak ? peak[1] : '?');
}

afterAll(async () => {
  for (const r of rigs) await r.close();
});

describe('48 simulated hours on an 8,000-variable pool', () => {
  it('runs acquisition, the engine, period and day closes and sealing without running out of memory or growing', async () => {
    const runs = await Promise.all([soak('delivered plant (38 quantities)', deliveredPlant(), 1), soak('small plant (10 quantities)', smallPlant(), 2)]);
    for (const s of runs) {
      console.log(report(s));
      expect(s.transcript).not.toMatch(/OUT OF MEMORY|Uncaught|Execution Interrupted/);
      expect(s.probes.length).toBeGreaterThanOrEqual(HOURS);
      expect(s.probes.filter((p) => p.flags.indexOf('MEMORY') >= 0 || p.flags.indexOf('LOW_MEMORY') >= 0)).toEqual([]);
      expect(s.periodStarts.length).toBeGreaterThanOrEqual(HOURS);
      expect(s.records.map((r) => r.seq)).toEqual(s.records.map((_, i) => i));
      const verified = verifyRecords(s.records.map((x) => x.bytes), { keys: keyRingFrom(rigKeys(s.kid)) });
      expect(verified.results.flatMap((x) => x.findings.filter((f) => f.severity === 'error'))).toEqual([]);
      expect(verified.ok).toBe(true);
      if (HOURS >= 48) {
        const day1 = usageOfDay(s, 0);
        const day2 = usageOfDay(s, 1);
        // same hour of the day, same work: no growth from one day to the next beyond probe noise
        expect(Math.max(...day2)).toBeLessThanOrEqual(Math.max(...day1) + 32);
        expect(Math.min(...day2)).toBeLessThanOrEqual(Math.min(...day1) + 32);
      }
    }
  }, (HOURS * HOUR) / SPEED + 600000);
});
