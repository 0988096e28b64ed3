// Calibration and maintenance windows per analyzer, observed in the samples' normalized status (docs/records.md,
// "Event records").
import type { Sample } from '../sample';
import { isTimestamp } from '../cems/time';
import type { EventData } from '../record/schema';
import type { RecordContext } from './record-context';
import { hexWord } from './record-text';

const MODE_NONE = 0;
const MODE_CALIBRATION = 1;
const MODE_MAINTENANCE = 2;

interface DeviceWindow {
  id: string;
  channels: string[];
  /** Per channel: last observed mode. */
  chanMode: number[];
  mode: number;
  startMs: number;
  /** Channels seen in the window's mode. */
  inWindow: boolean[];
  /** OR of the analyzer status words seen in the window, -1 when none. */
  native: number;
}

function modeOf(s: Sample): number {
  if (s.status === 'CALIBRATION') return MODE_CALIBRATION;
  if (s.status === 'MAINTENANCE') return MODE_MAINTENANCE;
  return MODE_NONE;
}

/**
 * Calibration and maintenance windows per analyzer, observed in the samples' normalized status: an analyzer is in a
 * calibration window while any of its channels reports CALIBRATION, else in maintenance while any reports
 * MAINTENANCE. COMMS_LOSS samples say nothing about the mode and leave it as it is. A window becomes one event
 * when it ends (at the time of the first sample that leaves it); a window open at power loss is not recorded.
 */
export class StatusWindows {
  private devices: DeviceWindow[] = [];
  /** Device index by '#' + channel id (no key can be an Object.prototype member). */
  private byChannel: { [channel: string]: number } = {};

  constructor(ctx: RecordContext) {
    for (let i = 0; i < ctx.devices.length; i++) {
      const d = ctx.devices[i];
      const w: DeviceWindow = { id: d.id, channels: d.channels, chanMode: [], mode: MODE_NONE, startMs: -1, inWindow: [], native: -1 };
      for (let k = 0; k < d.channels.length; k++) {
        w.chanMode.push(MODE_NONE);
        w.inWindow.push(false);
        this.byChannel['#' + d.channels[k]] = i;
      }
      this.devices.push(w);
    }
  }

  /** Feeds one sample; returns the event of a window that this sample ends, or null. Never throws on bad input. */
  onSample(s: Sample): EventData | null {
    if (!s || typeof s !== 'object' || typeof s.channel !== 'string' || !isTimestamp(s.tMs)) return null;
    if (s.status === 'COMMS_LOSS') return null;
    const di = this.byChannel['#' + s.channel];
    if (typeof di !== 'number') return null;
    const w = this.devices[di];
    const ci = w.channels.indexOf(s.channel);
    w.chanMode[ci] = modeOf(s);
    let mode = MODE_NONE;
    for (let k = 0; k < w.chanMode.length; k++) {
      if (w.chanMode[k] === MODE_CALIBRATION) mode = MODE_CALIBRATION;
      else if (w.chanMode[k] === MODE_MAINTENANCE && mode === MODE_NONE) mode = MODE_MAINTENANCE;
    }
    let ended: EventData | null = null;
    if (mode !== w.mode) {
      if (w.mode !== MODE_NONE && s.tMs >= w.startMs) ended = this.windowEvent(w, s.tMs);
      w.mode = mode;
      w.startMs = s.tMs;
      w.native = -1;
      for (let k = 0; k < w.inWindow.length; k++) w.inWindow[k] = false;
    }
    if (w.mode !== MODE_NONE && w.chanMode[ci] === w.mode) {
      w.inWindow[ci] = true;
      const bits = s.native;
      if (typeof bits === 'number' && bits >= 0 && Math.floor(bits) === bits) w.native = w.native < 0 ? bits : (w.native | bits) >>> 0;
    }
    return ended;
  }

  private windowEvent(w: DeviceWindow, endMs: number): EventData {
    const names: string[] = [];
    for (let k = 0; k < w.channels.length; k++) if (w.inWindow[k]) names.push(w.channels[k]);
    const observed = 'status-window' + (w.native >= 0 ? ' native=' + hexWord(w.native) : '');
    if (w.mode === MODE_CALIBRATION) {
      // The device only sees that the analyzer was calibrating: no check gas and no result (reference and measured
      // are 0, passed is false = "no pass recorded"); the check itself is in the analyzer's QAL3 log.
      return {
        kind: 'calibration', startMs: w.startMs, endMs: endMs, actor: '',
        detail: { analyzerId: w.id, check: observed, quantity: names.join(','), reference: 0, measured: 0, unit: '', passed: false, functionId: '', decimals: 0 },
      };
    }
    return { kind: 'maintenance', startMs: w.startMs, endMs: endMs, actor: '', detail: { analyzerId: w.id, reason: observed + ' channels=' + names.join(',') } };
  }
}
