// Time for the simulated I2C bus and the ATECC608 emulator. Tests and benches use VirtualTime: emulated
// microseconds that advance only when the driver busy-waits (delayUs) or when a scheduled callback runs, so a
// 115 ms Sign costs no wall time and NACK-while-busy is still observable. The emulator only needs an EmuClock:
// in the Espruino sandbox it reads the sandbox's clock ({ nowUs: () => machine.time.nowMs() * 1000 }).
import type { Scheduler } from '../../protocol/ports';

export interface EmuClock {
  nowUs(): number;
}

/** A clock the bus can also busy-wait on (the I2cBus.delayUs of the port). */
export interface BusClock extends EmuClock {
  delayUs(us: number): void;
}

interface Timer {
  atUs: number;
  seq: number;
  fn: () => void;
}

export class VirtualTime implements BusClock, Scheduler {
  private now = 0;
  private seq = 0;
  private readonly timers: Timer[] = [];

  nowUs(): number {
    return this.now;
  }

  /** A busy-wait: time passes, no timer runs (the interpreter is blocked). */
  delayUs(us: number): void {
    this.now += us;
  }

  after(ms: number, fn: () => void): void {
    this.timers.push({ atUs: this.now + ms * 1000, seq: this.seq++, fn });
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Runs timers in time order (ties in scheduling order) until none is left. Throws after `maxTimers` callbacks:
   * a driver that polls forever fails the test instead of hanging it.
   */
  run(maxTimers = 1_000_000): number {
    let ran = 0;
    while (this.timers.length) {
      if (ran >= maxTimers) throw new Error('VirtualTime: more than ' + maxTimers + ' timers ran, the code under test does not settle');
      let best = 0;
      for (let i = 1; i < this.timers.length; i++) {
        const t = this.timers[i];
        const b = this.timers[best];
        if (t.atUs < b.atUs || (t.atUs === b.atUs && t.seq < b.seq)) best = i;
      }
      const timer = this.timers.splice(best, 1)[0];
      if (timer.atUs > this.now) this.now = timer.atUs;
      timer.fn();
      ran++;
    }
    return ran;
  }
}
