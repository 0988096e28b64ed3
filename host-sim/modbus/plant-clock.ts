// The clock of a plant served to a real master: `startMs` when created, then running `speed` times real time, so that
// it keeps pace with firmware whose clock is accelerated the same way (libfaketime '+0 xN'). Timers are in plant ms.
import { RealTime } from '../espruino/time';

export class PlantClock extends RealTime {
  private readonly realStartMs: number;

  constructor(
    readonly startMs: number,
    readonly speed: number,
  ) {
    super();
    this.realStartMs = super.nowMs();
  }

  override nowMs(): number {
    return this.startMs + (super.nowMs() - this.realStartMs) * this.speed;
  }

  override setTimer(fn: () => void, ms: number, repeat: boolean): number {
    return super.setTimer(fn, ms / this.speed, repeat);
  }
}
