// Connects a virtual RS-485 bus (its analyzers, wire timing and faults) to a real serial device, a USB RS-485 adapter
// or one end of a pseudo-terminal pair, with a master on the other side (the firmware on a module or on Espruino's
// Linux build). Bytes from the port reach the analyzers in whatever chunks the OS delivers them; each analyzer frames
// requests as a real slave does (expected length + CRC; a silence or a slave's answer ends a partial request), and
// answers go to the port as the bus delivers them, after their modelled wire time (an adapter's own comes on top).
// The bus runs on the plant clock (bus-driver.ts).
import type { SerialPort } from 'serialport';
import { LineSettings, charBits } from '../../protocol/modbus/line';
import { BusDriver } from './bus-driver';
import type { PlantClock } from './plant-clock';
import { closePort } from './serial';
import type { VirtualBus } from './virtual-bus';

/**
 * USB serial adapters hand received bytes over in bursts, up to their latency timer apart (16 ms by default on FTDI
 * chips): a pause that short inside a request is not the end of a frame.
 */
const USB_BURST_GAP_MS = 20;

/** Real time after which a pause on the line ends any partial request: 3.5 characters, or a USB burst gap. */
function lineSilenceMs(line: LineSettings): number {
  return Math.max((3.5 * charBits(line) * 1000) / line.baud, USB_BURST_GAP_MS);
}

export class SerialBusBridge {
  private readonly driver: BusDriver;

  constructor(
    private readonly port: SerialPort,
    readonly bus: VirtualBus,
    clock: PlantClock,
  ) {
    this.driver = new BusDriver(clock, bus);
    // The line is real: a pause is measured in real time, whatever the plant's speed.
    bus.slaveSilenceMs = lineSilenceMs(bus.line) * clock.speed;
    port.on('data', (chunk: Buffer) => this.driver.fromMaster(new Uint8Array(chunk)));
    bus.onMasterReceive = (chunk) => void port.write(Buffer.from(chunk));
  }

  close(): Promise<void> {
    this.driver.stop();
    return closePort(this.port);
  }
}
