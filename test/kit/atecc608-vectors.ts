// Cross-platform conformance runners for the ATECC608 protocol: CRC check values and the exact command writes the
// driver puts on the bus for every command the module uses (as cryptoauthlib's command builders and atCRC in
// lib/calib/calib_command.c produce them). Run in Node and on Espruino
// (dist/conformance.js), the results must be identical.
import { asciiBytes, toHex } from '../../protocol/bytes';
import type { I2cBus, Scheduler } from '../../protocol/ports';
import { genKeyPublic, infoRevision, nonceLoadMsgDigest, random, readConfigBlock, signMsgDigest } from '../../protocol/atecc608/commands';
import { WORD_ADDRESS_COMMAND } from '../../protocol/atecc608/constants';
import { atcaCrc16 } from '../../protocol/atecc608/crc';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { responseCrcOk } from '../../protocol/atecc608/packet';

export interface AteccCrcVector {
  input: string;
  /** The CRC as it goes on the wire: low byte first. */
  wire: string;
}

/**
 * CRC check values (cryptoauthlib atCRC): CRC(04 11) = 33 43 (the wake token 04 11 33 43 that hal_check_wake in
 * lib/hal/atca_hal.c expects), CRC(04 00) = 03 40, CRC("123456789") = dd bc.
 */
export function ateccCrcVectors(): AteccCrcVector[] {
  const inputs = [new Uint8Array([0x04, 0x11]), new Uint8Array([0x04, 0x00]), asciiBytes('123456789'), new Uint8Array(0)];
  const out: AteccCrcVector[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const crc = atcaCrc16(inputs[i], 0, inputs[i].length);
    out.push({ input: toHex(inputs[i]), wire: toHex(new Uint8Array([crc & 0xff, crc >> 8])) });
  }
  return out;
}

type Issue = (dev: Atecc608) => void;

/**
 * The command write a fresh driver puts on the bus when `issue` runs a command. The bus records command writes and
 * the scheduler never fires, so the transaction stops right after the write (no response is ever read).
 */
function commandWrite(issue: Issue): string {
  const writes: string[] = [];
  const bus: I2cBus = {
    write: function (_address: number, data: Uint8Array): void {
      if (data[0] === WORD_ADDRESS_COMMAND) writes.push(toHex(data));
    },
    read: function (): Uint8Array {
      throw new Error('no response in a packet vector');
    },
    delayUs: function (): void {},
  };
  const never: Scheduler = { after: function (): void {} };
  issue(new Atecc608(bus, never, atecc608Options(0x60)));
  return writes.join(' ');
}

function ignore(): void {}

export interface AteccPacketVector {
  command: string;
  packet: string;
}

/** The command packets as cryptoauthlib builds them and the driver writes them (word address first). */
export function ateccPacketVectors(): AteccPacketVector[] {
  const zeros = new Uint8Array(32);
  const cases: { command: string; issue: Issue }[] = [
    { command: 'info-revision', issue: function (d) { infoRevision(d, ignore); } },
    { command: 'random-seed-update', issue: function (d) { random(d, ignore); } },
    { command: 'genkey-public-slot0', issue: function (d) { genKeyPublic(d, 0, ignore); } },
    { command: 'read-config-block0', issue: function (d) { readConfigBlock(d, 0, ignore); } },
    { command: 'sign-external-msgdigbuf-slot0', issue: function (d) { signMsgDigest(d, 0, ignore); } },
    { command: 'nonce-passthrough-msgdigbuf-zeros', issue: function (d) { nonceLoadMsgDigest(d, zeros, ignore); } },
  ];
  const out: AteccPacketVector[] = [];
  for (let i = 0; i < cases.length; i++) out.push({ command: cases[i].command, packet: commandWrite(cases[i].issue) });
  return out;
}

/** Response frames the driver's CRC check accepts or rejects: the wake token, a status packet, a corrupted token. */
export function ateccResponseVectors(): boolean[] {
  return [
    responseCrcOk(new Uint8Array([0x04, 0x11, 0x33, 0x43])),
    responseCrcOk(new Uint8Array([0x04, 0x00, 0x03, 0x40])),
    responseCrcOk(new Uint8Array([0x04, 0x11, 0x33, 0x42])),
    responseCrcOk(new Uint8Array([0x03, 0x11, 0x33, 0x43])),
  ];
}

/** What the conformance bundle's CONFORMANCE.atecc.signRecords (firmware/conformance.ts) reports; JSON-safe. */
export interface AteccSignResult {
  /** Period records signed by this call. */
  records: number;
  /** Their total COSE_Sign1 bytes. */
  bytes: number;
  kid: string;
  /** The last record, COSE_Sign1 bytes in hex. */
  last: string;
}

/** `err` is "CODE: message" (JSON-safe) or null. */
export type AteccSignDone = (err: string | null, result: AteccSignResult | null) => void;
