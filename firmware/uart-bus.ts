// Espruino binding of one Modbus RTU bus: sets the UART up from the plan, feeds its 'data' events (binary strings,
// 1..64 bytes) into the poller, writes requests and keeps one timer armed for the poller's next deadline. RS-485
// direction: Espruino's ESP32 UART has no RS-485 mode (targets/esp32/jshardwareUart.c), so either the transceiver
// switches itself or a DE/RE pin is pulsed from JS for the computed wire time of the request plus a margin
// (Serial.flush only waits for Espruino's queue, not for the shift register).
import { Bus } from '../protocol/plan/format';
import { planStringBytes, type Plan } from '../protocol/plan/reader';
import { bytesToAscii } from '../protocol/bytes';
import { createRtuBus, pollerBytes, pollerTick, pollerWake } from '../protocol/modbus/rtu-poller';
import type { RtuBus, RtuPlan } from '../protocol/modbus/rtu-master';
import { busSerial } from './board';
import { clock } from './platform';

/** Longest sleep between ticks, so that a clock step never leaves the bus idle for long. */
const MAX_SLEEP_MS = 1000;
const PARITY = ['none', 'even', 'odd'];

export interface UartBus {
  rtu: RtuBus;
  serial: Serial;
  timer: number;
}

function arm(u: UartBus): void {
  if (u.timer >= 0) clearTimeout(u.timer);
  const next = pollerWake(u.rtu);
  let delay = next < 0 ? MAX_SLEEP_MS : next - clock.nowMs();
  if (delay < 0) delay = 0;
  if (delay > MAX_SLEEP_MS) delay = MAX_SLEEP_MS;
  u.timer = setTimeout(function (): void {
    u.timer = -1;
    pollerTick(u.rtu, clock.nowMs());
    arm(u);
  }, delay);
}

/** Opens bus `index` of the plan and starts polling; every sample goes to `emit`. */
export function startBus(plan: Plan, rp: RtuPlan, index: number, emit: RtuBus['emit']): UartBus {
  const b = rp.buses;
  const row = index * Bus.FIELDS;
  const serial = busSerial(b[row + Bus.PORT]);
  const dePin = b[row + Bus.DE_FROM_PIN] ? b[row + Bus.DE_PIN] : -1;
  const u: UartBus = { rtu: null as unknown as RtuBus, serial: serial, timer: -1 };
  u.rtu = createRtuBus(rp, index, {
    write: function (bytes: Uint8Array): void {
      // DE held for exactly the request's wire time plus the margin
      if (dePin >= 0) digitalPulse(dePin, 1, ((bytes.length * b[row + Bus.CHAR_BITS] * 1000000) / b[row + Bus.BAUD] + b[row + Bus.DE_MARGIN_US]) / 1000);
      serial.write(bytes);
    },
  }, emit);
  if (dePin >= 0) digitalWrite(dePin, 0);
  const path = bytesToAscii(planStringBytes(plan, b[row + Bus.PATH]));
  const options: SerialSetupOptions = {
    bytesize: b[row + Bus.DATA_BITS] as 7 | 8,
    parity: PARITY[b[row + Bus.PARITY]] as 'none',
    stopbits: b[row + Bus.STOP_BITS] as 1 | 2,
  };
  if (path !== '') options.path = path;
  else {
    if (b[row + Bus.RX] >= 0) options.rx = b[row + Bus.RX];
    if (b[row + Bus.TX] >= 0) options.tx = b[row + Bus.TX];
  }
  serial.setup(b[row + Bus.BAUD], options);
  serial.on('data', function (data: string): void {
    pollerBytes(u.rtu, E.toUint8Array(data), clock.nowMs());
    arm(u);
  });
  pollerTick(u.rtu, clock.nowMs());
  arm(u);
  return u;
}
