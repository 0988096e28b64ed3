// Conformance bundle (dist/conformance.js): the vector runners of every protocol area and the benchmark loops, built
// exactly like the firmware and checked by the same Espruino gate, so the same fixed inputs run on Espruino (or in the
// Espruino-profile sandbox) and in Node and their outputs can be compared byte for byte. Every result is JSON-safe:
// hex strings, ASCII text, small integers and booleans; floats only as float64 bits in hex (espruino.md §3).
import { sha256 } from './platform';
import { toHex } from '../protocol/bytes';
import { ateccCrcVectors, ateccPacketVectors, ateccResponseVectors } from '../protocol/atecc608/vectors';
import { processMinutes } from '../protocol/cems/bench-loop';
import { runCemsVectorsHex } from '../protocol/cems/vectors';
import { consoleTranscriptVector } from '../protocol/console/vectors';
import { decodeLoop } from '../protocol/modbus/bench-loop';
import {
  modbusCodecVectors,
  modbusCrcVectors,
  modbusEncodeVectors,
  modbusFramerVector,
  modbusRegisterVectors,
} from '../protocol/modbus/vectors';
import { createRecordBuildLoop, createRecordVerifyLoop } from '../protocol/record/bench-loop';
import { goldenRecordsHex } from '../protocol/record/golden';

interface BenchLoop {
  unit: string;
  iterations: number;
  /** Runs n iterations; returns a checksum so the work cannot be skipped. */
  run(n: number): number;
}

const vectors: { [name: string]: () => unknown } = {
  sha256Abc: function () {
    return toHex(sha256(new Uint8Array([97, 98, 99])));
  },
  modbusCrc: modbusCrcVectors,
  modbusCodec: modbusCodecVectors,
  modbusRegisters: modbusRegisterVectors,
  modbusEncode: modbusEncodeVectors,
  modbusFramer: modbusFramerVector,
  cems: runCemsVectorsHex,
  records: function () {
    return goldenRecordsHex(sha256);
  },
  ateccCrc: ateccCrcVectors,
  ateccPackets: ateccPacketVectors,
  ateccResponses: ateccResponseVectors,
  consoleTranscript: consoleTranscriptVector,
};

const bench: { [name: string]: BenchLoop } = {
  modbusDecode: { unit: 'responses', iterations: 20000, run: decodeLoop },
  cemsMinutes: {
    unit: 'minutes-of-data',
    iterations: 1440,
    run: function (n) {
      return processMinutes(n);
    },
  },
  recordBuild: createRecordBuildLoop(sha256),
  recordVerify: createRecordVerifyLoop(sha256),
};

(globalThis as { [k: string]: unknown }).CONFORMANCE = { vectors: vectors, bench: bench };
