// `npm start`: runs the simulated module on the embedded default configuration with its technician console on
// this terminal. Interactive on a TTY (Ctrl-C or Ctrl-D to stop); otherwise it runs the commands given with
// --script "cmd;cmd" (default: version;status;help) and exits.
import { startModuleSim } from './module-sim';

interface CliArgs {
  script: string[] | null;
  seconds: number;
}

function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { script: null, seconds: 2 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--script') a.script = (argv[++i] ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    else if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else throw new Error('unknown option ' + argv[i] + ' (use --script "cmd;cmd", --seconds N)');
  }
  return a;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const { machine } = startModuleSim({}, (text) => process.stdout.write(text));
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
  const script = args.script ?? ['version', 'status', 'help'];
  let delay = 200;
  for (const line of script) {
    setTimeout(() => {
      process.stdout.write(line + '\r\n');
      machine.serial.Serial1.send(line + '\r');
    }, delay);
    delay += 200;
  }
  setTimeout(() => stop(machine.uncaught.length ? 1 : 0), Math.max(delay + 200, args.seconds * 1000));
}

main();
