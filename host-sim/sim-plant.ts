// `npm run sim -- plant --serial PATH`: serves the default plant's virtual analyzers (the ones `npm start` polls in
// the sandbox: same models, slave addresses and register maps) as Modbus RTU slaves on a serial device, so that
// firmware running elsewhere (Espruino's Linux build on the other end of a socat pty pair, or a module on an RS-485
// adapter) can poll them. Prints one line when ready, a status line every 10 s unless --quiet, and a summary on
// Ctrl-C / SIGTERM.
import { parseArgs } from 'node:util';
import type { SerialPort } from 'serialport';
import { resolveModbusConfig } from '../protocol/modbus/config';
import type { LineSettings, Parity } from '../protocol/modbus/line';
import { demoConfig } from './modbus/plant';
import { type PlantServer, servePlant } from './modbus/plant-server';
import { openPort } from './modbus/serial';
import { FaultConfig, noFaults } from './modbus/virtual-bus';
import { UsageError } from './usage-error';

const SOCAT = 'socat -d -d pty,raw,echo=0 pty,raw,echo=0';
const HELP_HINT = ' (npm run sim -- plant --help lists the options)';
const STATUS_EVERY_MS = 10000;

const FAULTS: { [name: string]: () => FaultConfig } = {
  none: noFaults,
  // About one answer in twenty goes wrong in some way: enough to exercise a master's retries and health counters.
  light: () => ({
    ...noFaults(),
    crcCorruption: 0.01,
    dropByte: 0.01,
    noiseBurst: 0.01,
    slowResponse: 0.005,
    missingResponse: 0.01,
    exception: 0.005,
  }),
};

export const PLANT_USAGE = `usage: npm run sim -- plant --serial PATH [options]

Serves the default plant's virtual analyzers (slave 1 SICK GM32, 2 Emerson X-STREAM, 3 stack-conditions gateway;
the register maps of the default configuration) as Modbus RTU slaves on a serial device.

  --serial PATH      the device to serve on: one end of \`${SOCAT}\`
                     (the firmware opens the other), or an RS-485 adapter such as /dev/ttyUSB0 (required)
  --baud N           line speed (default: the default configuration's bus, 9600)
  --line 8N1         data bits, parity (N, E, O) and stop bits (default: the bus's, 8N1)
  --seed N           seed of the time series and faults (default 1)
  --start ISO8601    the plant's clock at start, e.g. 2026-09-01T09:00:00Z (default: now)
  --speed N          plant time runs N times real time, to follow firmware run under faketime -f '+0 xN' (default 1)
  --faults none|light  inject answer faults: CRC errors, lost bytes, noise, late/missing answers (default none)
  --quiet            no status line every 10 s
  --help             this text

Ctrl-C or SIGTERM closes the port and prints requests, exceptions and CRC errors per slave.
`;

export interface PlantArgs {
  serial: string;
  line: LineSettings;
  seed: number;
  startMs: number;
  speed: number;
  faults: string;
  quiet: boolean;
}

const PARITY: { [letter: string]: Parity } = { N: 'none', E: 'even', O: 'odd' };

function lineText(line: LineSettings): string {
  return line.baud + ' ' + line.dataBits + line.parity[0].toUpperCase() + line.stopBits;
}

function numberOption(value: string, option: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !ok(n)) throw new UsageError('sim plant: --' + option + ' ' + value + ': must be ' + what + HELP_HINT);
  return n;
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        serial: { type: 'string' },
        baud: { type: 'string' },
        line: { type: 'string' },
        seed: { type: 'string', default: '1' },
        start: { type: 'string' },
        speed: { type: 'string', default: '1' },
        faults: { type: 'string', default: 'none' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    // node:util's messages name the option; their first sentence is the useful part.
    const first = (e as Error).message.split('\n')[0].split('. ')[0];
    throw new UsageError('sim plant: ' + first.charAt(0).toLowerCase() + first.slice(1) + HELP_HINT);
  }
}

/** The default configuration's bus line, changed by --baud and --line. */
function lineOf(baud: string | undefined, framing: string | undefined): LineSettings {
  const line = { ...resolveModbusConfig(demoConfig())[0].line };
  if (baud !== undefined) {
    line.baud = numberOption(baud, 'baud', (n) => Number.isInteger(n) && n >= 300 && n <= 1000000, 'a baud rate from 300 to 1000000');
  }
  if (framing !== undefined) {
    const m = /^([78])([NEO])([12])$/i.exec(framing);
    if (!m) throw new UsageError('sim plant: --line ' + framing + ': must be data bits, parity and stop bits such as 8N1, 8E1 or 7O2' + HELP_HINT);
    line.dataBits = Number(m[1]);
    line.parity = PARITY[m[2].toUpperCase()];
    line.stopBits = Number(m[3]);
  }
  return line;
}

