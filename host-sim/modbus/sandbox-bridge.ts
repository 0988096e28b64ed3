// Connects a virtual RS-485 bus (its analyzers, wire timing and faults) to a UART of the Espruino sandbox, so the
// firmware bundle polls the virtual analyzers through Serial2/Serial3 exactly as it polls real ones. The bus keeps
// its own event queue; the bridge runs it on the sandbox clock, waking only when the bus has something to do.
import type { TimeSource } from '../espruino/time';
import type { SimSerial } from '../espruino/serial';
import type { VirtualBus } from './virtual-bus';

export class SandboxBusBridge {
  private timer = 0;
  private armedFor = -1;

  constructor(
    private readonly time: TimeSource,
    uart: SimSerial,
    readonly bus: VirtualBus,
  ) {
    bus.now = time.nowMs();
    uart.onTransmit((bytes) => {
      this.catchUp();
      bus.masterTx.write(bytes);
      this.arm();
    });
    bus.onMasterReceive = (chunk) => uart.deliver(chunk);
  }

  private catchUp(): void {
    const now = this.time.nowMs();
    this.bus.runUntil(now);
    this.bus.now = Math.max(this.bus.now, now);
  }

  private arm(): void {
    const next = this.bus.nextEventMs();
    if (next < 0 || next === this.armedFor) return;
    if (this.timer) this.time.clearTimer(this.timer);
    this.armedFor = next;
    this.timer = this.time.setTimer(() => {
      this.timer = 0;
      this.armedFor = -1;
      this.catchUp();
      this.arm();
    }, Math.max(0, next - this.time.nowMs()), false);
  }
}
