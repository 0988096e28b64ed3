// `npm run bench`: every bench/<area>.ts prints its Node figures; then the same protocol loops run from
// dist/conformance.js inside the Espruino-profile sandbox, to show they run unchanged there.
// The sandbox runs on V8, so its speed is not the device's: espruino.md §13 measured the Espruino Linux build at
// roughly 100-500x slower than Node on loops like these (and the ESP32 a further 10-30x slower), which is quoted as
// an estimate next to each sandbox figure.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EspruinoMachine } from '../host-sim/espruino/sandbox';
import { VirtualTime } from '../host-sim/espruino/time';
import { conformanceBundle } from '../host-sim/espruino/bundle';
import { SandboxAtecc, verifyAteccRecord } from './atecc608';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function printFigure(area: string, f: BenchFigure): void {
  const value = Number.isInteger(f.value) ? String(f.value) : f.value.toPrecision(4);
  console.log('  ' + (area + ': ' + f.name).padEnd(58) + value.padStart(12) + ' ' + f.unit + (f.note ? '  (' + f.note + ')' : ''));
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

function sandboxBenches(): void {
  console.log('Espruino-profile sandbox (dist/conformance.js)');
  const machine = new EspruinoMachine({ time: new VirtualTime(Date.UTC(2026, 8, 1)) });
  machine.boot(conformanceBundle().code, 'dist/conformance.js');
  const names = machine.evaluate('Object.keys(CONFORMANCE.bench)') as string[];
  for (const name of names) {
    const spec = machine.evaluate('CONFORMANCE.bench.' + name + '.unit') as string;
    const n = machine.evaluate('CONFORMANCE.bench.' + name + '.iterations') as number;
    machine.evaluate('CONFORMANCE.bench.' + name + '.run(' + Math.max(1, Math.floor(n / 10)) + ')'); // warm-up
    const t0 = performance.now();
    const check = machine.evaluate('CONFORMANCE.bench.' + name + '.run(' + n + ')');
    const ms = performance.now() - t0;
    // Every loop returns a non-negative checksum (decodeLoop answers -1 when a frame was not accepted).
    if (typeof check !== 'number' || !(check >= 0)) throw new Error('sandbox bench ' + name + ' failed: ' + String(check));
    const perSecond = (n / ms) * 1000;
    printFigure('sandbox', { name, value: perSecond, unit: spec + '/s', note: 'Espruino Linux est. ' + (perSecond / 500).toPrecision(2) + '-' + (perSecond / 100).toPrecision(2) + ' ' + spec + '/s' });
  }
  machine.shutdown();
}

// Records built + ES256-signed by the bundled firmware path (CONFORMANCE.atecc: EspruinoI2cBus on I2C1, driver,
// Atecc608Signer, RecordChain) against the emulator, under virtual time. Host CPU time includes the emulator's
// BigInt P-256, which the chip does on the device; simulated time is what the chip's execution delays allow.
function sandboxAteccBench(): void {
  const n = 100;
  const sandbox = new SandboxAtecc(conformanceBundle().code, null);
  try {
    sandbox.sign(3); // bring-up (public key read, chain boot record) and warm-up
    const run = sandbox.sign(n);
    const record = verifyAteccRecord(run.last, sandbox.publicKey());
    if (run.records !== n || record.period === null || record.period.quantities.length !== 10) {
      throw new Error('sandbox atecc: expected ' + n + ' 10-quantity period records, got ' + run.records);
    }
    if (sandbox.machine.uncaught.length) throw new Error('sandbox atecc: uncaught ' + JSON.stringify(sandbox.machine.uncaught));
    const signatures = sandbox.chip.stats.signatures;
    if (signatures !== n + 4) throw new Error('sandbox atecc: the emulator made ' + signatures + ' signatures, expected ' + (n + 4));
    printFigure('sandbox', {
      name: 'ateccRecords (host CPU)',
      value: (n / run.hostMs) * 1000,
      unit: 'records/s',
      note: Math.round(run.bytes / n) + ' B COSE_Sign1 each, last one verified with node:crypto; includes the emulator P-256',
    });
    printFigure('sandbox', {
      name: 'ateccRecords (simulated time)',
      value: (n / run.simulatedMs) * 1000,
      unit: 'records/s',
      note: (run.simulatedMs / n).toFixed(1) + ' ms/record: chip execution, wake, polls; the sandbox I2C takes no wire time',
    });
  } finally {
    sandbox.shutdown();
  }
}

await nodeBenches();
sandboxBenches();
sandboxAteccBench();
