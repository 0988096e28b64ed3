// Emissions engine: cost of processing one minute of samples for a 10-channel stack in Node (sample intake, minute
// pipeline, hourly and daily closes, output hand-over), at 12 and at 60 samples per minute per channel. The same loop
// (test/kit/cems-bench.ts processMinutes) runs unchanged in the Espruino-profile sandbox.
import { BENCH_CHANNELS, benchConfig, processMinutes } from '../test/kit/cems-bench';
import { engineOf } from '../test/kit/engine';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function usPerMinute(perMinute: number): number {
  processMinutes(120, perMinute); // warm-up
  const minutes = 2880; // two days: 48 hourly and 2 daily closes
  const t0 = process.hrtime.bigint();
  processMinutes(minutes, perMinute);
  return Number(process.hrtime.bigint() - t0) / 1000 / minutes;
}

export function runBench(): BenchResult[] {
  const outputs = engineOf(benchConfig(5000)).e.nOut;
  const stack = BENCH_CHANNELS.length + ' channels, ' + outputs + ' outputs, EU IED LCP';
  const out: BenchResult[] = [];
  for (const perMinute of [12, 60]) {
    const us = usPerMinute(perMinute);
    const perSample = us / (perMinute * BENCH_CHANNELS.length);
    out.push({
      name: 'cems.minute.node.' + perMinute + 'spm',
      value: Math.round(us * 10) / 10,
      unit: 'us/minute-of-data',
      note: stack + ', ' + perMinute + ' samples/min/channel, ' + perSample.toFixed(3) + ' us/sample incl. closes',
    });
  }
  return out;
}
