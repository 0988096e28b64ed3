// Cross-platform conformance runners for the Modbus RTU core: fixed inputs through CRC, codec, register decoding and
// the device's runtime (framing in rtu-master.ts, decoding and status in rtu-poller.ts). Run in Node and on Espruino
// (dist/conformance.js), the results must be identical; numbers that are not small integers leave as float64 bits in
// hex (never decimal text).
import { asciiBytes, concatBytes, fromHex, toHex } from '../../protocol/bytes';
import {
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  encodeWriteResponse,
  parseRequest,
  readRequest,
  requestException,
  type ModbusRequest,
} from '../../protocol/modbus/codec';
import { crc16 } from '../../protocol/modbus/crc16';
import { VALUE_TYPES, WORD_ORDERS, encodeRegisters, type ValueType } from '../../protocol/modbus/registers';
import { C, M, Outcome } from '../../protocol/modbus/rtu-master';
import { createRtuBus, decodeValue, pollerBytes, pollerTick, pollerWake } from '../../protocol/modbus/rtu-poller';
import { OrderCode, Read, ValueCode } from '../../protocol/plan/format';
import { decodeResponse, writeCoilRequest, writeCoilsRequest, writeRegisterRequest, writeRegistersRequest } from './modbus-codec';
import { KitPlan, pollRound, type KitLine } from './modbus-plan';

/** The slave address of the Modbus Application Protocol v1.1b3 §6 examples. */
export const VECTOR_SLAVE = 0x11;

/** 9600 8N1, no retries; a device that never goes offline. */
const VECTOR_LINE: KitLine = {
  baud: 9600,
  charBits: 10,
  responseTimeoutMs: 1000,
  silenceTimeoutMs: 100,
  interFrameMs: 4,
  retries: 0,
  offlineAfter: 1000,
};

/** The data segment of HJ 212-2017's own packet example (length 0101; its HJ 212 CRC, Annex A, is 1C80). */
export const HJ212_EXAMPLE =
  'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&';

const F64 = new Uint8Array(8);

/** Big-endian float64 bits of x, through the register encoder (DataView): exact on every platform. */
function f64Hex(x: number): string {
  encodeRegisters(x, 'float64', 'ABCD', F64, 0);
  return toHex(F64);
}

function hex16(v: number): string {
  return toHex(new Uint8Array([(v >> 8) & 0xff, v & 0xff]));
}

export interface CrcVector {
  input: string;
  crc: string;
}

/** CRC-16/MODBUS (value, high byte first) of fixed inputs: catalogue check, HJ 212 example, empty, request frames. */
export function modbusCrcVectors(): CrcVector[] {
  const inputs = [
    asciiBytes('123456789'),
    asciiBytes(HJ212_EXAMPLE),
    new Uint8Array(0),
    fromHex('11 03 00 6b 00 03'),
    fromHex('01 04 13 88 00 07'),
    fromHex('ff ff ff ff ff ff ff ff'),
  ];
  const out: CrcVector[] = [];
  for (let i = 0; i < inputs.length; i++) {
    out.push({ input: toHex(inputs[i]), crc: hex16(crc16(inputs[i], 0, inputs[i].length)) });
  }
  return out;
}

interface Exchange {
  req: ModbusRequest;
  res: Uint8Array;
}

/** The request/response pairs of the Modbus Application Protocol v1.1b3 §6 examples, one per function code. */
function specExchanges(): Exchange[] {
  const s = VECTOR_SLAVE;
  const coils = [1, 0, 1, 1, 0, 0, 1, 1, 1, 0];
  return [
    { req: readRequest(s, 1, 0x13, 0x13), res: encodeReadResponse(s, 1, fromHex('cd 6b 05')) },
    { req: readRequest(s, 2, 0xc4, 0x16), res: encodeReadResponse(s, 2, fromHex('ac db 35')) },
    { req: readRequest(s, 3, 0x6b, 3), res: encodeReadResponse(s, 3, fromHex('02 2b 00 00 00 64')) },
    { req: readRequest(s, 4, 0x08, 1), res: encodeReadResponse(s, 4, fromHex('00 0a')) },
    { req: writeCoilRequest(s, 0xac, true), res: encodeWriteResponse(s, 5, 0xac, 0xff00) },
    { req: writeRegisterRequest(s, 0x01, 3), res: encodeWriteResponse(s, 6, 0x01, 3) },
    { req: writeCoilsRequest(s, 0x13, coils), res: encodeWriteResponse(s, 15, 0x13, coils.length) },
    { req: writeRegistersRequest(s, 0x01, [0x000a, 0x0102]), res: encodeWriteResponse(s, 16, 0x01, 2) },
    { req: readRequest(s, 3, 0x6b, 3), res: encodeExceptionResponse(s, 3, 2) },
    { req: writeRegistersRequest(s, 0x01, [0x000a, 0x0102]), res: encodeExceptionResponse(s, 16, 4) },
  ];
}

