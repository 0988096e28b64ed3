// Calibration and maintenance windows per analyzer, observed in the samples' normalized status (docs/records.md,
// "Event records"): an analyzer is in a calibration window while any of its channels reports CALIBRATION, else in
// maintenance while any reports MAINTENANCE. COMMS_LOSS samples say nothing about the mode and leave it as it is. A
// window becomes one event when it ends (at the time of the first sample that leaves it); a window open at power
// loss is not recorded. State: per acquired channel its last mode, per device its window, in typed arrays.
import { Acq, Dev, Group } from '../plan/format';
import { planStringBytes, type Plan } from '../plan/reader';
import { S } from '../cems/codes';
import { bytesToAscii } from '../bytes';
import type { EventData } from '../record/schema';
import { hexWord } from './record-text';

const enum W {
  MODE,
  START,
  /** OR of the analyzer status words seen in the window, -1 when none. */
  NATIVE,
  FIELDS,
}

const MODE_NONE = 0;
const MODE_CALIBRATION = 1;
const MODE_MAINTENANCE = 2;

export interface StatusWindows {
  plan: Plan;
  /** Channels in a calibration or maintenance mode, plus devices with an open window: 0 means nothing to track. */
  active: number;
  /** Per device: its channels in calibration mode and in maintenance mode. */
  counts: Int16Array;
  acq: Float64Array;
  devices: Float64Array;
  /** Device of each acquired channel; per acquired channel its last mode and whether it was seen in the window. */
  devOf: Int16Array;
  chanMode: Uint8Array;
  inWindow: Uint8Array;
  w: Float64Array;
}

export function createStatusWindows(plan: Plan, acq: Float64Array, groups: Float64Array, devices: Float64Array): StatusWindows {
  const nAcq = acq.length / Acq.FIELDS;
  const devOf = new Int16Array(nAcq);
  for (let g = 0; g < groups.length / Group.FIELDS; g++) {
    const b = g * Group.FIELDS;
    for (let i = 0; i < groups[b + Group.N_ACQ]; i++) devOf[groups[b + Group.FIRST_ACQ] + i] = groups[b + Group.DEVICE];
  }
  const nDev = devices.length / Dev.FIELDS;
  const w = new Float64Array(nDev * W.FIELDS);
  for (let d = 0; d < nDev; d++) {
    w[d * W.FIELDS + W.START] = -1;
    w[d * W.FIELDS + W.NATIVE] = -1;
  }
  return {
    plan: plan, active: 0, counts: new Int16Array(nDev * 2), acq: acq, devices: devices, devOf: devOf,
    chanMode: new Uint8Array(nAcq), inWindow: new Uint8Array(nAcq), w: w,
  };
}

function text(sw: StatusWindows, i: number): string {
  return bytesToAscii(planStringBytes(sw.plan, i));
}

function windowEvent(sw: StatusWindows, d: number, endMs: number): EventData {
  const b = d * W.FIELDS;
  const names: string[] = [];
  for (let a = 0; a < sw.devOf.length; a++) {
    if (sw.devOf[a] === d && sw.inWindow[a]) names.push(text(sw, sw.acq[a * Acq.FIELDS + Acq.ID]));
  }
  const native = sw.w[b + W.NATIVE];
  const observed = 'status-window' + (native >= 0 ? ' native=' + hexWord(native) : '');
  const analyzerId = text(sw, sw.devices[d * Dev.FIELDS + Dev.ID]);
  const startMs = sw.w[b + W.START];
  if (sw.w[b + W.MODE] === MODE_CALIBRATION) {
    // The device only sees that the analyzer was calibrating: no check gas and no result (reference and measured
    // are 0, passed is false = "no pass recorded"); the check itself is in the analyzer's QAL3 log.
    return {
      kind: 'calibration', startMs: startMs, endMs: endMs, actor: '',
      detail: { analyzerId: analyzerId, check: observed, quantity: names.join(','), reference: 0, measured: 0, unit: '', passed: false, functionId: '', decimals: 0 },
    };
  }
  return { kind: 'maintenance', startMs: startMs, endMs: endMs, actor: '', detail: { analyzerId: analyzerId, reason: observed + ' channels=' + names.join(',') } };
}

/**
 * Feeds one sample of acquired channel `a`; returns the event of a window that this sample ends, or null. Runs for
 * every sample: while no channel is in a calibration or maintenance mode it returns after one comparison.
 */
export function windowSample(sw: StatusWindows, a: number, t: number, status: number, native: number): EventData | null {
  const m = status === S.CALIBRATION ? MODE_CALIBRATION : status === S.MAINTENANCE ? MODE_MAINTENANCE : MODE_NONE;
  if (m === MODE_NONE && sw.active === 0) return null;
  if (status === S.COMMS_LOSS) return null;
  const d = sw.devOf[a];
  const b = d * W.FIELDS;
  const prev = sw.chanMode[a];
  if (m !== prev) {
    sw.chanMode[a] = m;
    if (prev !== MODE_NONE) {
      sw.counts[d * 2 + prev - 1]--;
      sw.active--;
    }
    if (m !== MODE_NONE) {
      sw.counts[d * 2 + m - 1]++;
      sw.active++;
    }
  }
  const mode = sw.counts[d * 2] > 0 ? MODE_CALIBRATION : sw.counts[d * 2 + 1] > 0 ? MODE_MAINTENANCE : MODE_NONE;
  let ended: EventData | null = null;
  const was = sw.w[b + W.MODE];
  if (mode !== was) {
    if (was !== MODE_NONE && t >= sw.w[b + W.START]) ended = windowEvent(sw, d, t);
    if (was === MODE_NONE) sw.active++;
    else if (mode === MODE_NONE) sw.active--;
    sw.w[b + W.MODE] = mode;
    sw.w[b + W.START] = t;
    sw.w[b + W.NATIVE] = -1;
    for (let k = 0; k < sw.devOf.length; k++) if (sw.devOf[k] === d) sw.inWindow[k] = 0;
  }
  if (mode !== MODE_NONE && sw.chanMode[a] === mode) {
    sw.inWindow[a] = 1;
    if (native >= 0 && Math.floor(native) === native) {
      const cur = sw.w[b + W.NATIVE];
      sw.w[b + W.NATIVE] = cur < 0 ? native : (cur | native) >>> 0;
    }
  }
  return ended;
}
