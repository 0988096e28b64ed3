// `npm run flash -- --port /dev/ttyUSB0` uploads every Storage file of the firmware (dist/storage/: the resident
// .bootcde, the on-demand modules, the embedded default plan) with the espruino CLI and starts it. `npm run flash --
// --dry-run` runs the same pipeline without a device and writes exactly what would be sent (espruino.config.js
// upload.dryRunOutput). Code that fails the Espruino gate is never sent.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { espruinoConfig } from './espruino-config';
import { runEspruinoCli } from './espruino-cli';
import { buildAll } from './build';
import { checkEspruinoCode } from './espruino-gate';
import { errorText } from '../protocol/errors';

interface FlashArgs {
  port: string;
  baud: number;
  dryRun: boolean;
  out: string;
}

function parseFlashArgs(argv: string[]): FlashArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p', default: espruinoConfig.upload.port },
      baud: { type: 'string', short: 'b', default: String(espruinoConfig.upload.baud) },
      'dry-run': { type: 'boolean', default: false },
      out: { type: 'string', short: 'o', default: espruinoConfig.upload.dryRunOutput },
    },
  });
  const baud = Number(values.baud);
  if (!(baud > 0)) throw new Error('--baud must be a positive number');
  return { port: values.port, baud, dryRun: values['dry-run'], out: values.out };
}

async function main(): Promise<void> {
  const args = parseFlashArgs(process.argv.slice(2));
  await buildAll();
  const dir = espruinoConfig.bundle.storageDir;
  const boot = espruinoConfig.upload.bootFile;
  const names = readdirSync(dir).filter((n) => n !== boot).sort();
  for (const name of [boot].concat(Object.keys(espruinoConfig.bundle.moduleEntries))) {
    const violations = checkEspruinoCode(readFileSync(join(dir, name), 'utf8'));
    if (violations.length) throw new Error(name + ' fails the Espruino gate (' + violations.length + ' violations): run npm run check:espruino');
  }
  // data files first, then the boot code (which starts the firmware)
  const storageArgs: string[] = [];
  for (const name of names) storageArgs.push('--storage', name + ':' + join(dir, name));
  storageArgs.push('--storage', boot + ':-', join(dir, boot));
  runEspruinoCli({ port: args.dryRun ? null : args.port, baud: args.baud, out: args.out }, storageArgs);
  if (args.dryRun) {
    console.log('dry run: ' + args.out + ' (' + statSync(args.out).size + ' bytes) holds exactly what would be sent');
  } else {
    console.log('uploaded ' + [boot].concat(names).join(', ') + ' to ' + args.port);
  }
}

main().catch((e: Error) => {
  console.error('flash failed: ' + errorText(e));
  process.exit(1);
});
