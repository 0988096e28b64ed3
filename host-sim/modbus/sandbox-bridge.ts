// Connects a virtual RS-485 bus (its analyzers, wire timing and faults) to a UART of the Espruino sandbox, so the
// firmware bundle polls the virtual analyzers through Serial2/Serial3 exactly as it polls real ones. The bus runs on
// the sandbox clock (bus-driver.ts).
// Only what the firmware sends with the UART set up to the bus's line settings reaches the analyzers: at another
// baud rate or framing they would hear garbage and stay silent, so such writes are counted and dropped.
import type { LineSettings } from '../../protocol/modbus/line';
import type { TimeSource } from '../espruino/time';
import type { SerialSettings, SimSerial } from '../espruino/serial';
import { BusDriver } from './bus-driver';
import type { VirtualBus } from './virtual-bus';

function parityOf(p: unknown): string {
  if (p === 'e' || p === 'even') return 'even';
  if (p === 'o' || p === 'odd') return 'odd';
  return p === undefined || p === null || p === 'none' ? 'none' : String(p);
}

/** True when the UART's Serial.setup() settings put the same characters on the wire as the bus expects. */
export function uartMatchesLine(settings: SerialSettings | null, line: LineSettings): boolean {
  if (!settings) return false;
  const o = settings.options;
  return (
    settings.baud === line.baud &&
    (o.bytesize ?? 8) === line.dataBits &&
    parityOf(o.parity) === line.parity &&
    ((o.stopbits ?? 1) === 1 ? 1 : 2) === line.stopBits
  );
}

export class SandboxBusBridge {
  /** Writes dropped because the UART was not set up to the bus's line settings. */
  mismatchedWrites = 0;

  constructor(
    time: TimeSource,
    uart: SimSerial,
    readonly bus: VirtualBus,
  ) {
    const driver = new BusDriver(time, bus);
    uart.onTransmit((bytes) => {
      if (!uartMatchesLine(uart.settings, bus.line)) {
        this.mismatchedWrites++;
        return;
      }
      driver.fromMaster(bytes);
    });
    bus.onMasterReceive = (chunk) => uart.deliver(chunk);
  }
}
