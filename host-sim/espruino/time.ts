// Time for the sandbox: real Node timers (interactive `npm start`) or virtual time that tests advance explicitly,
// so hours of module operation run in milliseconds and deterministically.

export interface TimeSource {
  /** Wall clock in ms since the epoch (fractional, as Espruino's Date.now()); never steps back. */
  nowMs(): number;
  /**
   * The clock as firmware code reads it (getTime, Date.now). Under virtual time each read costs the interpreter a
   * few microseconds, so busy-waits on getTime() end as they do on the device.
   */
  firmwareNowMs(): number;
  setTimer(fn: () => void, ms: number, repeat: boolean): number;
  clearTimer(id: number): void;
  /** Stop every timer (sandbox shutdown). */
  dispose(): void;
}

export class RealTime implements TimeSource {
  private next = 1;
  private readonly handles = new Map<number, NodeJS.Timeout>();

  nowMs(): number {
    return performance.timeOrigin + performance.now();
  }

  firmwareNowMs(): number {
    return this.nowMs();
  }

  setTimer(fn: () => void, ms: number, repeat: boolean): number {
    const id = this.next++;
    const delay = Math.max(0, ms);
    const h = repeat
      ? setInterval(fn, Math.max(1, delay))
      : setTimeout(() => {
          this.handles.delete(id);
          fn();
        }, delay);
    this.handles.set(id, h);
    return id;
  }

  clearTimer(id: number): void {
    const h = this.handles.get(id);
    if (h) {
      clearTimeout(h);
      clearInterval(h);
      this.handles.delete(id);
    }
  }

  dispose(): void {
    for (const id of [...this.handles.keys()]) this.clearTimer(id);
  }
}

/** Interpreter time one getTime()/Date.now() call takes under virtual time (10 µs). */
const FIRMWARE_CLOCK_READ_MS = 1 / 100;

interface VirtualTimer {
  id: number;
  due: number;
  period: number;
  fn: () => void;
  order: number;
}

export class VirtualTime implements TimeSource {
  private now: number;
  private next = 1;
  private order = 0;
  private timers: VirtualTimer[] = [];

  /** Starts at `startMs`; a fixed sub-millisecond fraction keeps Date.now() fractional as on Espruino. */
  constructor(startMs: number) {
    this.now = Math.floor(startMs) + 0.375;
  }

  nowMs(): number {
    return this.now;
  }

  firmwareNowMs(): number {
    this.now += FIRMWARE_CLOCK_READ_MS;
    return this.now;
  }

  setTimer(fn: () => void, ms: number, repeat: boolean): number {
    const period = Math.max(repeat ? 1 : 0, ms || 0);
    const t: VirtualTimer = { id: this.next++, due: this.now + period, period: repeat ? period : 0, fn, order: this.order++ };
    this.timers.push(t);
    return t.id;
  }

  clearTimer(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  dispose(): void {
    this.timers = [];
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Runs every timer due within the next `ms`, in time order, moving the clock as it goes. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let first: VirtualTimer | null = null;
      for (const t of this.timers) {
        if (t.due <= end && (!first || t.due < first.due || (t.due === first.due && t.order < first.order))) first = t;
      }
      if (!first) break;
      this.now = Math.max(this.now, first.due);
      if (first.period) {
        first.due += first.period;
        first.order = this.order++;
      } else this.timers = this.timers.filter((t) => t !== first);
      first.fn();
    }
    this.now = end;
  }
}

/**
 * Virtual time driven by the real clock at `factor` times real speed (e.g. 60: one simulated minute per second),
 * so `npm start` shows hours of module operation in minutes while the console stays interactive.
 */
export class AcceleratedTime extends VirtualTime {
  private readonly ticker: NodeJS.Timeout;

  constructor(startMs: number, factor: number, tickMs = 20) {
    super(startMs);
    this.ticker = setInterval(() => this.advance(tickMs * factor), tickMs);
  }

  override dispose(): void {
    clearInterval(this.ticker);
    super.dispose();
  }
}
