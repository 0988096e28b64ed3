// `npm run sim -- COMMAND [options]`: the simulator's parts for firmware running elsewhere.
//   plant   the default plant's virtual analyzers as Modbus RTU slaves on a serial device (sim-plant.ts)
//   device  the firmware booted from its Storage files on Espruino's Linux build, console on this terminal
//           (sim-device.ts)
// Mistakes on the command line and unusable devices end with one line saying what to do, exit status 2.
import { PLANT_USAGE, parsePlantArgs, runPlant } from './sim-plant';
import { DEVICE_USAGE, parseDeviceArgs, runDevice } from './sim-device';
import { UsageError } from './usage-error';
import { errorText } from '../protocol/errors';

const USAGE = `usage: npm run sim -- COMMAND [options]

  plant    serve the default plant's virtual analyzers as Modbus RTU slaves on a serial device
           (npm run sim -- plant --help)
  device   boot the firmware from its Storage files on Espruino's Linux build, console on this terminal
           (npm run sim -- device --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError('sim: a command is needed: plant or device (npm run sim -- --help)');
  if (command === 'device') {
    const d = parseDeviceArgs(rest);
    if (d === null) {
      process.stdout.write(DEVICE_USAGE);
      return 0;
    }
    return runDevice(d);
  }
  if (command !== 'plant') throw new UsageError('sim: unknown command ' + command + ' (commands: plant, device; npm run sim -- --help)');
  const args = parsePlantArgs(rest);
  if (args === null) {
    process.stdout.write(PLANT_USAGE);
    return 0;
  }
  return runPlant(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write((e instanceof UsageError ? e.message : 'sim: ' + errorText(e)) + '\n');
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
