// Cross-platform conformance runners for the Modbus RTU core: fixed inputs through CRC, codec, register decoding and
// the stream framer. Run in Node and on Espruino (dist/conformance.js), the results must be identical; numbers that
// are not small integers leave as float64 bits in hex (never decimal text).
import { asciiBytes, concatBytes, fromHex, toHex } from '../bytes';
import {
  decodeResponse,
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  encodeWriteResponse,
  parseRequest,
  readRequest,
  requestException,
  requestLength,
  writeCoilRequest,
  writeCoilsRequest,
  writeRegisterRequest,
  writeRegistersRequest,
  type ModbusRequest,
} from './codec';
import { crc16 } from './crc16';
import { StreamFramer, newFramerCounters, type FramerCounters } from './framer';
import { VALUE_TYPES, WORD_ORDERS, decodeRegisters, encodeRegisters, getBit, scaleValue, type ValueType } from './registers';

/** The slave address of the Modbus Application Protocol v1.1b3 §6 examples. */
export const VECTOR_SLAVE = 0x11;

/** The data segment of HJ 212-2017's own packet example (cems.md §9.5). */
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

/** Every value type in every word order decoded from fixed words, the coil view and some scalings. */
export function modbusRegisterVectors(): RegisterVector[] {
  const out: RegisterVector[] = [];
  for (let w = 0; w < REGISTER_WORDS.length; w++) {
    const data = fromHex(REGISTER_WORDS[w]);
    const values: { [typeOrder: string]: string } = {};
    for (let t = 0; t < VALUE_TYPES.length; t++) {
      const type: ValueType = VALUE_TYPES[t];
      if (type === 'bit') continue;
      for (let o = 0; o < WORD_ORDERS.length; o++) {
        values[type + '/' + WORD_ORDERS[o]] = f64Hex(decodeRegisters(data, 0, type, WORD_ORDERS[o]));
      }
    }
    let bits = '';
    for (let b = 0; b < 64; b++) bits += getBit(data, b) ? '1' : '0';
    out.push({
      words: REGISTER_WORDS[w],
      values: values,
      bits: bits,
      scaled: [
        f64Hex(scaleValue(decodeRegisters(data, 0, 'int16', 'ABCD'), 1, 10, 0)),
        f64Hex(scaleValue(decodeRegisters(data, 0, 'uint16', 'ABCD'), 3, 4, -40)),
        f64Hex(scaleValue(decodeRegisters(data, 0, 'float32', 'CDAB'), 1, 1000, 0)),
      ],
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

/** The noisy stream of the framer vector: valid requests to VECTOR_SLAVE among noise, corruption and false starts. */
export function framerStream(): Uint8Array {
  const s = VECTOR_SLAVE;
  const fc3 = encodeRequest(readRequest(s, 3, 0x6b, 3));
  const fc6bad = encodeRequest(writeRegisterRequest(s, 1, 3));
  fc6bad[7] ^= 0x01;
  const parts: Uint8Array[] = [
    fromHex('ff 00 55 11'),
    fc3,
    fc6bad,
    // Looks like the start of an FC16 request announcing 240 data bytes: swallows what follows until it fails.
    fromHex('11 10 00 00 00 78 f0'),
    encodeRequest(writeRegistersRequest(s, 0x01, [0x000a, 0x0102])),
    encodeRequest(readRequest(s, 1, 0x13, 0x13)),
    // A request to another slave: not ours, skipped.
    encodeRequest(readRequest(0x12, 4, 0x08, 1)),
  ];
  // Pseudo-random noise with a valid request after every 97 bytes (ZX81 generator: exact integer arithmetic).
  let x = 1;
  for (let block = 0; block < 12; block++) {
    const noise = new Uint8Array(97);
    for (let i = 0; i < noise.length; i++) {
      x = (x * 75 + 74) % 65537;
      noise[i] = x & 0xff;
    }
    parts.push(noise);
    parts.push(encodeRequest(readRequest(s, 3 + (block & 1), block * 16, 1 + block)));
  }
  parts.push(encodeRequest(writeCoilsRequest(s, 0x13, [1, 0, 1, 1, 0, 0, 1, 1, 1, 0])));
  // A trailing false start (an FC15 announcing 240 bytes) hiding a complete FC05 request: found only by salvage().
  parts.push(fromHex('11 0f 00 00 07 80 f0'));
  parts.push(encodeRequest(writeCoilRequest(s, 0xac, true)));
  return concatBytes(parts);
}

/** Chunk sizes the stream is pushed in, cyclically (UART chunks are 1..64 bytes on Espruino). */
export const FRAMER_CHUNKS = [1, 2, 3, 5, 8, 13, 21, 64, 7];

export interface FramerVector {
  /** Accepted frames: bytes pushed so far when accepted, and the frame. */
  frames: string[];
  /** The frame salvage() found at the end of the stream ('' if none). */
  salvaged: string;
  counters: FramerCounters;
  pending: number;
}

/** Runs the framer over framerStream() in FRAMER_CHUNKS, then salvages at the final silence. */
export function modbusFramerVector(): FramerVector {
  const measurer = {
    measure: function (buf: Uint8Array, start: number, avail: number): number {
      return buf[start] === VECTOR_SLAVE ? requestLength(buf, start, avail) : 0;
    },
  };
  const counters = newFramerCounters();
  const framer = new StreamFramer(measurer, counters);
  const stream = framerStream();
  const frames: string[] = [];
  let pos = 0;
  let c = 0;
  while (pos < stream.length) {
    const n = Math.min(FRAMER_CHUNKS[c % FRAMER_CHUNKS.length], stream.length - pos);
    c++;
    framer.push(stream.subarray(pos, pos + n));
    pos += n;
    let len = framer.next();
    while (len > 0) {
      frames.push(counters.bytesIn + ' ' + toHex(framer.buf.subarray(framer.head, framer.head + len)));
      framer.take(len);
      len = framer.next();
    }
  }
  let salvaged = '';
  const len = framer.salvage();
  if (len > 0) {
    salvaged = toHex(framer.buf.subarray(framer.head, framer.head + len));
    framer.take(len);
  }
  return { frames: frames, salvaged: salvaged, counters: counters, pending: framer.pending() };
}
