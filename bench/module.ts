// Record pipeline figures in Node for the delivered plant (test/module/scenario.ts: 11 Modbus channels every 2 s,
// EU IED LCP, 38 quantities an hour, HMAC): whole hours through RecordPipeline (samples/s, ms per simulated hour),
// the hourly record alone (build from engine output, split, seal through the chain), and the sizes of its parts.
import { compileConfig } from '../protocol/cems/config';
import { advance, createEngine, pushSample, takeOutput, type CemsOutput } from '../protocol/cems/engine';
import { buildPeriodRecords } from '../protocol/module/period-records';
import { splitPeriod } from '../protocol/module/period-split';
import { createRecordContext, type RecordContext } from '../protocol/module/record-context';
import { coseOverheadBytes, payloadBytes } from '../protocol/module/record-size';
import { RecordPipeline } from '../protocol/module/pipeline';
import { RecordChain } from '../protocol/record/chain';
import { MAX_RECORD_BYTES, type Identity, type PeriodData, type TimeInfo } from '../protocol/record/schema';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import {
  allValid,
  checkHour,
  feedPlant,
  HOUR,
  ManualClock,
  MemoryStore,
  PLANT_CHANNELS,
  plantConfig,
  scenarioFirmware,
  scenarioSigner,
  T0,
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

/** Runs `hours` plant hours through a booted pipeline; returns the host ms and the sealed record sizes. */
function pipelineHours(hours: number): { ms: number; samples: number; records: number[] } {
  const clock = new ManualClock(T0 - 1000);
  const records: number[] = [];
  const p = new RecordPipeline({
    config: plantConfig(PROFILE), signer: scenarioSigner(nodeSha256), sha256: nodeSha256, clock, store: new MemoryStore(),
    sink: (cose) => records.push(cose.length), firmware: scenarioFirmware(nodeSha256),
  });
  p.boot({ reason: 'power-on', persisted: null, journalTail: null });
  let samples = 0;
  let rnd = 1;
  const t0 = performance.now();
  for (let h = 0; h < hours; h++) {
    rnd = feedPlant(
      (s) => {
        clock.t = s.tMs;
        samples++;
        p.onSample(s);
      },
      (t) => {
        clock.t = t;
        p.tick(t);
      },
      T0 + h * HOUR, 60, rnd, checkHour,
    );
  }
  clock.t = T0 + hours * HOUR + CLOSE_DELAY_MS;
  p.tick(clock.t);
  const ms = performance.now() - t0;
  const st = p.status();
  if (st.periodsClosed !== hours || st.recordsSigned !== records.length || st.lastError !== '') {
    throw new Error('bench/module: pipeline run failed: ' + JSON.stringify(st));
  }
  return { ms, samples, records };
}

/** The engine output of one plant hour (what the pipeline turns into the hourly record). */
function hourOutput(stateOf: StateOf): CemsOutput {
  const engine = createEngine(compileConfig(plantConfig(PROFILE).emissions), null);
  feedPlant((s) => pushSample(engine, s), (t) => advance(engine, t), T0, 60, 1, stateOf);
  advance(engine, T0 + HOUR + CLOSE_DELAY_MS);
  const out = takeOutput(engine);
  if (out.periods.length === 0) throw new Error('bench/module: the hour did not close');
  return out;
}

/** Builds, splits and seals the hourly record from engine output, as the pipeline does; returns the sealed sizes. */
class HourlyRecord {
  private ctx: RecordContext;
  private chain: RecordChain;
  private identity: Identity;
  private time: TimeInfo = { source: 'ntp', lastSyncMs: 0, syncOffsetMs: 0 };
  private budget: number;

  constructor() {
    const cfg = plantConfig(PROFILE);
    this.ctx = createRecordContext(cfg, compileConfig(cfg.emissions));
    const s = scenarioSigner(nodeSha256);
    this.budget = MAX_RECORD_BYTES - coseOverheadBytes(s);
    this.identity = {
      device: { id: cfg.device.id, firmwareHash: scenarioFirmware(nodeSha256).hash, firmwareVersion: '0.1.0' },
      site: { facilityId: cfg.site.facilityId, installationId: cfg.site.installationId, stackId: cfg.site.stackId, monitoringLocationId: cfg.site.monitoringLocationId },
    };
    this.chain = new RecordChain({ sha256: nodeSha256, signer: s, identity: this.identity, store: new MemoryStore(), reserveBlock: 64 });
    this.chain.boot({ nowMs: T0, time: this.time, reason: 'power-on', persisted: null, journalTail: null }, () => {});
  }

  split(period: PeriodData): PeriodData[] {
    const createdMs = T0 + HOUR + CLOSE_DELAY_MS;
    return splitPeriod(period, this.budget, (p) => payloadBytes(this.identity, { time: this.time, createdMs, period: p, event: null }));
  }

  build(out: CemsOutput): PeriodData {
    return buildPeriodRecords(this.ctx, out.periods, out.substitutes)[0].period;
  }

  seal(out: CemsOutput): number[] {
    const sizes: number[] = [];
    for (const part of this.split(this.build(out))) {
      this.chain.append({ time: this.time, createdMs: T0 + HOUR + CLOSE_DELAY_MS, period: part, event: null }, (e, r) => {
        if (e) throw e;
        sizes.push(r!.length);
      });
    }
    return sizes;
  }

  wholePayload(out: CemsOutput): number {
    return payloadBytes(this.identity, { time: this.time, createdMs: T0 + HOUR, period: this.build(out), event: null });
  }
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
  pipelineHours(1); // warm-up
  const hours = 3;
  const run = pipelineHours(hours);
  const perHour = run.samples / hours;
  const check = hourOutput(checkHour);
  const valid = hourOutput(allValid);
  const rec = new HourlyRecord();
  const checkParts = rec.seal(check);
  const validParts = rec.seal(valid);
  const whole = msPerCall(() => rec.seal(check), 1000);
  const built = rec.build(check);
  const split = msPerCall(() => rec.split(built), 500);
  const build = msPerCall(() => rec.build(check), 500);
  const plant = PLANT_CHANNELS.length + ' channels every 2 s (' + perHour + ' samples/h), ' + built.quantities.length + ' quantities, ' + PROFILE + ', HMAC';
  return [
    { name: 'plant hour through RecordPipeline', value: run.ms / hours, unit: 'ms/simulated hour', note: plant + '; engine, status windows, records, chain' },
    { name: 'samples through RecordPipeline', value: run.samples / (run.ms / 1000), unit: 'samples/s', note: 'incl. the hourly close and sealing' },
    { name: 'hourly record build + split + seal (HMAC)', value: whole, unit: 'ms/hour', note: 'build ' + build.toFixed(3) + ' ms, split sizing ' + split.toFixed(3) + ' ms, the rest encode + seal of ' + checkParts.length + ' parts' },
    { name: 'hourly record parts, test hour (COSE_Mac0)', value: checkParts.reduce((a, b) => a + b, 0), unit: 'B', note: checkParts.join(' + ') + ' B; whole payload ' + rec.wholePayload(check) + ' B > ' + MAX_RECORD_BYTES },
    { name: 'hourly record parts, all-valid hour (COSE_Mac0)', value: validParts.reduce((a, b) => a + b, 0), unit: 'B', note: validParts.join(' + ') + ' B; whole payload ' + rec.wholePayload(valid) + ' B' },
    { name: 'records sealed per plant hour', value: (run.records.length - 1) / hours, unit: 'records/h', note: 'calibration and maintenance events + the hour in parts (after the reboot record)' },
  ];
}