function startOf(start: string | undefined): number {
  if (start === undefined) return Date.now();
  const ms = Date.parse(start);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(start) || Number.isNaN(ms)) {
    throw new UsageError('sim plant: --start ' + start + ': must be an ISO 8601 time such as 2026-09-01T09:00:00Z' + HELP_HINT);
  }
  return ms;
}

/** The command's settings, or null for --help. */
export function parsePlantArgs(argv: string[]): PlantArgs | null {
  const v = parseOptions(argv);
  if (v.help) return null;
  if (v.serial === undefined) {
    throw new UsageError('sim plant: --serial PATH is required: one end of `' + SOCAT + '`, or an adapter such as /dev/ttyUSB0');
  }
  if (!Object.keys(FAULTS).includes(v.faults)) {
    throw new UsageError('sim plant: --faults ' + v.faults + ': must be one of ' + Object.keys(FAULTS).join(', ') + HELP_HINT);
  }
  return {
    serial: v.serial,
    line: lineOf(v.baud, v.line),
    seed: numberOption(v.seed, 'seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer from 0 to 4294967295'),
    startMs: startOf(v.start),
    speed: numberOption(v.speed, 'speed', (n) => n > 0 && n <= 1e6, 'a positive number (plant seconds per real second)'),
    faults: v.faults,
    quiet: v.quiet,
  };
}

async function open(path: string, line: LineSettings): Promise<SerialPort> {
  try {
    return await openPort(path, line);
  } catch (e) {
    // serialport says "<reason>, cannot open <path>".
    const reason = (e as Error).message.replace(/^Error: /, '').replace(/, cannot open .*$/, '');
    const fix = /permission denied/i.test(reason)
      ? 'give your user access to it (e.g. the dialout group)'
      : 'pass a serial device: a PTY that `' + SOCAT + '` reports, or an adapter such as /dev/ttyUSB0';
    throw new UsageError('sim plant: cannot open ' + path + ' (' + reason + '): ' + fix);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function statusLine(s: PlantServer): string {
  const now = s.clock.nowMs();
  const parts = s.slaves.map((x) => x.deviceId + ' ' + x.analyzer.state(now) + ' ' + x.analyzer.slave.counters.requests + ' req');
  const crc = s.slaves.reduce((n, x) => n + x.analyzer.slave.counters.crcRejects, 0);
  return 'plant ' + iso(now) + ': ' + parts.join(', ') + '; ' + crc + ' CRC errors';
}

function summary(s: PlantServer, realMs: number): string {
  const lines = ['plant: stopped after ' + (realMs / 1000).toFixed(1) + ' s, plant time ' + iso(s.clock.startMs) + ' to ' + iso(s.clock.nowMs())];
  for (const x of s.slaves) {
    const c = x.analyzer.slave.counters;
    lines.push('plant: slave ' + x.address + ' ' + x.deviceId + ': ' + c.requests + ' requests, ' + c.exceptions + ' exceptions, ' + c.crcRejects + ' CRC errors');
  }
  const b = s.bridge.bus.stats;
  const injected = b.corrupted + b.dropped + b.slow + b.missing + b.exceptions + b.noiseBytes;
  lines.push('plant: ' + b.masterBytes + ' bytes received, ' + b.slaveBytes + ' sent; injected faults: ' +
    (injected === 0 ? 'none' : b.corrupted + ' corrupted, ' + b.dropped + ' with a byte lost, ' + b.slow + ' late, ' + b.missing +
      ' missing, ' + b.exceptions + ' exceptions, ' + b.noiseBytes + ' noise bytes'));
  return lines.join('\n') + '\n';
}

/** Serves until Ctrl-C / SIGTERM (resolves 0) or until the port goes away (resolves 1). */
export async function runPlant(a: PlantArgs): Promise<number> {
  const port = await open(a.serial, a.line);
  const server = servePlant(port, { line: a.line, seed: a.seed, startMs: a.startMs, speed: a.speed, faults: FAULTS[a.faults]() });
  const realStart = Date.now();
  const slaves = server.slaves;
  process.stdout.write('plant: serving slaves ' + slaves.map((x) => x.address).join(',') + ' (' + slaves.map((x) => x.deviceId).join(', ') +
    ') on ' + a.serial + ' ' + lineText(a.line) + '; clock ' + iso(a.startMs) + ' x' + a.speed + ', seed ' + a.seed + ', faults ' + a.faults + '\n');
  const status = a.quiet ? null : setInterval(() => process.stdout.write(statusLine(server) + '\n'), STATUS_EVERY_MS);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      if (status) clearInterval(status);
      void server.close().then(() => {
        process.stdout.write(summary(server, Date.now() - realStart));
        resolve(code);
      });
    };
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
    port.on('error', (e: Error) => process.stderr.write('plant: ' + a.serial + ': ' + e.message + '\n'));
    port.on('close', () => {
      if (stopping) return;
      process.stderr.write('plant: ' + a.serial + ' was closed (the other end or the adapter went away)\n');
      stop(1);
    });
  });
}
