// `npm start`: runs the simulated module on the embedded default configuration: the firmware bundle polls the
// virtual analyzers of the default plant over Serial2, seals hourly records signed by the (emulated) ATECC608 on
// I2C1, and its technician console is this terminal.
// Interactive on a TTY (Ctrl-C or Ctrl-D to stop; time runs --speed times faster than real time, default 10; type
// `records` to see sealed records). Otherwise it runs the commands given with --script "cmd;cmd" (default:
// version;readings;modbus) from --at N simulated seconds after power-on (default 5, so the first polls are in), keeps
// running until --hours N complete hourly periods are sealed (default 1; at --speed 600 unless given), fetching the
// records through the console as it goes, then verifies them with the host verifier and writes them with the
// verification keys to .sim/capture.json (for host-sim/verifier/cli.ts and test/interop/records/verify_records.py).
import { mkdirSync } from 'node:fs';
import { AcceleratedTime } from './espruino/time';
import { startModuleSim } from './module-sim';
import { demoConfig } from './modbus/plant';
import { RecordCollector } from './record-collector';
import { verifyRecords } from './verifier/verify';
import { keyRingFrom, writeCapture } from './verifier/capture';

interface CliArgs {
  script: string[] | null;
  seconds: number;
  speed: number | null;
  /** Simulated seconds before the first script command. */
  at: number;
  hours: number;
}

/** Simulated time between script commands. */
const SCRIPT_STEP_MS = 500;
const HOUR_MS = 3600000;
/** How often the records are fetched: the firmware holds only its newest few in RAM. */
const COLLECT_EVERY_MS = 5 * 60000;
const CAPTURE_FILE = '.sim/capture.json';

function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { script: null, seconds: 0, speed: null, at: 5, hours: 1 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--script') a.script = (argv[++i] ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    else if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else if (argv[i] === '--speed') a.speed = Number(argv[++i]);
    else if (argv[i] === '--at') a.at = Number(argv[++i]);
    else if (argv[i] === '--hours') a.hours = Number(argv[++i]);
    else throw new Error('unknown option ' + argv[i] + ' (use --script "cmd;cmd", --at N, --seconds N, --speed N, --hours N)');
  }
  if (a.speed !== null && !(a.speed > 0)) throw new Error('--speed must be a positive number (simulated seconds per real second)');
  if (!(a.hours >= 0)) throw new Error('--hours must be a number of hourly periods');
  if (!(a.seconds >= 0)) throw new Error('--seconds must be a number of simulated seconds');
  if (!(a.at >= 0)) throw new Error('--at must be a number of simulated seconds');
  return a;
}

function verifyAndReport(collector: RecordCollector, keys: ReturnType<typeof startModuleSim>['verifierKeys']): boolean {
  const records = collector.records();
  const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom(keys) });
  const out: string[] = ['', '[verifier] ' + records.length + ' records fetched over the console, seq ' + report.firstSeq + '..' + report.lastSeq];
  for (const r of report.results) {
    const rec = records[r.index];
    const problems = r.findings.filter((f) => f.severity !== 'info').map((f) => f.severity + ' ' + f.code);
    out.push('  seq ' + String(r.seq).padStart(3) + '  ' + rec.kind.padEnd(12) + String(r.bytes).padStart(5) + ' B  ' +
      (r.kind === 'sign1' ? 'ES256' : 'HMAC') + ' kid ' + r.kid + '  ' + (problems.length ? problems.join(', ') : 'OK'));
  }
  out.push('[verifier] ' + (report.ok ? 'PASS: signatures, hash chain, sequence and schema verified' : 'FAIL'));
  mkdirSync('.sim', { recursive: true });
  writeCapture(CAPTURE_FILE, records.map((r) => r.bytes), keys);
  out.push('[verifier] capture with keys: ' + CAPTURE_FILE + ' (npx tsx host-sim/verifier/cli.ts ' + CAPTURE_FILE +
    '; /usr/bin/python3 test/interop/records/verify_records.py ' + CAPTURE_FILE + ')');
  process.stdout.write(out.join('\n') + '\n');
  return report.ok;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const interactive = process.stdin.isTTY && !args.script;
  const speed = args.speed ?? (interactive ? 10 : 600);
  const plant = demoConfig();
  const devices = plant.devices.map((d) => d.id + '@' + d.address + ' ' + d.profile).join(', ');
  process.stderr.write('[virtual plant on ' + plant.buses.map((b) => b.port).join(',') + ': ' + devices + '; ATECC608 on I2C1; time x' + speed + ']\n');
  const startMs = Date.now();
  const time = new AcceleratedTime(startMs, speed);
  const sim = startModuleSim({ time });
  const { machine } = sim;
  const collector = new RecordCollector(machine, (text) => process.stdout.write(text));
  const stop = (code: number): void => {
    machine.shutdown();
    process.stdout.write('\n');
    process.exit(code);
  };
  if (interactive) {
    process.stdin.setRawMode(true);
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(3) || d.includes(4)) stop(0);
      machine.consolePort().send(d.toString('latin1'));
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
      machine.consolePort().send(line + '\r');
    }, at, false);
    at += SCRIPT_STEP_MS;
  }
  // Until the requested number of whole hours has closed (records are sealed a moment after the hour).
  const hoursEnd = args.hours > 0 ? (Math.floor(startMs / HOUR_MS) + 1 + args.hours) * HOUR_MS + 60000 - startMs : 0;
  const end = Math.max(at, args.seconds * 1000, hoursEnd);
  if (args.hours > 0) {
    process.stderr.write('[running ' + Math.round(end / 60000) + ' simulated minutes to seal ' + args.hours + ' hourly period(s)]\n');
    time.setTimer(() => collector.request(), COLLECT_EVERY_MS, true);
  }
  time.setTimer(() => {
    process.stdout.write('pipeline\r\n');
    machine.consolePort().send('pipeline\r');
  }, end, false);
  time.setTimer(() => {
    if (args.hours > 0) collector.request();
  }, end + SCRIPT_STEP_MS, false);
  time.setTimer(() => {
    const ok = args.hours > 0 ? verifyAndReport(collector, sim.verifierKeys) : true;
    stop(machine.uncaught.length || !ok ? 1 : 0);
  }, end + 2 * SCRIPT_STEP_MS, false);
}

main();
