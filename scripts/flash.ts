// `npm run flash -- --port /dev/ttyUSB0` uploads dist/firmware.js into the device's boot Storage file with the
// espruino CLI and starts it. `npm run flash -- --dry-run` runs the same pipeline without a device and writes exactly
// what would be sent (espruino.config.js upload.dryRunOutput). A bundle that fails the Espruino gate is never sent.
import { readFileSync, statSync } from 'node:fs';
import { espruinoConfig } from './espruino-config';
import { runEspruinoCli } from './espruino-cli';
import { buildAll } from './build';
import { checkEspruinoCode } from './espruino-gate';

interface FlashArgs {
  port: string;
  baud: number;
  dryRun: boolean;
  out: string;
}

function parseArgs(argv: string[]): FlashArgs {
  const a: FlashArgs = {
    port: espruinoConfig.upload.port,
    baud: espruinoConfig.upload.baud,
    dryRun: false,
    out: espruinoConfig.upload.dryRunOutput,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(arg + ' needs a value');
      return v;
    };
    if (arg === '--port' || arg === '-p') a.port = value();
    else if (arg === '--baud' || arg === '-b') a.baud = Number(value());
    else if (arg === '--dry-run') a.dryRun = true;
    else if (arg === '--out' || arg === '-o') a.out = value();
    else throw new Error('unknown option ' + arg + ' (use --port P, --baud N, --dry-run, --out FILE)');
  }
  if (!(a.baud > 0)) throw new Error('--baud must be a positive number');
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await buildAll();
  const bundleFile = espruinoConfig.bundle.output;
  const violations = checkEspruinoCode(readFileSync(bundleFile, 'utf8'));
  if (violations.length) {
    throw new Error(bundleFile + ' fails the Espruino gate (' + violations.length + ' violations): run npm run check:espruino');
  }
  runEspruinoCli(
    { port: args.dryRun ? null : args.port, baud: args.baud, out: args.out },
    ['--storage', espruinoConfig.upload.bootFile + ':-', bundleFile],
  );
  if (args.dryRun) {
    console.log('dry run: ' + args.out + ' (' + statSync(args.out).size + ' bytes) holds exactly what would be sent');
  } else {
    console.log('uploaded ' + bundleFile + ' to ' + args.port + ' as ' + espruinoConfig.upload.bootFile);
  }
}

main().catch((e: Error) => {
  console.error('flash failed: ' + e.message);
  process.exit(1);
});
