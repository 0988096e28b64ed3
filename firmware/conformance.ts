// Conformance bundle: protocol/ vector runners and benchmark loops, built exactly like the firmware, so the same
// inputs run on Espruino (or in the Espruino-profile sandbox) and in Node and their outputs can be compared byte for
// byte. Results are hex strings or arrays of them: never decimal text of floats (espruino.md §3).
import { sha256 } from './platform';
import { toHex } from '../protocol/bytes';

interface BenchLoop {
  unit: string;
  iterations: number;
  run(n: number): number;
}

const vectors: { [name: string]: () => unknown } = {
  sha256Abc: () => toHex(sha256(new Uint8Array([97, 98, 99]))),
};

const bench: { [name: string]: BenchLoop } = {};

(globalThis as { [k: string]: unknown }).CONFORMANCE = { vectors, bench };