export interface CodecVector {
  fc: number;
  request: string;
  /** The request as a slave parses it back: slave, fc, address, quantity, data, exception it would answer. */
  parsed: string;
  response: string;
  /** The response as the master decodes it against the request: fc, exception, data, address, value. */
  decoded: string;
}

/** Encoded requests and responses for every function code and two exceptions, and both sides' parse of them. */
export function modbusCodecVectors(): CodecVector[] {
  const ex = specExchanges();
  const out: CodecVector[] = [];
  for (let i = 0; i < ex.length; i++) {
    const adu = encodeRequest(ex[i].req);
    const back = parseRequest(adu, 0, adu.length);
    const res = decodeResponse(ex[i].res, ex[i].req);
    out.push({
      fc: ex[i].req.fc,
      request: toHex(adu),
      parsed: [back.slave, back.fc, back.address, back.quantity, back.data ? toHex(back.data) : '-', requestException(back)].join(' '),
      response: toHex(ex[i].res),
      decoded: [res.fc, res.exception, res.data ? toHex(res.data) : '-', res.address, res.value].join(' '),
    });
  }
  return out;
}

/** Register words (8 bytes, enough for float64) chosen so that no type in no word order decodes to NaN. */
export const REGISTER_WORDS = ['40490fdb c1234567', '3f800000 00000001', 'bf9d70a4 7ef0fedc', '00010002 80000000'];

export interface RegisterVector {
  words: string;
  /** type/order -> decoded value as float64 bits. */
  values: { [typeOrder: string]: string };
  /** Bits 0..63 of the words as coils, LSB first. */
  bits: string;
  /** raw int16 ABCD / 10, uint16 ABCD * 3 / 4 - 40, float32 CDAB / 1000: the configured scalings. */
  scaled: string[];
}

/** The values of the channels of `kit` after one poll round with `responses` (one per read), in channel order. */
function polledValues(kit: KitPlan, responses: Uint8Array[]): number[] {
  const values: number[] = [];
  const r = createRtuBus(kit.tables(), 0, { write: function (): void {} }, function (acq: number, _tMs: number, value: number): void {
    values[acq] = value;
  });
  pollRound(r, responses, 0);
  return values;
}

/** Every value type in every word order decoded from fixed words, the coil view and some scalings. */
export function modbusRegisterVectors(): RegisterVector[] {
  const out: RegisterVector[] = [];
  for (let w = 0; w < REGISTER_WORDS.length; w++) {
    const data = fromHex(REGISTER_WORDS[w]);
    const values: { [typeOrder: string]: string } = {};
    for (let t = 0; t < VALUE_TYPES.length; t++) {
      if (t === ValueCode.BIT) continue;
      for (let o = 0; o < WORD_ORDERS.length; o++) values[VALUE_TYPES[t] + '/' + WORD_ORDERS[o]] = f64Hex(decodeValue(data, 0, t, o));
    }
    // The words as 64 coils and as registers, read by channels of one device.
    const kit = new KitPlan(VECTOR_SLAVE, VECTOR_LINE, 1000);
    const coils = kit.read(1, 0, 64);
    const regs = kit.read(3, 0, 4);
    for (let b = 0; b < 64; b++) kit.channel(coils, b, ValueCode.BIT, OrderCode.ABCD, 1, 1, 0);
    kit.channel(regs, 0, ValueCode.INT16, OrderCode.ABCD, 1, 10, 0);
    kit.channel(regs, 0, ValueCode.UINT16, OrderCode.ABCD, 3, 4, -40);
    kit.channel(regs, 0, ValueCode.FLOAT32, OrderCode.CDAB, 1, 1000, 0);
    const polled = polledValues(kit, [encodeReadResponse(VECTOR_SLAVE, 1, data), encodeReadResponse(VECTOR_SLAVE, 3, data)]);
    let bits = '';
    for (let b = 0; b < 64; b++) bits += polled[b] ? '1' : '0';
    out.push({
      words: REGISTER_WORDS[w],
      values: values,
      bits: bits,
      scaled: [f64Hex(polled[64]), f64Hex(polled[65]), f64Hex(polled[66])],
    });
  }
  return out;
}

