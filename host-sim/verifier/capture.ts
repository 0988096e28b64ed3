// Capture files: records as captured (journal dump, MQTT stream) plus the verification keys, as JSON. The same format
// feeds the TypeScript verifier CLI and the independent Python verifier (test/interop/records/verify_records.py):
//   {"keys": {"hmac": {KID_HEX: KEY_HEX}, "es256": {KID_HEX: {"x": HEX, "y": HEX}}}, "records": [COSE_HEX, ...]}
import { readFileSync, writeFileSync } from 'node:fs';
import { fromHex, toHex } from '../../protocol/bytes';
import { es256PublicKeyFromRaw } from '../record/es256-signer';
import { KeyRing } from './keys';

export interface CaptureKeys {
  hmac?: { [kidHex: string]: string };
  es256?: { [kidHex: string]: { x: string; y: string } };
}

export interface CaptureFile {
  keys: CaptureKeys;
  records: string[];
}

export function captureToJson(records: Uint8Array[], keys: CaptureKeys): string {
  const file: CaptureFile = { keys, records: records.map(toHex) };
  return JSON.stringify(file, null, 1) + '\n';
}

export function writeCapture(path: string, records: Uint8Array[], keys: CaptureKeys): void {
  writeFileSync(path, captureToJson(records, keys));
}

export function keyRingFrom(keys: CaptureKeys): KeyRing {
  const ring = new KeyRing();
  for (const [kid, secret] of Object.entries(keys.hmac ?? {})) ring.addHmacKey(fromHex(kid), fromHex(secret));
  for (const [kid, p] of Object.entries(keys.es256 ?? {})) ring.addEs256Key(fromHex(kid), es256PublicKeyFromRaw(fromHex(p.x), fromHex(p.y)));
  return ring;
}

export function readCapture(path: string): { records: Uint8Array[]; keys: KeyRing } {
  const file = JSON.parse(readFileSync(path, 'utf8')) as CaptureFile;
  return { records: file.records.map(fromHex), keys: keyRingFrom(file.keys) };
}
