// `npm run provision -- [options]`: writes a module configuration (and, for the HMAC signer, its key) into the
// device's Storage. The configuration is validated here exactly as the firmware will validate it; an invalid one is
// never sent. Without --port it only writes the provisioning script (default dist/provision.js), which the espruino
// CLI, the REPL, or Espruino's Linux build (`espruino dist/provision.js`) can run.
//
//   --config FILE       module configuration JSON (docs/configuration.md); default: the embedded default
//   --serial-path PATH  open every RS-485 bus by device path (Espruino's Linux build, e.g. a pty from socat)
//   --hmac-key HEX      sign records with HMAC-SHA256 under this key (>= 32 bytes) instead of the ATECC608
//   --kid HEX           key id carried in the records (HMAC; default: the device id in ASCII)
//   --device-id ID      override device.id
//   --out FILE          where to write the provisioning script
//   --port P --baud N   also send it to a device (serial or tcp://host:port)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModuleConfig } from '../protocol/module/config-types';
import { validateModuleConfig } from '../protocol/module/config';
import { DEFAULT_CONFIG } from '../protocol/module/default-config';
import { HMAC_MIN_KEY_BYTES } from '../protocol/record/hmac-signer';
import { espruinoConfig } from './espruino-config';
import { runEspruinoCli } from './espruino-cli';

export const HMAC_KEY_FILE = 'cems.key';

export interface ProvisionOptions {
  config: ModuleConfig;
  serialPath?: string;
  hmacKey?: Uint8Array;
  kid?: string;
  deviceId?: string;
}

export interface Provisioning {
  config: ModuleConfig;
  configText: string;
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
  const result = validateModuleConfig(config);
  if (result.errors.length) throw new Error('configuration is not valid:\n  ' + result.errors.join('\n  '));
  const configText = JSON.stringify(config, null, 1) + '\n';
  const writes = [storageWrite(espruinoConfig.storage.config, Buffer.from(configText, 'ascii'))];
  if (o.hmacKey) writes.push(storageWrite(HMAC_KEY_FILE, Buffer.from(o.hmacKey)));
  const script =
    '// CEMS data-output module provisioning for device ' + config.device.id + ' (key material is never printed)\n' +
    '(function(){var S=require("Storage");\n' + writes.join('\n') + '\n' +
    'print("provisioned ' + config.device.id + ': ' + espruinoConfig.storage.config + (o.hmacKey ? ', ' + HMAC_KEY_FILE : '') +
    '; restart the module to apply");})();\n';
  return { config, configText, script };
}

/** A Storage write of exact bytes: base64 through atob, so any byte value survives the REPL. */
function storageWrite(name: string, bytes: Buffer): string {
  return 'if(!S.write("' + name + '",atob("' + bytes.toString('base64') + '")))throw new Error("Storage full writing ' + name + '");';
}

function parseProvisionArgs(argv: string[]): { options: ProvisionOptions; out: string; port: string | null; baud: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'serial-path': { type: 'string' },
      'hmac-key': { type: 'string' },
      kid: { type: 'string' },
      'device-id': { type: 'string' },
      out: { type: 'string', default: 'dist/provision.js' },
      port: { type: 'string' },
      baud: { type: 'string', default: String(espruinoConfig.upload.baud) },
    },
  });
  const config = values.config ? (JSON.parse(readFileSync(values.config, 'utf8')) as ModuleConfig) : DEFAULT_CONFIG;
  return {
    options: {
      config,
      serialPath: values['serial-path'],
      hmacKey: values['hmac-key'] ? new Uint8Array(Buffer.from(values['hmac-key'], 'hex')) : undefined,
      kid: values.kid,
      deviceId: values['device-id'],
    },
    out: values.out,
    port: values.port ?? null,
    baud: Number(values.baud),
  };
}

function main(): void {
  const args = parseProvisionArgs(process.argv.slice(2));
  const p = provisioning(args.options);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, p.script);
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
    console.error('provision failed: ' + (e as Error).message);
    process.exit(1);
  }
}
