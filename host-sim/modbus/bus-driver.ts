// Runs a virtual RS-485 bus on a clock that is not the bus's own: the bus keeps its discrete-event queue, and the
// driver wakes it (one timer, armed for the next pending event) whenever it has something to do. Shared by the
// bridges that put a master on the bus: the firmware in the Espruino sandbox, and a real serial port.
import type { TimeSource } from '../espruino/time';
import type { VirtualBus } from './virtual-bus';

/** The bus's time base: ms on the bus's timeline, and timers measured in it. */
export type BusClock = Pick<TimeSource, 'nowMs' | 'setTimer' | 'clearTimer'>;

export class BusDriver {
  private timer = 0;
  private armedFor = -1;

  constructor(
    private readonly clock: BusClock,
    readonly bus: VirtualBus,
  ) {
    bus.now = clock.nowMs();
  }

  /** Puts bytes from the master on the wire now. */
  fromMaster(bytes: Uint8Array): void {
    this.catchUp();
    this.bus.masterTx.write(bytes);
    this.arm();
  }

  /** Stops waking the bus (events still pending stay unprocessed). */
  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = 0;
    this.armedFor = -1;
  }

  private catchUp(): void {
    this.bus.runUntil(this.clock.nowMs());
  }

  private arm(): void {
    const next = this.bus.nextEventMs();
    if (next < 0 || next === this.armedFor) return;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.armedFor = next;
    this.timer = this.clock.setTimer(() => {
      this.timer = 0;
      this.armedFor = -1;
      this.catchUp();
      this.arm();
    }, Math.max(0, next - this.clock.nowMs()), false);
  }
}
