// `npm run provision -- [options]`: compiles a module configuration into the plan the firmware runs (validated with
// path-named errors, protocol/plan/compile.ts) and writes it (and, for the HMAC signer, its key) into the device's
// Storage. An invalid configuration is never sent. Without --port it only writes the provisioning script (default
// dist/provision.js), which the espruino CLI, the REPL, or Espruino's Linux build (`espruino dist/provision.js`) can
// run; `--storage-dir DIR` also writes the files themselves (file name = Storage name) for installing them directly.
//
//   --config FILE       module configuration JSON (docs/configuration.md); default: the embedded default
//   --serial-path PATH  open every RS-485 bus by device path (Espruino's Linux build, e.g. a pty from socat)
//   --hmac-key HEX      sign records with HMAC-SHA256 under this key (>= 32 bytes) instead of the ATECC608
//   --kid HEX           key id carried in the records (HMAC; default: the device id in ASCII)
//   --device-id ID      override device.id
//   --out FILE          where to write the provisioning script
//   --storage-dir DIR   also write the Storage files (cems.plan, cems.key) into DIR
//   --port P --baud N   also send it to a device (serial or tcp://host:port)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModuleConfig } from '../protocol/module/config-types';
import { DEFAULT_CONFIG } from '../protocol/module/default-config';
import { HMAC_MIN_KEY_BYTES } from '../protocol/record/hmac-signer';
import { compilePlan, configError } from '../protocol/plan/compile';
import { parseModuleConfigText } from '../protocol/module/config';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { espruinoConfig } from './espruino-config';
import { runEspruinoCli } from './espruino-cli';
import { errorText } from '../protocol/errors';

export const HMAC_KEY_FILE = espruinoConfig.storage.hmacKey;
/** Bytes per Storage write in the script: each atob() string stays small on the device. */
const CHUNK = 768;

export interface ProvisionOptions {
  config: ModuleConfig;
  serialPath?: string;
  hmacKey?: Uint8Array;
  kid?: string;
  deviceId?: string;
}

export interface Provisioning {
  config: ModuleConfig;
  /** The Storage files to write (file name = Storage name). */
  files: { [name: string]: Uint8Array };
  /** JavaScript that writes the Storage files on the device. */
  script: string;
}

/** Applies the options to a copy of the configuration; throws with every path-named error if it is not valid. */
export function provisioning(o: ProvisionOptions): Provisioning {
  const config = JSON.parse(JSON.stringify(o.config)) as ModuleConfig;
  if (o.deviceId) config.device.id = o.deviceId;
  if (o.serialPath) for (const bus of config.modbus.buses) bus.path = o.serialPath;
  if (o.hmacKey) {
    if (o.hmacKey.length < HMAC_MIN_KEY_BYTES) throw new Error('--hmac-key: at least ' + HMAC_MIN_KEY_BYTES + ' bytes');
    config.records = {
      ...config.records,
      signer: 'hmac',
      hmacKeyFile: HMAC_KEY_FILE,
      kid: o.kid ?? Buffer.from(config.device.id, 'ascii').toString('hex'),
    };
    delete config.records.atecc608;
  }
  const plan = compilePlan(config, nodeSha256);
  const files: { [name: string]: Uint8Array } = { [espruinoConfig.storage.plan]: plan.bytes };
  if (o.hmacKey) files[HMAC_KEY_FILE] = new Uint8Array(o.hmacKey);
  const writes = Object.keys(files).map((name) => storageWrites(name, Buffer.from(files[name])));
  const script =
    '// CEMS data-output module provisioning for device ' + config.device.id + ' (key material is never printed)\n' +
    '(function(){var S=require("Storage");\n' + writes.join('\n') + '\n' +
    'print("provisioned ' + config.device.id + ': ' + Object.keys(files).join(', ') + '; restart the module to apply");})();\n';
  return { config, files, script };
}

/** Storage writes of exact bytes in chunks: base64 through atob, so any byte value survives the REPL. */
function storageWrites(name: string, bytes: Buffer): string {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const chunk = bytes.subarray(at, Math.min(at + CHUNK, bytes.length)).toString('base64');
    out.push('if(!S.write("' + name + '",atob("' + chunk + '"),' + at + ',' + bytes.length + '))throw new Error("Storage full writing ' + name + '");');
  }
  return out.join('\n');
}

function parseProvisionArgs(argv: string[]): { options: ProvisionOptions; out: string; storageDir: string | null; port: string | null; baud: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'serial-path': { type: 'string' },
      'hmac-key': { type: 'string' },
      kid: { type: 'string' },
      'device-id': { type: 'string' },
      out: { type: 'string', default: 'dist/provision.js' },
      'storage-dir': { type: 'string' },
      port: { type: 'string' },
      baud: { type: 'string', default: String(espruinoConfig.upload.baud) },
    },
  });
  let config = DEFAULT_CONFIG;
  if (values.config) {
    // the strict reader: duplicate keys, non-JSON numbers and bad text are errors with line, column or path
    const parsed = parseModuleConfigText(readFileSync(values.config, 'utf8'));
    if (!parsed.config) throw configError(parsed.errors);
    config = parsed.config;
  }
  return {
    options: {
      config,
      serialPath: values['serial-path'],
      hmacKey: values['hmac-key'] ? new Uint8Array(Buffer.from(values['hmac-key'], 'hex')) : undefined,
      kid: values.kid,
      deviceId: values['device-id'],
    },
    out: values.out,
    storageDir: values['storage-dir'] ?? null,
    port: values.port ?? null,
    baud: Number(values.baud),
  };
}

function main(): void {
  const args = parseProvisionArgs(process.argv.slice(2));
  const p = provisioning(args.options);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, p.script);
  if (args.storageDir !== null) {
    mkdirSync(args.storageDir, { recursive: true });
    for (const name of Object.keys(p.files)) writeFileSync(join(args.storageDir, name), p.files[name]);
  }
  console.log('provisioning for ' + p.config.device.id + ' (' + p.config.emissions.profile + ', signer ' + p.config.records.signer + ') written to ' + args.out);
  if (args.port !== null) {
    runEspruinoCli({ port: args.port, baud: args.baud, out: args.out }, [args.out]);
    console.log('sent to ' + args.port);
  }
}

if (process.argv[1]?.endsWith('scripts/provision.ts')) {
  try {
    main();
  } catch (e) {
    console.error('provision failed: ' + errorText(e));
    process.exit(1);
  }
}
