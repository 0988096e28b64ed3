// Acquisition on the device: starts the configured Modbus buses, keeps the latest Sample of every channel and the
// bus health for the technician console, and hands every Sample on to the injected consumer (the emissions engine).
// A configuration that does not validate is reported line by line on the console and nothing is started: boot goes
// on, the console stays usable, and the channels read as never acquired.

import type { ConsoleLines } from '../protocol/console/command-console';
import type { Clock } from '../protocol/ports';
import type { Sample } from '../protocol/sample';
import { errorMessage } from '../protocol/errors';
import { ModbusConfig, validateModbusConfig } from '../protocol/modbus/config';
import type { BusHealth } from '../protocol/modbus/poller';
import type { EspruinoRtuBus } from './modbus/rtu-bus';
import { startModbus } from './modbus/start';

export class Acquisition {
  /** Channel ids in configuration order (empty until started). */
  channels: string[];
  /** Configuration problems ("path: problem") or the start failure, when not running. */
  errors: string[];
  running: boolean;
  /** Samples whose consumer threw: acquisition goes on, the console shows the count and the last message. */
  consumerErrors: number;
  lastConsumerError: string;
  private buses: EspruinoRtuBus[];
  private latestById: { [channel: string]: Sample };
  private clock: Clock;
  private consumer: (s: Sample) => void;

  constructor(clock: Clock, onSample: (s: Sample) => void) {
    this.clock = clock;
    this.consumer = onSample;
    this.channels = [];
    this.errors = [];
    this.running = false;
    this.consumerErrors = 0;
    this.lastConsumerError = '';
    this.buses = [];
    this.latestById = {};
  }

  /**
   * Validates and starts. Silent on success; problems go to `out`. Never throws: a failure leaves acquisition stopped
   * with `errors` set.
   */
  start(config: ModbusConfig, out: ConsoleLines): boolean {
    const self = this;
    if (this.running) return true;
    try {
      this.errors = validateModbusConfig(config);
    } catch (e) {
      this.errors = ['config: ' + errorMessage(e)];
    }
    if (this.errors.length > 0) {
      out.line('modbus: configuration rejected (' + this.errors.length + ' problem(s)), acquisition not started');
      for (let i = 0; i < this.errors.length; i++) out.line('modbus: ' + this.errors[i]);
      return false;
    }
    try {
      this.buses = startModbus(config, this.clock, function (s: Sample): void {
        self.accept(s);
      });
    } catch (e) {
      this.errors = ['start: ' + errorMessage(e)];
      out.line('modbus: start failed, acquisition not started: ' + errorMessage(e));
      return false;
    }
    for (let b = 0; b < this.buses.length; b++) {
      const devices = this.buses[b].poller.bus.devices;
      for (let d = 0; d < devices.length; d++) {
        for (let c = 0; c < devices[d].channels.length; c++) this.channels.push(devices[d].channels[c].id);
      }
    }
    this.running = true;
    return true;
  }

  /** The latest Sample of a channel, null before the first. */
  latest(channel: string): Sample | null {
    const s = this.latestById[channel];
    return s === undefined ? null : s;
  }

  health(): BusHealth[] {
    const out: BusHealth[] = [];
    for (let i = 0; i < this.buses.length; i++) out.push(this.buses[i].health());
    return out;
  }

  /** Where each bus is attached, for the console: "Serial2 9600 8N1". */
  busLine(index: number): string {
    const b = this.buses[index].poller.bus;
    const parity = b.line.parity === 'none' ? 'N' : b.line.parity === 'even' ? 'E' : 'O';
    return (b.path !== '' ? b.path : b.port) + ' ' + b.line.baud + ' ' + b.line.dataBits + parity + b.line.stopBits;
  }

  private accept(s: Sample): void {
    this.latestById[s.channel] = s;
    try {
      this.consumer(s);
    } catch (e) {
      // A failing consumer must not stall the poll loop (the poller emits from inside its state machine).
      this.consumerErrors++;
      this.lastConsumerError = errorMessage(e);
    }
  }
}
