// Starts the configured Modbus buses on Espruino with the real Serial2/Serial3, pins and timers.

import type { Clock } from '../../protocol/ports';
import type { Sample } from '../../protocol/sample';
import { ModbusConfig, resolveModbusConfig } from '../../protocol/modbus/config';
import { EspruinoRtuBus, RtuHardware, RtuSerial } from './rtu-bus';

const HARDWARE: RtuHardware = {
  digitalPulse: function (pin: Pin, value: number, ms: number): void {
    digitalPulse(pin, value, ms);
  },
  digitalWrite: function (pin: Pin, value: number): void {
    digitalWrite(pin, value);
  },
  toBytes: function (data: string): Uint8Array {
    return E.toUint8Array(data);
  },
  setTimeout: function (fn: () => void, ms: number): number {
    return setTimeout(fn, ms);
  },
  clearTimeout: function (id: number): void {
    clearTimeout(id);
  },
};

function serialPort(name: string): RtuSerial {
  return (name === 'Serial3' ? Serial3 : Serial2) as unknown as RtuSerial;
}

/** Validates the configuration (throws MODBUS_CONFIG) and starts one EspruinoRtuBus per bus. */
export function startModbus(config: ModbusConfig, clock: Clock, onSample: (s: Sample) => void): EspruinoRtuBus[] {
  const buses = resolveModbusConfig(config);
  const out: EspruinoRtuBus[] = [];
  for (let i = 0; i < buses.length; i++) {
    const b = new EspruinoRtuBus(buses[i], serialPort(buses[i].port), HARDWARE, clock, onSample);
    b.start();
    out.push(b);
  }
  return out;
}
