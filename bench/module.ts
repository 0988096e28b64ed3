// Record-side figures in Node for the delivered plant (test/module/scenario.ts: 11 Modbus channels every 2 s,
// EU IED LCP, 38 quantities an hour, HMAC), as the device runs it: whole hours through the records service (samples/s,
// ms per simulated hour), the hourly record alone (engine output -> period job -> parts -> sealed records), its split
// sizing, and the sizes of its parts.
import { PR, type EngineOutput } from '../protocol/cems/engine';
import { openPlan } from '../protocol/plan/reader';
import { Rec } from '../protocol/plan/format';
import { newWriter } from '../protocol/record/cbor-writer';
import { coseOverhead } from '../protocol/record/cose-seal';
import { planParts, recordPlan, writePeriodPayload, type PeriodJob } from '../protocol/record/period-record';
import { MAX_RECORD_BYTES, MAX_SEQ, type RecordHeader } from '../protocol/record/record-writer';
import { recordsBoot, recordsSigner, recordsTick, RS, type Records } from '../protocol/module/records';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { plantPlanBytes, Twin } from '../test/module/helpers';
import {
  allValid,
  checkHour,
  createPlantStack,
  feedPlant,
  HOUR,
  ManualClock,
  MemoryStore,
  PLANT_CHANNELS,
  pushPlantSample,
  scenarioSigner,
  T0,
  type PlantStack,
  type StateOf,
} from '../test/module/scenario';

interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const PROFILE = 'EU_IED_LCP';
const CLOSE_DELAY_MS = 6000;

/** A booted records service over the plant's plan, with a sink that keeps the record sizes. */
function plantStack(clock: ManualClock, sizes: number[]): PlantStack {
  const stack = createPlantStack(nodeSha256, openPlan(plantPlanBytes(PROFILE), nodeSha256), {
    clock,
    store: new MemoryStore(),
    sink: (cose) => sizes.push(cose.length),
    saveEngineState: null,
    maxQueue: 8,
  });
  recordsSigner(stack.svc, scenarioSigner(nodeSha256));
  recordsBoot(stack.svc, 'power-on', null, null, null);
  return stack;
}

function expectClean(svc: Records, what: string): void {
  if (svc.queue.length > 0 || svc.lastError !== '') throw new Error('bench/module: ' + what + ': ' + svc.lastError + ', ' + svc.queue.length + ' job(s) left');
}

/** Runs `hours` plant hours through a booted service; returns the host ms and the sealed record sizes. */
function serviceHours(hours: number): { ms: number; samples: number; records: number[] } {
  const clock = new ManualClock(T0 - 1000);
  const records: number[] = [];
  const stack = plantStack(clock, records);
  let samples = 0;
  let rnd = 1;
  const t0 = performance.now();
  for (let h = 0; h < hours; h++) {
    rnd = feedPlant(
      (s) => {
        clock.t = s.tMs;
        samples++;
        pushPlantSample(stack, s);
      },
      (t) => {
        clock.t = t;
        recordsTick(stack.svc, t);
      },
      T0 + h * HOUR, 60, rnd, checkHour,
    );
  }
  clock.t = T0 + hours * HOUR + CLOSE_DELAY_MS;
  recordsTick(stack.svc, clock.t);
  const ms = performance.now() - t0;
  expectClean(stack.svc, 'plant hours');
  if (stack.svc.st[RS.PERIODS_CLOSED] !== hours) throw new Error('bench/module: ' + stack.svc.st[RS.PERIODS_CLOSED] + ' hours closed, expected ' + hours);
  return { ms, samples, records };
}

/** The engine output of one plant hour (what the service turns into the hourly record). */
function hourOutput(stateOf: StateOf): EngineOutput {
  const twin = new Twin(PROFILE);
  twin.run(T0, 60, stateOf);
  return { periods: twin.periods, days: [], subs: [], events: [] };
}

/** Seals the hourly record of `out` through the service (as after the hour's close); returns the sealed sizes. */
function sealHour(stack: PlantStack, clock: ManualClock, sizes: number[], out: EngineOutput): number[] {
  const from = sizes.length;
  clock.t += HOUR;
  stack.engine.out = out;
  recordsTick(stack.svc, clock.t);
  expectClean(stack.svc, 'hourly record');
  return sizes.slice(from);
}

