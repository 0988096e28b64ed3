// The Node reference of dist/conformance.js: every vector and benchmark loop of CONFORMANCE computed by calling the
// protocol functions directly on V8, with Node's builtins and Node's SHA-256.
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { asciiBytes, toHex } from '../../protocol/bytes';
import { ateccCrcVectors, ateccPacketVectors, ateccResponseVectors } from '../kit/atecc608-vectors';
import { processMinutes } from '../kit/cems-bench';
import { runCemsVectorsHex } from '../kit/cems-vectors';
import { consoleInputVector } from '../kit/console-vectors';
import { decodeLoop } from '../kit/modbus-bench';
import {
  modbusCodecVectors,
  modbusCrcVectors,
  modbusEncodeVectors,
  modbusFramerVector,
  modbusRegisterVectors,
} from '../kit/modbus-vectors';
import { createRecordBuildLoop, createRecordVerifyLoop } from '../kit/record-bench';
import { goldenRecordsHex } from '../kit/record-golden';

/** CONFORMANCE.vectors.<name>() as Node computes it. */
export const NODE_VECTORS: { [name: string]: () => unknown } = {
  sha256Abc: () => toHex(nodeSha256(asciiBytes('abc'))),
  modbusCrc: modbusCrcVectors,
  modbusCodec: modbusCodecVectors,
  modbusRegisters: modbusRegisterVectors,
  modbusEncode: modbusEncodeVectors,
  modbusFramer: modbusFramerVector,
  cems: runCemsVectorsHex,
  records: () => goldenRecordsHex(nodeSha256),
  ateccCrc: ateccCrcVectors,
  ateccPackets: ateccPacketVectors,
  ateccResponses: ateccResponseVectors,
  consoleInput: consoleInputVector,
};

/** CONFORMANCE.bench.<name> as Node builds it: a fresh loop whose run(n) keeps its state from call to call (the
 *  record loop seals hour after hour), as the bundle's loop objects do. */
export const NODE_BENCH_LOOPS: { [name: string]: () => (n: number) => number } = {
  modbusDecode: () => decodeLoop,
  cemsMinutes: () => processMinutes,
  recordBuild: () => {
    const loop = createRecordBuildLoop(nodeSha256);
    return (n) => loop.run(n);
  },
  recordVerify: () => {
    const loop = createRecordVerifyLoop(nodeSha256);
    return (n) => loop.run(n);
  },
};

/** CONFORMANCE.bench.<name>.run(n) on a fresh loop as Node computes it: the checksum of n iterations. */
export const NODE_BENCH: { [name: string]: (n: number) => number } = {};
for (const name of Object.keys(NODE_BENCH_LOOPS)) NODE_BENCH[name] = (n) => NODE_BENCH_LOOPS[name]()(n);
