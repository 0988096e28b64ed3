// `npm start`: runs the simulated module on the embedded default configuration, its firmware polling the virtual
// analyzers of the default plant over Serial2, with its technician console on this terminal. Time runs --speed times
// faster than real time (default 10). Interactive on a TTY (Ctrl-C or Ctrl-D to stop); otherwise it runs the commands
// given with --script "cmd;cmd" (default: version;readings;modbus) from --at N simulated seconds after power-on
// (default 5, so the first polls are in) and exits; --seconds N keeps it running for at least N simulated seconds.
import { AcceleratedTime } from './espruino/time';
import { startModuleSim } from './module-sim';
import { demoConfig } from './modbus/plant';

interface CliArgs {
  script: string[] | null;
  seconds: number;
  speed: number;
  /** Simulated seconds before the first script command. */
  at: number;
}

/** Simulated time between script commands. */
const SCRIPT_STEP_MS = 500;

function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { script: null, seconds: 0, speed: 10, at: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--script') a.script = (argv[++i] ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    else if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else if (argv[i] === '--speed') a.speed = Number(argv[++i]);
    else if (argv[i] === '--at') a.at = Number(argv[++i]);
    else throw new Error('unknown option ' + argv[i] + ' (use --script "cmd;cmd", --at N, --seconds N, --speed N)');
  }
  if (!(a.speed > 0)) throw new Error('--speed must be a positive number (simulated seconds per real second)');
  if (!(a.seconds >= 0)) throw new Error('--seconds must be a number of simulated seconds');
  if (!(a.at >= 0)) throw new Error('--at must be a number of simulated seconds');
  return a;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const plant = demoConfig();
  const devices = plant.devices.map((d) => d.id + '@' + d.address + ' ' + d.profile).join(', ');
  process.stderr.write('[virtual plant on ' + plant.buses.map((b) => b.port).join(',') + ': ' + devices + '; time x' + args.speed + ']\n');
  const time = new AcceleratedTime(Date.now(), args.speed);
  const { machine } = startModuleSim({ time }, (text) => process.stdout.write(text));
  const stop = (code: number): void => {
    machine.shutdown();
    process.stdout.write('\n');
    process.exit(code);
  };
  const interactive = process.stdin.isTTY && !args.script;
  if (interactive) {
    process.stdin.setRawMode(true);
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(3) || d.includes(4)) stop(0);
      machine.serial.Serial1.send(d.toString('latin1'));
      process.stdout.write(d.toString('latin1').replace(/\r/g, '\r\n')); // local echo
    });
    return;
  }
  // Commands run on the simulated clock, so the transcript does not depend on --speed or on the host's load.
  const script = args.script ?? ['version', 'readings', 'modbus'];
  let at = args.at * 1000;
  for (const line of script) {
    time.setTimer(() => {
      process.stdout.write(line + '\r\n');
      machine.serial.Serial1.send(line + '\r');
    }, at, false);
    at += SCRIPT_STEP_MS;
  }
  time.setTimer(() => stop(machine.uncaught.length ? 1 : 0), Math.max(at, args.seconds * 1000), false);
}

main();
