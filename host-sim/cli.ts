// `npm start`: runs the simulated module on the embedded default plan (cems.dflt): the firmware's Storage files
// (dist/storage/) installed in the Espruino-profile sandbox, polling the virtual analyzers of the default plant over
// Serial2 and sealing hourly records signed by the (emulated) ATECC608 on I2C1; its technician console is this
// terminal, from the boot banner on.
// Interactive on a TTY (Ctrl-C or Ctrl-D to stop; time runs --speed times faster than real time, default 10; type
// `records` to see sealed records). Otherwise it runs the commands given with --script "cmd;cmd" (default:
// version;readings;modbus) from --at N simulated seconds after power-on (default 5, so the first polls are in), keeps
// running until --hours N complete hourly periods are sealed (default 1; at --speed 600 unless given), fetching the
// records through the console as it goes, then verifies them with the host verifier and writes them with the
// verification keys to .sim/capture.json (for host-sim/verifier/cli.ts and test/interop/records/verify_records.py).
// --start ISO8601 sets the wall clock at power-on (default: now), for a reproducible run; --capture FILE writes the
// capture elsewhere.
// Exit status: 0 when the run ended with every record verified and no uncaught firmware error, 1 otherwise, 2 for a
// mistake on the command line, 130 when stopped by SIGINT (143 by SIGTERM) before the end of a scripted run.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AcceleratedTime } from './espruino/time';
import { startModuleSim, type ModuleSim } from './module-sim';
import { demoConfig } from './modbus/plant';
import { RecordCollector } from './record-collector';
import { verifyRecords } from './verifier/verify';
import { keyRingFrom, writeCapture } from './verifier/capture';
import { UsageError } from './usage-error';

interface CliArgs {
  script: string[] | null;
  seconds: number;
  speed: number | null;
  /** Simulated seconds before the first script command. */
  at: number;
  hours: number;
  /** Wall clock at power-on, ms since the epoch. */
  startMs: number;
  capture: string;
}

/** Simulated time between script commands. */
const SCRIPT_STEP_MS = 500;
const HOUR_MS = 3600000;
/** How often the records are fetched: the firmware holds only its newest few in RAM. */
const COLLECT_EVERY_MS = 5 * 60000;
const OPTIONS = '--script "cmd;cmd", --at N, --seconds N, --speed N, --hours N, --start ISO8601, --capture FILE';

function numberArg(argv: string[], i: number, name: string, ok: (n: number) => boolean, what: string): number {
  const text = argv[i];
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError('npm start: ' + name + ' must be ' + what);
  return n;
}

function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { script: null, seconds: 0, speed: null, at: 5, hours: 1, startMs: Date.now(), capture: '.sim/capture.json' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (name === '--script') a.script = (argv[++i] ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    else if (name === '--seconds') a.seconds = numberArg(argv, ++i, name, (n) => n >= 0, 'a number of simulated seconds');
    else if (name === '--speed') a.speed = numberArg(argv, ++i, name, (n) => n > 0, 'a positive number (simulated seconds per real second)');
    else if (name === '--at') a.at = numberArg(argv, ++i, name, (n) => n >= 0, 'a number of simulated seconds');
    else if (name === '--hours') a.hours = numberArg(argv, ++i, name, (n) => n >= 0 && Number.isInteger(n), 'a whole number of hourly periods');
    else if (name === '--start') {
      const text = argv[++i] ?? '';
      const ms = Date.parse(text);
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(text) || Number.isNaN(ms)) {
        throw new UsageError('npm start: --start must be a UTC time such as 2026-09-01T09:50:00Z');
      }
      a.startMs = ms;
    } else if (name === '--capture') {
      a.capture = argv[++i] ?? '';
      if (a.capture === '') throw new UsageError('npm start: --capture needs a file name');
    } else throw new UsageError('npm start: unknown option ' + name + ' (use ' + OPTIONS + ')');
  }
  return a;
}

