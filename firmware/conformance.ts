// Conformance bundle: the protocol/ vector runners, built exactly like the firmware, so the same inputs can be run on
// Espruino (or the Espruino-profile sandbox) and in Node and their outputs compared byte for byte.
import { sha256 } from './platform';
import { toHex } from '../protocol/bytes';

const runners: { [name: string]: () => unknown } = {
  sha256Abc: () => toHex(sha256(new Uint8Array([97, 98, 99]))),
};

(globalThis as { [k: string]: unknown }).CONFORMANCE = runners;
