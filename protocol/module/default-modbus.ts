// The stack the module is delivered for: one RS-485 bus on Serial2 (GPIO16 RX, GPIO17 TX, auto-direction
// transceiver) at 9600 8N1 with three instruments that together measure the ten quantities of a complete stack
// (NOx as NO + NO2):
//   slave 1  SICK GM32 cross-duct analyzer      SO2, NO, NO2 (ppm, wet, in situ)
//   slave 2  Emerson X-STREAM extractive        CO2 (% vol), O2 (% vol), CO (ppm)
//   slave 3  stack-conditions gateway           velocity (m/s), flue-gas temperature (degC), static pressure (Pa),
//                                               moisture (% vol), dust (mg/m3)
// The gateway publishes its transmitters as a generic float32 block (input registers 0..9, ABCD) with one status
// word at input register 32 (bit 0 fault, bit 1 maintenance, bit 2 check cycle).
// Every channel is scanned every DEFAULT_SCAN_INTERVAL_MS (HJ 76-2017: at least 12 samples per minute).
// The X-STREAM's status register is not in the reference manual (see its profile): its channels carry no native
// status until a site adds one.
// The host simulator builds its virtual plant from this very object.

import type { ModbusConfig } from '../modbus/config';
import type { RegisterDef, StatusDef } from '../modbus/profile';

/** One scan period for every channel, so that each channel yields the same number of samples per minute. */
export const DEFAULT_SCAN_INTERVAL_MS = 2000;

const STACK_STATUS: StatusDef = {
  name: 'status',
  table: 'input',
  address: 32,
  count: 1,
  rules: [
    { bit: 0, status: 'FAULT' },
    { bit: 1, status: 'MAINTENANCE' },
    { bit: 2, status: 'CALIBRATION' },
  ],
};

function stackValue(name: string, index: number, unit: string): RegisterDef {
  return { name: name, table: 'input', address: 2 * index, type: 'float32', unit: unit, status: STACK_STATUS.name };
}

function channel(id: string, register: string): { id: string; register: string; periodMs: number } {
  return { id: id, register: register, periodMs: DEFAULT_SCAN_INTERVAL_MS };
}

export const DEFAULT_MODBUS: ModbusConfig = {
  buses: [
    {
      id: 'rs485',
      port: 'Serial2',
      rx: 16,
      tx: 17,
      baud: 9600,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      direction: 'auto',
      responseTimeoutMs: 500,
      silenceTimeoutMs: 100,
      retries: 2,
      offlineAfter: 3,
    },
  ],
  devices: [
    {
      id: 'gm32',
      bus: 'rs485',
      address: 1,
      profile: 'SICK_GM32',
      channels: [channel('so2', 'c1'), channel('no', 'c2'), channel('no2', 'c3')],
    },
    {
      id: 'xstream',
      bus: 'rs485',
      address: 2,
      profile: 'EMERSON_XSTREAM',
      channels: [channel('co2', 'conc1'), channel('o2', 'conc2'), channel('co', 'conc3')],
    },
    {
      id: 'stack',
      bus: 'rs485',
      address: 3,
      profile: 'FLOAT32_BLOCK',
      registers: [
        stackValue('velocity', 0, 'm/s'),
        stackValue('temperature', 1, 'degC'),
        stackValue('static_pressure', 2, 'Pa'),
        stackValue('moisture', 3, 'pct'),
        stackValue('dust', 4, 'mg/m3'),
      ],
      statuses: [STACK_STATUS],
      channels: [
        channel('velocity', 'velocity'),
        channel('temperature', 'temperature'),
        channel('static_pressure', 'static_pressure'),
        channel('moisture', 'moisture'),
        channel('dust', 'dust'),
      ],
    },
  ],
};
