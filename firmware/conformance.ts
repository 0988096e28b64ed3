// Conformance bundle (dist/conformance.js): the vector runners of every protocol area and the benchmark loops, built
// exactly like the firmware and checked by the same Espruino gate, so the same fixed inputs run on Espruino (or in the
// Espruino-profile sandbox) and in Node and their outputs can be compared byte for byte. Every result is JSON-safe:
// hex strings, ASCII text, small integers and booleans; floats only as float64 bits in hex.
// CONFORMANCE.atecc seals the fixture plant's hourly records through the device's records service, signed by the
// firmware's secure-element path (the signer of firmware/signer.ts over the cems.se module, linked in here instead of
// loaded from Storage: EspruinoI2cBus on I2C1, the ATECC608 driver): asynchronous, because the chip's execution
// times go through setTimeout.
import * as SECURE_ELEMENT from './modules/secure-element';
import { sha256 } from './platform';
import { openSecureElementSigner, type SecureElementModule, type SecureElementPlan } from './signer';
import { toHex } from '../protocol/bytes';
import { ateccCrcVectors, ateccPacketVectors, ateccResponseVectors, type AteccSignDone } from '../test/kit/atecc608-vectors';
import { processMinutes } from '../test/kit/cems-bench';
import { runCemsVectorsHex } from '../test/kit/cems-vectors';
import { consoleInputVector } from '../test/kit/console-vectors';
import { decodeLoop } from '../test/kit/modbus-bench';
import {
  modbusCodecVectors,
  modbusCrcVectors,
  modbusEncodeVectors,
  modbusFramerVector,
  modbusRegisterVectors,
} from '../test/kit/modbus-vectors';
import { createRecordBuildLoop, createRecordVerifyLoop } from '../test/kit/record-bench';
import { goldenRecordsHex } from '../test/kit/record-golden';
import { bootedRecords, sealHours, type RecordKit } from '../test/kit/record-kit';

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
  consoleInput: consoleInputVector,
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

// The secure element: ATECC608 at 0x60 on I2C1 (SCL GPIO22, SDA GPIO21; firmware/board.ts), key slot 0.
const SECURE_ELEMENT_PLAN: SecureElementPlan = { bus: 0, scl: 22, sda: 21, address: 0x60, slot: 0, gpioWake: false };

function linkedSecureElement(): SecureElementModule {
  return SECURE_ELEMENT;
}

function keepLinked(): void {}

// The records service the chip signs for, booted by the first signRecords call; later calls continue its chain.
let ateccKit: RecordKit | null = null;
let ateccKid = '';

function openAteccKit(done: (err: string | null) => void): void {
  openSecureElementSigner(SECURE_ELEMENT_PLAN, linkedSecureElement, keepLinked, function (err, signer) {
    if (err || !signer) {
      done(err ? err.code + ': ' + err.message : 'ATECC_NO_SIGNER: no signer');
      return;
    }
    ateccKid = toHex(signer.kid);
    bootedRecords(sha256, signer, function (bootErr, kit) {
      if (bootErr !== null) {
        done(bootErr);
        return;
      }
      ateccKit = kit;
      done(null);
    });
  });
}

/** Closes the next n fixture hours (two record parts each), each part waiting for the chip's signature. */
function signHours(kit: RecordKit, n: number, done: AteccSignDone): void {
  sealHours(kit, n, function (err, records) {
    if (err !== null) {
      done(err, null);
      return;
    }
    let bytes = 0;
    for (let i = 0; i < records.length; i++) bytes += records[i].length;
    // the records are reported, not kept: memory stays flat over long runs (splice: an array's length is read-only on
    // Espruino, src/jsparse.c jspGetNamedField marks it JSV_CONSTANT)
    kit.sealed.splice(0, kit.sealed.length);
    done(null, { records: records.length, bytes: bytes, kid: ateccKid, last: records.length === 0 ? '' : toHex(records[records.length - 1]) });
  });
}

const atecc = {
  /** Seals n fixture hours signed by the secure element; `done` with the record parts they gave. */
  signRecords: function (n: number, done: AteccSignDone): void {
    if (ateccKit !== null) {
      signHours(ateccKit, n, done);
      return;
    }
    openAteccKit(function (err) {
      if (err !== null || ateccKit === null) done(err, null);
      else signHours(ateccKit, n, done);
    });
  },
};

(globalThis as { [k: string]: unknown }).CONFORMANCE = { vectors: vectors, bench: bench, atecc: atecc };
