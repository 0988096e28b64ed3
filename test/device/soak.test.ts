// 48 simulated hours of the firmware on the real Espruino 2v29 interpreter with a fixed pool of 8,000 variables (a
// tight ESP32 budget once Wi-Fi, BLE and the TLS reserve are taken): acquisition from the virtual plant over a pty,
// the engine, hourly and daily closes, and HMAC record sealing, for the delivered 38-quantity plant and a 10-quantity
// one side by side, on accelerated time (faketime; the plant follows). Passes when nothing runs out of memory, no
// MEMORY / LOW_MEMORY error flag is ever raised, every hour is sealed into a verifiable chain, and memory does not grow
// from one day to the next (the firmware's own account after a collection, taken every 20 simulated minutes, without
// the bounded buffer of records held for the console). Figures are printed. SOAK_HOURS shortens the run for development (default 48).
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

/** The firmware's own memory account at one moment (console `status`, after a collection). */
interface Account {
  uptimeMs: number;
  used: number;
  /** Blocks of the sealed records held for the console: a bounded buffer (8 KB) whose block count follows the sizes
   *  of the newest records, so it is taken out before days are compared. */
  held: number;
  queued: number;
}

interface Soak {
  name: string;
  kid: string;
  probes: ProbeSample[];
  accounts: Account[];
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
  const accounts: Account[] = [];
  const endReal = Date.now() + ((HOURS * HOUR + 3 * 60000) / SPEED);
  while (Date.now() < endReal) {
    await new Promise((r) => setTimeout(r, FETCH_EVERY_MS / SPEED));
    const got = await fetchRecords(rig.dev, records.length ? records[records.length - 1].seq : -1, 60000);
    for (const r of got) if (!records.length || r.seq > records[records.length - 1].seq) records.push(r);
    accounts.push(await account(rig));
  }
  const from = rig.dev.transcript().length;
  await rig.dev.command('status', /peak-sealing \d+\r?\n/, 60000);
  const status = rig.dev.transcript().slice(from);
  const periodStarts: number[] = [];
  for (const r of records) {
    if (r.kind !== 'period') continue;
    const p = decodeRecordPayload(decodeCose(r.bytes, { requireTag: true }).payload).period!;
    if (periodStarts.indexOf(p.startMs) < 0) periodStarts.push(p.startMs);
  }
  return { name, kid: rig.kid, probes: parseProbes(rig.dev.transcript()), accounts, records, transcript: rig.dev.transcript(), status, periodStarts };
}

async function account(rig: Rig): Promise<Account> {
  const from = rig.dev.transcript().length;
  await rig.dev.command('status', /memory-state[^\n]*\n/, 60000);
  const text = rig.dev.transcript().slice(from);
  const num = (re: RegExp): number => Number(re.exec(text)![1]);
  return { uptimeMs: num(/uptime-s (\d+)/) * 1000, used: num(/memory-blocks used (\d+)/), held: num(/held-records (\d+)/), queued: num(/ queue (\d+)/) };
}

/** Memory in use apart from the held records, at the moments of `day` (from the first hour on) when nothing was
 *  being sealed. */
function usageOfDay(s: Soak, day: number): number[] {
  return s.accounts
    .filter((a) => a.queued === 0 && a.uptimeMs >= (day * 24 + 1) * HOUR && a.uptimeMs < ((day + 1) * 24 + 1) * HOUR)
    .map((a) => a.used - a.held);
}

function report(s: Soak): string {
  // hourly probes, not the one taken in .boot0 before the firmware starts
  const used = s.probes.filter((p) => !p.boot).map((p) => p.used);
  const peak = /peak-sealing (\d+)/.exec(s.status);
  const day = (d: number): string => {
    const u = usageOfDay(s, d);
    return u.length ? Math.min(...u) + '..' + Math.max(...u) : '-';
  };
  return s.name + ': ' + s.records.length + ' records, ' + s.periodStarts.length + ' hours; resident min ' + Math.min(...used) +
    ' max ' + Math.max(...used) + ' of ' + s.probes[0].total + '; peak while sealing ' + (peak ? peak[1] : '?') +
    '; without the held records (at most ' + Math.max(...s.accounts.map((a) => a.held)) + ' blocks), day 1 ' + day(0) + ', day 2 ' + day(1);
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
      // the held records stay within their 8 KB (in blocks: 8 KB of 17-byte blocks, with headers)
      expect(Math.max(...s.accounts.map((a) => a.held))).toBeLessThanOrEqual(600);
      if (HOURS >= 48) {
        const day1 = usageOfDay(s, 0);
        const day2 = usageOfDay(s, 1);
        expect(day1.length).toBeGreaterThan(24);
        expect(day2.length).toBeGreaterThan(24);
        // the same work every day: no growth from one day to the next, nor across the second day (what the first
        // day close allocates once for good, e.g. day accumulators first written, is part of day 1's range)
        expect(Math.max(...day2)).toBeLessThanOrEqual(Math.max(...day1) + 16);
        expect(day2[day2.length - 1]).toBeLessThanOrEqual(day2[0] + 16);
      }
    }
  }, (HOURS * HOUR) / SPEED + 600000);
});
