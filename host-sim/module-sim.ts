// The simulated module: an Espruino machine running dist/firmware.js with the simulated peripherals wired the way
// the board wires them, and the virtual plant of the default configuration on its RS-485 bus (Serial2). `npm start`
// and the end-to-end tests both use it.
import { EspruinoMachine, type MachineOptions } from './espruino/sandbox';
import { ConsoleClient } from './espruino/console-client';
import { firmwareStorageFiles, installFirmware } from './espruino/bundle';
import type { SimSerial } from './espruino/serial';
import { SandboxBusBridge } from './modbus/sandbox-bridge';
import { buildDefaultPlant, type VirtualPlant } from './modbus/plant';
import type { PlantOptions } from './modbus/sim';
import { Atecc608Emulator } from './atecc608/emulator';
import { DEFAULT_CONFIG } from '../protocol/module/default-config';
import { kidFromPublicKey, KID_LENGTH } from '../protocol/atecc608/signer';
import { toHex } from '../protocol/bytes';
import { nodeSha256 } from './record/node-sha256';
import type { CaptureKeys } from './verifier/capture';

export interface ModuleSim {
  machine: EspruinoMachine;
  technician: ConsoleClient;
  /** The Storage files installed (dist/storage/). */
  files: { [name: string]: Uint8Array };
  /** The virtual analyzers and their buses: inject faults here (bus.faults, bus.faultsBySlave, analyzer.schedule). */
  plant: VirtualPlant;
  /** Per bus id: the connection of the virtual bus to the machine's UART. */
  bridges: { [busId: string]: SandboxBusBridge };
  /** The ATECC608 on I2C1 that signs the records (the default configuration's signer). */
  secureElement: Atecc608Emulator;
  /** What a verifier needs to check this module's records: its public key by kid. */
  verifierKeys: CaptureKeys;
}

export interface ModuleSimOptions extends MachineOptions {
  /** Plant settings other than seed and start time (models, schedules, faults, timing). */
  plant?: Omit<PlantOptions, 'seed' | 'startMs'>;
  /** Runs on the REPL before the firmware's first power-on, e.g. a provisioning script (scripts/provision.ts). */
  provisioning?: string;
}

/** `onConsole` sees the technician console output from power-on, banner included. */
export function startModuleSim(options: ModuleSimOptions = {}, onConsole?: (text: string) => void): ModuleSim {
  const files = firmwareStorageFiles();
  const machine = new EspruinoMachine(options);
  const technician = new ConsoleClient(machine);
  if (onConsole) machine.consolePort().onTransmit((bytes) => onConsole(Buffer.from(bytes).toString('latin1')));
  const plant = buildDefaultPlant({ ...options.plant, seed: options.seed ?? 1, startMs: machine.time.nowMs() });
  const bridges: { [busId: string]: SandboxBusBridge } = {};
  for (const id of Object.keys(plant.buses)) {
    const b = plant.buses[id];
    const uart = (machine.serial as { [port: string]: SimSerial })[b.port];
    bridges[id] = new SandboxBusBridge(machine.time, uart, b.bus);
  }
  const se = DEFAULT_CONFIG.records.atecc608!;
  const secureElement = new Atecc608Emulator({
    clock: { nowUs: () => machine.time.nowMs() * 1000 },
    address: se.address,
    seed: Uint8Array.of(0x5e, (options.seed ?? 1) & 255),
  });
  machine.i2c[se.bus].connect(se.address, secureElement);
  const publicKey = secureElement.publicKey(se.slot)!;
  const verifierKeys: CaptureKeys = {
    es256: {
      [toHex(kidFromPublicKey(nodeSha256, publicKey, KID_LENGTH))]: {
        x: toHex(publicKey.subarray(0, 32)),
        y: toHex(publicKey.subarray(32, 64)),
      },
    },
  };
  // Installed as the factory does it: the firmware's Storage files, provisioning on the REPL, then power-on.
  installFirmware(machine.storage, files);
  if (options.provisioning) machine.boot(options.provisioning, 'provision.js');
  machine.powerOn();
  return { machine, technician, files, plant, bridges, secureElement, verifierKeys };
}
