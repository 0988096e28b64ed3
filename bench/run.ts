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

await nodeBenches();
sandboxBenches();
