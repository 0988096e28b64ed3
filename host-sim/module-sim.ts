// The simulated module: an Espruino machine running dist/firmware.js with the simulated peripherals wired the way
// the board wires them. `npm start` and the end-to-end tests both use it.
import { EspruinoMachine, type MachineOptions } from './espruino/sandbox';
import { ConsoleClient } from './espruino/console-client';
import { firmwareBundle, type Bundle } from './espruino/bundle';

export interface ModuleSim {
  machine: EspruinoMachine;
  technician: ConsoleClient;
  bundle: Bundle;
}

/** `onConsole` sees the technician console output from power-on, banner included. */
export function startModuleSim(options: MachineOptions = {}, onConsole?: (text: string) => void): ModuleSim {
  const bundle = firmwareBundle();
  const machine = new EspruinoMachine(options);
  const technician = new ConsoleClient(machine);
  if (onConsole) machine.serial.Serial1.onTransmit((bytes) => onConsole(Buffer.from(bytes).toString('latin1')));
  // Installed as the factory does it: the bundle in the boot Storage file, then power-on.
  machine.storage.write('.bootcde', bundle.code);
  machine.powerOn();
  return { machine, technician, bundle };
}
