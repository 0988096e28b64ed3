// Deterministic sample streams for the conformance vectors and the benchmark loops (same bits on Espruino and Node).
import { S } from '../../protocol/cems/codes';
import { pushSample, type Engine } from '../../protocol/cems/engine';
import { MINUTE_MS } from '../../protocol/cems/time';

/** xorshift32: 32-bit integer operations only, identical on both platforms. Returns the next state (never 0). */
export function xorshift32(x: number): number {
  let y = x | 0;
  y ^= y << 13;
  y ^= y >>> 17;
  y ^= y << 5;
  return y | 0;
}

/**
 * Pushes `perMinute` evenly spaced VALID samples per channel for `minutes` minutes from startMs. values[i] is the
 * value of channel index channels[i], stamped i ms after the channel before it; jitter > 0 adds a pseudo-random
 * integer in [0, jitter) divided by jitterDen to each sample. Returns the PRNG state so that streams can be continued.
 */
export function feedMinutes(
  e: Engine,
  channels: number[],
  values: number[],
  startMs: number,
  minutes: number,
  perMinute: number,
  jitter: number,
  jitterDen: number,
  seed: number,
): number {
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
        pushSample(e, channels[c], t + c, v, S.VALID, 0);
      }
    }
  }
  return rnd;
}
