// The simulated module: an Espruino machine running dist/firmware.js with the simulated peripherals wired the way
// the board wires them, and the virtual plant of the default configuration on its RS-485 bus (Serial2). `npm start`
// and the end-to-end tests both use it.
import { EspruinoMachine, type MachineOptions } from './espruino/sandbox';
import { ConsoleClient } from './espruino/console-client';
import { firmwareBundle, type Bundle } from './espruino/bundle';
import type { SimSerial } from './espruino/serial';
import { SandboxBusBridge } from './modbus/sandbox-bridge';
import { buildDefaultPlant, type VirtualPlant } from './modbus/plant';
import type { PlantOptions } from './modbus/sim';

export interface ModuleSim {
  machine: EspruinoMachine;
  technician: ConsoleClient;
  bundle: Bundle;
  /** The virtual analyzers and their buses: inject faults here (bus.faults, bus.faultsBySlave, analyzer.schedule). */
  plant: VirtualPlant;
  /** Per bus id: the connection of the virtual bus to the machine's UART. */
  bridges: { [busId: string]: SandboxBusBridge };
}

export interface ModuleSimOptions extends MachineOptions {
  /** Plant settings other than seed and start time (models, schedules, faults, timing). */
  plant?: Omit<PlantOptions, 'seed' | 'startMs'>;
}

/** `onConsole` sees the technician console output from power-on, banner included. */
export function startModuleSim(options: ModuleSimOptions = {}, onConsole?: (text: string) => void): ModuleSim {
  const bundle = firmwareBundle();
  const machine = new EspruinoMachine(options);
  const technician = new ConsoleClient(machine);
  if (onConsole) machine.serial.Serial1.onTransmit((bytes) => onConsole(Buffer.from(bytes).toString('latin1')));
  const plant = buildDefaultPlant({ ...options.plant, seed: options.seed ?? 1, startMs: machine.time.nowMs() });
  const bridges: { [busId: string]: SandboxBusBridge } = {};
  for (const id of Object.keys(plant.buses)) {
    const b = plant.buses[id];
    const uart = (machine.serial as { [port: string]: SimSerial })[b.port];
    bridges[id] = new SandboxBusBridge(machine.time, uart, b.bus);
  }
  // Installed as the factory does it: the bundle in the boot Storage file, then power-on.
  machine.storage.write('.bootcde', bundle.code);
  machine.powerOn();
  return { machine, technician, bundle, plant, bridges };
}