/** Values written as registers (slave side, write requests): type, order, value -> register bytes. */
export function modbusEncodeVectors(): string[] {
  // Values as num / den, divided at run time (esbuild would fold a literal 1 / 3 into inexact decimal text).
  const cases: { num: number; den: number; type: ValueType }[] = [
    { num: 1, den: 3, type: 'float32' },
    { num: 1, den: 3, type: 'float64' },
    { num: -5, den: 2, type: 'float32' },
    { num: 98765, den: 1000, type: 'float64' },
    { num: -123456789, den: 1, type: 'int32' },
    { num: 4000000000, den: 1, type: 'uint32' },
    { num: -1234, den: 1, type: 'int16' },
    { num: 65535, den: 1, type: 'uint16' },
  ];
  const out: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    for (let o = 0; o < WORD_ORDERS.length; o++) {
      const regs = new Uint8Array(8);
      encodeRegisters(c.num / c.den, c.type, WORD_ORDERS[o], regs, 0);
      out.push(c.type + '/' + WORD_ORDERS[o] + ' ' + toHex(regs));
    }
  }
  return out;
}

/** The reads of the framer vector: fc, address, quantity. */
const FRAMER_READS = [
  [3, 0x6b, 3],
  [1, 0x13, 0x13],
  [2, 0xc4, 0x16],
  [3, 0, 1],
  [4, 16, 2],
  [3, 32, 3],
  [4, 48, 4],
  [3, 64, 5],
  [4, 80, 6],
  [3, 96, 7],
  [4, 112, 8],
  [3, 128, 9],
  [4, 144, 10],
  [3, 160, 11],
  [4, 176, 12],
  [4, 0x08, 1],
  [3, 0, 120],
  [4, 0x10, 2],
];

/** One device polling FRAMER_READS, one channel on each (the first coil or register of the read). */
function framerPlan(): KitPlan {
  const kit = new KitPlan(VECTOR_SLAVE, VECTOR_LINE, 1000);
  for (let i = 0; i < FRAMER_READS.length; i++) {
    const fc = FRAMER_READS[i][0];
    kit.channel(kit.read(fc, FRAMER_READS[i][1], FRAMER_READS[i][2]), 0, fc <= 2 ? ValueCode.BIT : ValueCode.UINT16, OrderCode.ABCD, 1, 1, 0);
  }
  return kit;
}

function flipped(frame: Uint8Array, byte: number): Uint8Array {
  const out = new Uint8Array(frame);
  out[byte] ^= 0x40;
  return out;
}

/**
 * What the slave side sends for each read of framerPlan(): the answer behind garbage, another slave's frame, a wrong
 * function and a corrupted copy, then more garbage; the answer behind a false start; an exception and answers behind
 * pseudo-random noise; a corrupted answer alone (a CRC error); a false start announcing more bytes than ever come,
 * hiding an exception (found only at the silence that follows); nothing (a timeout).
 */
