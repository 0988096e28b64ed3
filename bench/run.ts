// `npm run bench`: every bench/<area>.ts prints its Node figures; then the real interpreter (Espruino 2v29, Linux
// build of the same C engine the ESP32 runs): the delivered plant's device path task by task beside Node
// (bench/device-path.ts), the conformance loops beside Node (bench/interpreter-loops.ts), and the firmware's memory
// on the ESP32-sized pools (test/device/memory-figures.ts); last the ATECC608 record path in the Espruino-profile
// sandbox against the emulator. An ESP32 at 240 MHz runs the interpreter slower than a desktop core: the Linux figures
// are a lower bound for the device's times.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { conformanceBundle } from '../host-sim/espruino/bundle';
import { POOL_VARIABLES } from '../host-sim/espruino-linux/binaries';
import { closeWithinLimit, residentAfterBoot } from '../test/device/memory-figures';
import { SandboxAtecc, verifyAteccRecord } from './atecc608';
import { deviceBench } from './device-path';
import { interpreterLoops } from './interpreter-loops';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** The budgets of the firmware on the 16,383-variable pool (docs/memory.md). */
const RESIDENT_BUDGET = 5000;
const PEAK_GOAL = 6500;

function text(x: number): string {
  if (isNaN(x)) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function printFigure(area: string, f: BenchFigure): void {
  console.log('  ' + (area + ': ' + f.name).padEnd(58) + text(f.value).padStart(12) + ' ' + f.unit + (f.note ? '  (' + f.note + ')' : ''));
}

function printPair(name: string, device: number, node: number, unit: string, note?: string): void {
  console.log('  ' + name.padEnd(44) + text(device).padStart(10) + text(node).padStart(10) + ' ' + unit.padEnd(6) + (note ? ' ' + note : ''));
}

async function nodeBenches(): Promise<void> {
  console.log('Node ' + process.version);
  const dir = join(import.meta.dirname, '.');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { runBench?: () => BenchFigure[] };
    if (typeof mod.runBench !== 'function') continue;
    for (const figure of mod.runBench()) printFigure(f.replace(/\.ts$/, ''), figure);
  }
}

async function interpreterFigures(): Promise<void> {
  console.log('Espruino 2v29 Linux build (real interpreter) beside Node');
  console.log('  ' + ''.padEnd(44) + 'Espruino'.padStart(10) + 'Node'.padStart(10));
  console.log(' the delivered plant (11 channels every 2 s, 38 quantities, HMAC), task by task:');
  for (const f of await deviceBench()) printPair(f.name, f.device, f.node, f.unit, f.note);
  console.log(' conformance loops (dist/conformance.js), per iteration:');
  for (const f of await interpreterLoops()) printPair(f.name + ' (' + f.iterations + ' ' + f.unit + ')', f.deviceMsEach, f.nodeMsEach, 'ms');
}

async function memoryFigures(): Promise<void> {
  console.log('Firmware memory on the real interpreter, booted from Storage with the delivered plant polling');
  for (const build of ['pool16k', 'pool8k', 'esp32layout12k'] as const) {
    const m = await residentAfterBoot(build);
    printFigure(build, {
      name: 'resident after boot',
      value: m.resident,
      unit: 'of ' + POOL_VARIABLES[build] + ' vars',
      note: 'budget ' + RESIDENT_BUDGET + '; code alone ' + m.codeOnly + '; ' + m.components,
    });
  }
  const peak = await closeWithinLimit('pool8k', PEAK_GOAL);
  const ok = !/OUT OF MEMORY|removing it/.test(peak.transcript) && peak.flags.indexOf('MEMORY') < 0 && peak.days > 0;
  printFigure('pool8k', {
    name: 'hour and day close within the peak goal',
    value: peak.sampledPeak,
    unit: 'vars sampled',
    note: (ok ? 'completed' : 'FAILED') + ' with the pool cut to ' + PEAK_GOAL + ' (goal); ' + peak.records.length + ' records',
  });
}

// Records built + ES256-signed by the bundled firmware path (CONFORMANCE.atecc: the record kit signed by the
// firmware's secure-element signer over the cems.se module, on I2C1) against the emulator, under virtual time. Host
// CPU time includes the emulator's BigInt P-256, which the chip does on the device; simulated time is what the chip's
// execution delays allow.
function sandboxAteccBench(): void {
  console.log('Espruino-profile sandbox (dist/conformance.js) with the ATECC608 emulator');
  const warmHours = 3;
  const hours = 50;
  const sandbox = new SandboxAtecc(conformanceBundle().code, null);
  try {
    sandbox.sign(warmHours); // bring-up (public key read, boot record) and warm-up
    const run = sandbox.sign(hours);
    const record = verifyAteccRecord(run.last, sandbox.publicKey());
    if (run.records !== 2 * hours || record.period === null) {
      throw new Error('sandbox atecc: expected ' + 2 * hours + ' period record parts, got ' + run.records);
    }
    if (sandbox.machine.uncaught.length) throw new Error('sandbox atecc: uncaught ' + JSON.stringify(sandbox.machine.uncaught));
    const signatures = sandbox.chip.stats.signatures;
    const expected = 1 + 2 * (warmHours + hours);
    if (signatures !== expected) throw new Error('sandbox atecc: the emulator made ' + signatures + ' signatures, expected ' + expected);
    printFigure('sandbox', {
      name: 'ateccRecords (host CPU)',
      value: (run.records / run.hostMs) * 1000,
      unit: 'records/s',
      note: Math.round(run.bytes / run.records) + ' B COSE_Sign1 each, last one verified with node:crypto; includes the emulator P-256',
    });
    printFigure('sandbox', {
      name: 'ateccRecords (simulated time)',
      value: (run.records / run.simulatedMs) * 1000,
      unit: 'records/s',
      note: (run.simulatedMs / run.records).toFixed(1) + ' ms/record: chip execution, wake, polls; the sandbox I2C takes no wire time',
    });
  } finally {
    sandbox.shutdown();
  }
}

await nodeBenches();
await interpreterFigures();
await memoryFigures();
sandboxAteccBench();
