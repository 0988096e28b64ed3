// Conformance bundle (dist/conformance.js): the vector runners of every protocol area and the benchmark loops, built
// exactly like the firmware and checked by the same Espruino gate, so the same fixed inputs run on Espruino (or in the
// Espruino-profile sandbox) and in Node and their outputs can be compared byte for byte. Every result is JSON-safe:
// hex strings, ASCII text, small integers and booleans; floats only as float64 bits in hex (espruino.md §3).
// CONFORMANCE.atecc signs records through the firmware's secure-element path (EspruinoI2cBus on I2C1, the driver,
// Atecc608Signer, RecordChain): asynchronous, because the chip's execution times go through setTimeout.
import { openSecureElement } from './atecc608/secure-element';
import { sha256 } from './platform';
import { toHex } from '../protocol/bytes';
import { ateccCrcVectors, ateccPacketVectors, ateccResponseVectors, type AteccSignDone } from '../protocol/atecc608/vectors';
import { processMinutes } from '../test/kit/cems-bench';
import { runCemsVectorsHex } from '../test/kit/cems-vectors';
import { consoleTranscriptVector } from '../protocol/console/vectors';
import { decodeLoop } from '../test/kit/modbus-bench';
import {
  modbusCodecVectors,
  modbusCrcVectors,
  modbusEncodeVectors,
  modbusFramerVector,
  modbusRegisterVectors,
} from '../test/kit/modbus-vectors';
import { bootedChain, createRecordBuildLoop, createRecordVerifyLoop } from '../protocol/record/bench-loop';
import type { RecordChain } from '../protocol/record/chain';
import { fixtureHourlyBody } from '../protocol/record/fixtures';
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

// The secure element (ATECC608 at 0x60 on I2C1, SCL D22 / SDA D21, key slot 0) and the chain it signs, opened by the
// first signRecords call; later calls continue the same chain.
let ateccChain: RecordChain | null = null;
let ateccKid = '';
let ateccHour = 0;

function openAteccChain(done: (err: string | null) => void): void {
  openSecureElement({ i2c: I2C1, scl: 'D22', sda: 'D21', address: 0x60, slot: 0, gpioWake: false }, function (err, signer) {
    if (err || !signer) {
      done(err ? err.code + ': ' + err.message : 'ATECC_NO_SIGNER: no signer');
      return;
    }
    ateccKid = toHex(signer.kid);
    bootedChain(sha256, signer, function (bootErr, chain) {
      if (bootErr) {
        done(bootErr.code + ': ' + bootErr.message);
        return;
      }
      ateccChain = chain;
      done(null);
    });
  });
}

/** Appends n 10-quantity hourly records one after another (each waits for the chip's signature). */
function signHourlyRecords(chain: RecordChain, n: number, done: AteccSignDone): void {
  let signed = 0;
  let bytes = 0;
  let last: Uint8Array | null = null;
  function next(): void {
    if (signed === n) {
      done(null, { records: signed, bytes: bytes, kid: ateccKid, last: last === null ? '' : toHex(last) });
      return;
    }
    const body = fixtureHourlyBody(ateccHour, 0);
    ateccHour++;
    chain.append(body, function (err, rec) {
      if (err || !rec) {
        done(err ? err.code + ': ' + err.message : 'CHAIN_SIGN: no record', null);
        return;
      }
      signed++;
      bytes += rec.length;
      last = rec;
      next();
    });
  }
  next();
}

const atecc = {
  signRecords: function (n: number, done: AteccSignDone): void {
    if (ateccChain !== null) {
      signHourlyRecords(ateccChain, n, done);
      return;
    }
    openAteccChain(function (err) {
      if (err !== null || ateccChain === null) done(err, null);
      else signHourlyRecords(ateccChain, n, done);
    });
  },
};

(globalThis as { [k: string]: unknown }).CONFORMANCE = { vectors: vectors, bench: bench, atecc: atecc };