function framerResponses(): Uint8Array[] {
  const s = VECTOR_SLAVE;
  const spec = fromHex('02 2b 00 00 00 64');
  const out: Uint8Array[] = [
    concatBytes([
      fromHex('ff 00 55 11'),
      encodeReadResponse(0x12, 3, spec),
      encodeReadResponse(s, 4, spec),
      flipped(encodeReadResponse(s, 3, spec), 5),
      encodeReadResponse(s, 3, spec),
      fromHex('aa 55 aa 55 aa 55 aa 55 aa 55 aa 55'),
    ]),
    concatBytes([fromHex('11 01 03'), encodeReadResponse(s, 1, fromHex('cd 6b 05'))]),
  ];
  // Pseudo-random noise before each of the next 13 answers (ZX81 generator: exact integer arithmetic).
  let x = 1;
  for (let i = 2; i < 15; i++) {
    const noise = new Uint8Array(97);
    for (let k = 0; k < noise.length; k++) {
      x = (x * 75 + 74) % 65537;
      noise[k] = x & 0xff;
    }
    const fc = FRAMER_READS[i][0];
    let answer = encodeExceptionResponse(s, fc, 6);
    if (i > 2) {
      const data = new Uint8Array(2 * FRAMER_READS[i][2]);
      for (let k = 0; k < data.length; k++) data[k] = (37 * k + i) & 0xff;
      answer = encodeReadResponse(s, fc, data);
    }
    out.push(concatBytes([noise, answer]));
  }
  out.push(flipped(encodeReadResponse(s, 4, fromHex('00 0a')), 3));
  out.push(concatBytes([fromHex('11 03 f0'), encodeExceptionResponse(s, 3, 4)]));
  out.push(new Uint8Array(0));
  return out;
}

/** Everything the framer vector feeds the master, in order. */
export function framerStream(): Uint8Array {
  return concatBytes(framerResponses());
}

/** Chunk sizes the responses are fed in, cyclically (UART chunks are 1..64 bytes on Espruino). */
export const FRAMER_CHUNKS = [1, 2, 3, 5, 8, 13, 21, 64, 7];

export interface FramerVector {
  /** Per read: outcome code, exception code, response data (hex; '-' when the read did not succeed). */
  reads: string[];
  /** Per sample: channel index, status code, value as float64 bits, native status word. */
  samples: string[];
  /** The bus counters (C.*). */
  counters: { [name: string]: number };
  /** Bytes left in the framer. */
  pending: number;
}

/**
 * One poll of framerPlan(): each read answered by its framerResponses() entry, fed 1 ms apart in FRAMER_CHUNKS (bytes
 * after an accepted frame arrive unsolicited); a read still open when its bytes are in is ended by the runtime's
 * own deadlines (silence: salvage or CRC error; response timeout).
 */
export function modbusFramerVector(): FramerVector {
  const kit = framerPlan();
  const samples: string[] = [];
  const r = createRtuBus(kit.tables(), 0, { write: function (): void {} }, function (acq: number, _tMs: number, value: number, status: number, native: number): void {
    samples.push(acq + ' ' + status + ' ' + f64Hex(value) + ' ' + native);
  });
  const responses = framerResponses();
  let t = 0;
  let c = 0;
  for (let i = 0; i < responses.length; i++) {
    t = Math.max(t, pollerWake(r));
    pollerTick(r, t);
    const res = responses[i];
    let pos = 0;
    while (pos < res.length) {
      const n = Math.min(FRAMER_CHUNKS[c % FRAMER_CHUNKS.length], res.length - pos);
      c++;
      pollerBytes(r, res.subarray(pos, pos + n), t);
      pos += n;
      t++;
    }
    while (r.s[M.BUSY]) {
      t = pollerWake(r);
      pollerTick(r, t);
    }
  }
  const reads: string[] = [];
  for (let i = 0; i < responses.length; i++) {
    const at = kit.reads[i * Read.FIELDS + Read.DATA_AT];
    const data = r.outcome[i] === Outcome.OK ? toHex(r.data.subarray(at, at + kit.reads[i * Read.FIELDS + Read.BYTE_COUNT])) : '-';
    reads.push(r.outcome[i] + ' ' + r.exception[i] + ' ' + data);
  }
  const k = r.c;
  const counters = {
    bytesIn: k[C.BYTES_IN],
    bytesFramed: k[C.BYTES_FRAMED],
    bytesDiscarded: k[C.BYTES_DISCARDED],
    frames: k[C.FRAMES],
    crcRejects: k[C.CRC_REJECTS],
    resyncs: k[C.RESYNCS],
    sent: k[C.SENT],
    retries: k[C.RETRIES],
    ok: k[C.OK],
    exceptions: k[C.EXCEPTIONS],
    crcErrors: k[C.CRC_ERRORS],
    timeouts: k[C.TIMEOUTS],
    invalid: k[C.INVALID],
    unsolicited: k[C.UNSOLICITED],
  };
  return { reads: reads, samples: samples, counters: counters, pending: r.s[M.TAIL] - r.s[M.HEAD] };
}
