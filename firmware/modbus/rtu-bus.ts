// Espruino binding of one Modbus RTU bus: sets the UART up from the bus configuration, feeds its 'data' events
// (binary strings, 1..64 bytes) into the protocol Poller, writes requests through UartTx and keeps one timer armed
// for the Poller's next deadline. RS-485 direction: Espruino's ESP32 UART has no RS-485 mode (espruino.md section 7), so
// either the transceiver switches itself (direction 'auto') or a DE/RE pin is pulsed from JS for the computed wire
// time of the request plus a margin (Serial.flush only waits for Espruino's queue, not for the shift register).
// The Espruino globals are injected (start.ts passes the real ones) so that this file can be tested in Node.

import type { Clock, UartTx } from '../../protocol/ports';
import type { Sample } from '../../protocol/sample';
import type { ResolvedBus } from '../../protocol/modbus/config';
import { wireTimeUs } from '../../protocol/modbus/line';
import { BusHealth, Poller } from '../../protocol/modbus/poller';

/** The part of an Espruino Serial object the bus uses. */
export interface RtuSerial {
  setup(baud: number, options: { [k: string]: unknown }): void;
  write(data: Uint8Array): void;
  on(event: string, listener: (data: string) => void): void;
  removeAllListeners(event?: string): void;
}

/** Espruino hardware and timer functions the bus uses. */
export interface RtuHardware {
  /** digitalPulse(pin, value, ms): drives the pin to value for ms, then back (RMT-timed on ESP32). */
  digitalPulse(pin: number | string, value: number, ms: number): void;
  digitalWrite(pin: number | string, value: number): void;
  toBytes(data: string): Uint8Array;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
}

/** Longest sleep between ticks, so that a clock step never leaves the bus idle for long. */
const MAX_SLEEP_MS = 1000;

/** Serial.setup options for a bus: pins on ESP32, `path` on Espruino's Linux build. */
export function serialOptions(bus: ResolvedBus): { [k: string]: unknown } {
  const o: { [k: string]: unknown } = {
    bytesize: bus.line.dataBits,
    parity: bus.line.parity,
    stopbits: bus.line.stopBits,
  };
  if (bus.path !== '') o.path = bus.path;
  else {
    if (bus.rx !== null) o.rx = bus.rx;
    if (bus.tx !== null) o.tx = bus.tx;
  }
  return o;
}

/** How long DE must stay asserted for a request of `bytes` bytes: wire time plus margin, ms (fractional). */
export function deHoldMs(bytes: number, bus: ResolvedBus): number {
  return (wireTimeUs(bytes, bus.line) + bus.deMarginUs) / 1000;
}

export class EspruinoRtuBus implements UartTx {
  readonly poller: Poller;
  private bus: ResolvedBus;
  private serial: RtuSerial;
  private hw: RtuHardware;
  private clock: Clock;
  private timer: number;

  constructor(bus: ResolvedBus, serial: RtuSerial, hw: RtuHardware, clock: Clock, onSample: (s: Sample) => void) {
    this.bus = bus;
    this.serial = serial;
    this.hw = hw;
    this.clock = clock;
    this.timer = -1;
    this.poller = new Poller(bus, this, onSample);
  }

  /** UartTx: asserts DE for exactly the request's wire time (plus margin) when the bus drives direction from JS. */
  write(bytes: Uint8Array): void {
    if (this.bus.direction === 'pin' && this.bus.dePin !== null) {
      this.hw.digitalPulse(this.bus.dePin, 1, deHoldMs(bytes.length, this.bus));
    }
    this.serial.write(bytes);
  }

  start(): void {
    const self = this;
    if (this.bus.direction === 'pin' && this.bus.dePin !== null) this.hw.digitalWrite(this.bus.dePin, 0);
    this.serial.setup(this.bus.line.baud, serialOptions(this.bus));
    this.serial.on('data', function (data: string): void {
      self.poller.onBytes(self.hw.toBytes(data), self.clock.nowMs());
      self.arm();
    });
    this.onTimer();
  }

  stop(): void {
    this.serial.removeAllListeners('data');
    if (this.timer >= 0) this.hw.clearTimeout(this.timer);
    this.timer = -1;
  }

  health(): BusHealth {
    return this.poller.health();
  }

  private onTimer(): void {
    this.timer = -1;
    this.poller.tick(this.clock.nowMs());
    this.arm();
  }

  /** Re-arms the single timer for the poller's next deadline. */
  private arm(): void {
    const self = this;
    if (this.timer >= 0) this.hw.clearTimeout(this.timer);
    const next = this.poller.nextWakeMs();
    let delay = next < 0 ? MAX_SLEEP_MS : next - this.clock.nowMs();
    if (delay < 0) delay = 0;
    if (delay > MAX_SLEEP_MS) delay = MAX_SLEEP_MS;
    this.timer = this.hw.setTimeout(function (): void {
      self.onTimer();
    }, delay);
  }
}
