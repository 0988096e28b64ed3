// What the device may run: every source file bundled into the resident firmware and its Storage modules must be
// device code. Host-only code (configuration validation and compilation, the reference CBOR codec and schema decoder,
// COSE verification, the simulator, test kits) must never reach the device: it would cost flash and RAM and blur what
// was verified. Checked on the bundler's own list of inputs (esbuild metafile), so it sees exactly what is bundled.
import { build, type Metafile } from 'esbuild';
import { espruinoBuildOptions } from './build';

/** Source files (paths relative to the repository root) the device code may consist of. */
export const DEVICE_CODE: RegExp[] = [
  /^firmware\/[^/]+\.ts$/,
  /^firmware\/modules\/[^/]+\.ts$/,
  /^espruino\.config\.js$/,
  /^protocol\/(bytes|errors|ports|sample)\.ts$/,
  /^protocol\/plan\/(format|reader|views)\.ts$/,
  /^protocol\/cems\/(engine|close|codes|calrange|p75|snapshot|numbers|time)\.ts$/,
  /^protocol\/modbus\/(rtu-master|rtu-poller|crc16)\.ts$/,
  /^protocol\/record\/(cbor-writer|record-writer|period-record|event-record|cose-seal|chain-state|hmac|hmac-signer|signer)\.ts$/,
  /^protocol\/module\/(records|seal|status-window|record-text)\.ts$/,
  /^protocol\/atecc608\/(driver|operations|commands|packet|crc|constants|status|exec-times|signer)\.ts$/,
  /^protocol\/console\/line-reader\.ts$/,
];

export function isDeviceCode(path: string): boolean {
  for (const re of DEVICE_CODE) if (re.test(path)) return true;
  return false;
}

/** The source files esbuild bundles for a device entry (conformance builds excluded). */
export async function bundledInputs(entry: string): Promise<string[]> {
  const r = await build({ ...espruinoBuildOptions, entryPoints: [entry], metafile: true, sourcemap: false, outfile: 'graph.js' });
  return Object.keys((r.metafile as Metafile).inputs).filter((p) => !p.startsWith('<'));
}

/** Inputs of the device entry that are not device code (empty when the graph is clean). */
export async function foreignInputs(entry: string): Promise<string[]> {
  return (await bundledInputs(entry)).filter((p) => !isDeviceCode(p));
}
