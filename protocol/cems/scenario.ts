// Deterministic sample streams for the conformance vectors and the benchmark loop (same bits on Espruino and Node).
import type { Sample } from '../sample';
import type { CemsEngine } from './engine';
import { pushSample } from './engine';
import { MINUTE_MS } from './time';

/** xorshift32: 32-bit integer operations only, identical on both platforms. Returns the next state (never 0). */
export function xorshift32(x: number): number {
  let y = x | 0;
  y ^= y << 13;
  y ^= y >>> 17;
  y ^= y << 5;
  return y | 0;
}

/** Reusable sample object: one allocation per stream, not per sample. */
export function newSample(): Sample {
  return { channel: '', tMs: 0, value: 0, valid: true, status: 'VALID', native: 0, source: 'scenario' };
}

/**
 * Pushes `perMinute` evenly spaced valid samples per channel for `minutes` minutes from startMs. values[i] is the
 * value of channels[i]; jitter > 0 adds a pseudo-random integer in [0, jitter) divided by jitterDen to each sample.
 * Returns the PRNG state so that streams can be continued.
 */
export function feedMinutes(
  e: CemsEngine,
  channels: string[],
  values: number[],
  startMs: number,
  minutes: number,
  perMinute: number,
  jitter: number,
  jitterDen: number,
  seed: number,
): number {
  const smp = newSample();
  const step = Math.floor(MINUTE_MS / perMinute);
  let rnd = seed;
  for (let m = 0; m < minutes; m++) {
    for (let k = 0; k < perMinute; k++) {
      const t = startMs + m * MINUTE_MS + k * step;
      for (let c = 0; c < channels.length; c++) {
        let v = values[c];
        if (jitter > 0) {
          rnd = xorshift32(rnd);
          v = v + ((rnd & 0x7fffffff) % jitter) / jitterDen;
        }
        smp.channel = channels[c];
        smp.tMs = t + c;
        smp.value = v;
        pushSample(e, smp);
      }
    }
  }
  return rnd;
}
