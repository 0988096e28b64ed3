// The default plant served to a real master: the analyzers `npm start` polls in the sandbox, as Modbus RTU slaves on
// a serial device, on a plant clock that may run faster than real time (`npm run sim -- plant`).
import { codedError } from '../../protocol/errors';
import type { SerialPort } from 'serialport';
import type { LineSettings } from '../../protocol/modbus/line';
import type { VirtualAnalyzer } from './analyzer';
import { buildDefaultPlant, type VirtualPlant } from './plant';
import { PlantClock } from './plant-clock';
import { SerialBusBridge } from './serial-bridge';
import type { FaultConfig } from './virtual-bus';

export interface PlantServerOptions {
  /** The port's line settings, which the virtual bus takes on. */
  line: LineSettings;
  seed: number;
  /** The plant's clock at start, ms since the epoch. */
  startMs: number;
  /** Plant time per real time. */
  speed: number;
  faults: FaultConfig;
}

export interface ServedSlave {
  address: number;
  deviceId: string;
  analyzer: VirtualAnalyzer;
}

export interface PlantServer {
  plant: VirtualPlant;
  clock: PlantClock;
  bridge: SerialBusBridge;
  /** The analyzers on the port, by ascending slave address. */
  slaves: ServedSlave[];
  close(): Promise<void>;
}

/** Serves the plant's one bus on an open port, from now on. */
export function servePlant(port: SerialPort, o: PlantServerOptions): PlantServer {
  const clock = new PlantClock(o.startMs, o.speed);
  const plant = buildDefaultPlant({ seed: o.seed, startMs: o.startMs, faults: o.faults, line: o.line });
  const busIds = Object.keys(plant.buses);
  // One port is one RS-485 line: a configuration with more buses would need one port each.
  if (busIds.length !== 1) throw codedError('SIM_PLANT', 'the default plant has ' + busIds.length + ' buses, one port serves one');
  const bridge = new SerialBusBridge(port, plant.buses[busIds[0]].bus, clock);
  const slaves = Object.keys(plant.analyzers)
    .map((id) => ({ address: plant.analyzers[id].address, deviceId: id, analyzer: plant.analyzers[id] }))
    .sort((a, b) => a.address - b.address);
  return { plant, clock, bridge, slaves, close: () => bridge.close() };
}