function verifyAndReport(collector: RecordCollector, keys: ModuleSim['verifierKeys'], capture: string): boolean {
  const records = collector.records();
  if (records.length === 0) {
    process.stdout.write('\n[verifier] no records fetched over the console\n');
    return false;
  }
  const report = verifyRecords(records.map((r) => r.bytes), { keys: keyRingFrom(keys) });
  const out: string[] = ['', '[verifier] ' + records.length + ' records fetched over the console, seq ' + report.firstSeq + '..' + report.lastSeq];
  for (const r of report.results) {
    const rec = records[r.index];
    const problems = r.findings.filter((f) => f.severity !== 'info').map((f) => f.severity + ' ' + f.code);
    out.push('  seq ' + String(r.seq).padStart(3) + '  ' + rec.kind.padEnd(12) + String(r.bytes).padStart(5) + ' B  ' +
      (r.kind === 'sign1' ? 'ES256' : 'HMAC') + ' kid ' + r.kid + '  ' + (problems.length ? problems.join(', ') : 'OK'));
  }
  out.push('[verifier] ' + (report.ok ? 'PASS: signatures, hash chain, sequence and schema verified' : 'FAIL'));
  mkdirSync(dirname(capture), { recursive: true });
  writeCapture(capture, records.map((r) => r.bytes), keys);
  out.push('[verifier] capture with keys: ' + capture + ' (npx tsx host-sim/verifier/cli.ts ' + capture +
    '; /usr/bin/python3 test/interop/records/verify_records.py ' + capture + ')');
  process.stdout.write(out.join('\n') + '\n');
  return report.ok;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const interactive = process.stdin.isTTY === true && !args.script;
  const speed = args.speed ?? (interactive ? 10 : 600);
  const plant = demoConfig();
  const devices = plant.devices.map((d) => d.id + '@' + d.address + ' ' + d.profile).join(', ');
  process.stderr.write('[virtual plant on ' + plant.buses.map((b) => b.port).join(',') + ': ' + devices + '; ATECC608 on I2C1; time x' +
    speed + ' from ' + new Date(args.startMs).toISOString() + ']\n');
  // Keystrokes go to the firmware from power-on (Ctrl-C arrives as a byte, not as a signal).
  if (interactive) process.stdin.setRawMode(true);
  const time = new AcceleratedTime(args.startMs, speed);
  // The console from power-on (banner, plan, prompt); once the collector is attached it passes the console through.
  let collector: RecordCollector | null = null;
  const sim = startModuleSim({ time }, (text) => {
    if (!collector) process.stdout.write(text);
  });
  const { machine } = sim;
  collector = new RecordCollector(machine, (text) => process.stdout.write(text));
  const records = collector;
  let stopped = false;
  const stop = (code: number): void => {
    if (stopped) return;
    stopped = true;
    machine.shutdown();
    if (interactive) process.stdin.setRawMode(false);
    if (machine.uncaught.length) {
      process.stderr.write('[firmware] ' + machine.uncaught.length + ' uncaught error(s), first: ' + machine.uncaught[0] + '\n');
    }
    process.stdout.write('\n');
    process.exit(code);
  };
  // A reader that goes away (`npm start | head`) ends the run quietly.
  process.stdout.on('error', () => stop(1));
  if (interactive) {
    process.on('SIGINT', () => stop(0));
    process.on('SIGTERM', () => stop(0));
    process.stdin.on('data', (d: Buffer) => {
      if (d.includes(3) || d.includes(4)) {
        stop(0);
        return;
      }
      machine.consolePort().send(d.toString('latin1'));
      process.stdout.write(d.toString('latin1').replace(/\r/g, '\r\n')); // local echo
    });
    process.stdin.on('end', () => stop(0));
    return;
  }
  // Stopped before the end: what was fetched so far is still verified and reported.
  const interrupted = (signal: string, code: number): void => {
    process.stdout.write('\n[stopped by ' + signal + ' at ' + new Date(machine.time.nowMs()).toISOString() + ']\n');
    if (args.hours > 0 && records.records().length > 0) verifyAndReport(records, sim.verifierKeys, args.capture);
    stop(code);
  };
  process.on('SIGINT', () => interrupted('SIGINT', 130));
  process.on('SIGTERM', () => interrupted('SIGTERM', 143));
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
  const hoursEnd = args.hours > 0 ? (Math.floor(args.startMs / HOUR_MS) + 1 + args.hours) * HOUR_MS + 60000 - args.startMs : 0;
  const end = Math.max(at, args.seconds * 1000, hoursEnd);
  if (args.hours > 0) {
    process.stderr.write('[running ' + Math.round(end / 60000) + ' simulated minutes to seal ' + args.hours + ' hourly period(s)]\n');
    time.setTimer(() => records.request(), COLLECT_EVERY_MS, true);
  }
  time.setTimer(() => {
    process.stdout.write('pipeline\r\n');
    machine.consolePort().send('pipeline\r');
  }, end, false);
  time.setTimer(() => {
    if (args.hours > 0) records.request();
  }, end + SCRIPT_STEP_MS, false);
  time.setTimer(() => {
    const ok = args.hours > 0 ? verifyAndReport(records, sim.verifierKeys, args.capture) : true;
    stop(machine.uncaught.length || !ok ? 1 : 0);
  }, end + 2 * SCRIPT_STEP_MS, false);
}

try {
  main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(e.message + '\n');
  process.exit(2);
}