/** The seal module's period job for the hour, and the header it writes (largest sequence number). */
function periodParts(stack: PlantStack, out: EngineOutput): { job: () => PeriodJob; header: RecordHeader; budget: number } {
  const rp = recordPlan(stack.plan);
  const header: RecordHeader = {
    seq: MAX_SEQ, prev: new Uint8Array(32),
    deviceId: rp.frag.subarray(rp.rec[Rec.DEVICE_ID_AT], rp.rec[Rec.DEVICE_ID_AT] + rp.rec[Rec.DEVICE_ID_LEN]),
    site: rp.frag.subarray(rp.rec[Rec.SITE_AT], rp.rec[Rec.SITE_AT] + rp.rec[Rec.SITE_LEN]),
    firmwareHash: new Uint8Array(32), firmwareVersion: '0.1.0', timeSource: 2, lastSyncMs: 0, syncOffsetMs: 0, createdMs: T0 + HOUR + CLOSE_DELAY_MS,
  };
  const job = (): PeriodJob => ({ startMs: T0, periodMs: HOUR, rows: out.periods[0].rows, subs: [], list: [], parts: [], vals: null, subOf: [] });
  return { job, header, budget: MAX_RECORD_BYTES - coseOverhead(scenarioSigner(nodeSha256)) };
}

const BIG = new Uint8Array(4 * MAX_RECORD_BYTES);

/** Payload bytes of the whole hour as one record (what would not fit). */
function wholePayload(stack: PlantStack, out: EngineOutput): number {
  const p = periodParts(stack, out);
  const job = p.job();
  planParts(newWriter(BIG, 0), recordPlan(stack.plan), p.header, job, Number.MAX_SAFE_INTEGER);
  const w = newWriter(BIG, 0);
  writePeriodPayload(w, recordPlan(stack.plan), p.header, job, 0, job.list.length, 0, 1);
  return w.n;
}

/** Mean ms per call of `f` over about `ms` milliseconds (after a warm-up). */
function msPerCall(f: () => void, ms: number): number {
  for (let i = 0; i < 5; i++) f();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms && n < 100000) {
    f();
    n++;
  }
  return (performance.now() - t0) / n;
}

export function runBench(): Figure[] {
  serviceHours(1); // warm-up
  const hours = 3;
  const run = serviceHours(hours);
  const perHour = run.samples / hours;
  const check = hourOutput(checkHour);
  const valid = hourOutput(allValid);
  const clock = new ManualClock(T0 - 1000);
  const sizes: number[] = [];
  const stack = plantStack(clock, sizes);
  const checkParts = sealHour(stack, clock, sizes, check);
  const validParts = sealHour(stack, clock, sizes, valid);
  const whole = msPerCall(() => sealHour(stack, clock, sizes, check), 1000);
  const sizing = periodParts(stack, check);
  const rp = recordPlan(stack.plan);
  const split = msPerCall(() => planParts(newWriter(BIG, 0), rp, sizing.header, sizing.job(), sizing.budget), 500);
  const quantities = rp.nq;
  const plant = PLANT_CHANNELS.length + ' channels every 2 s (' + perHour + ' samples/h), ' + quantities + ' quantities, ' + PROFILE + ', HMAC';
  return [
    { name: 'plant hour through the records service', value: run.ms / hours, unit: 'ms/simulated hour', note: plant + '; engine, status windows, records, chain' },
    { name: 'samples through the records service', value: run.samples / (run.ms / 1000), unit: 'samples/s', note: 'incl. the hourly close and sealing' },
    { name: 'hourly record: engine output -> sealed parts (HMAC)', value: whole, unit: 'ms/hour', note: 'split sizing ' + split.toFixed(3) + ' ms, the rest writing and sealing ' + checkParts.length + ' parts' },
    { name: 'hourly record parts, test hour (COSE_Mac0)', value: checkParts.reduce((a, b) => a + b, 0), unit: 'B', note: checkParts.join(' + ') + ' B; whole payload ' + wholePayload(stack, check) + ' B > ' + MAX_RECORD_BYTES },
    { name: 'hourly record parts, all-valid hour (COSE_Mac0)', value: validParts.reduce((a, b) => a + b, 0), unit: 'B', note: validParts.join(' + ') + ' B; whole payload ' + wholePayload(stack, valid) + ' B' },
    { name: 'records sealed per plant hour', value: (run.records.length - 1) / hours, unit: 'records/h', note: 'calibration and maintenance events + the hour in parts (after the reboot record)' },
    { name: 'period rows per hour held by a queued period job', value: check.periods[0].rows.length * 8, unit: 'B', note: 'Float64Array, ' + PR.FIELDS + ' fields per output' },
  ];
}
