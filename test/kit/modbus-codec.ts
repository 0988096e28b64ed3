// The master side of the Modbus codec for every function code: write requests and the parse of any response against
// its request. The device only polls reads and frames their responses itself (protocol/modbus/rtu-master.ts); this
// is the reference the codec vectors, the fuzz and interop tests check frames against. Runs on Espruino
// (conformance bundle) and in Node.
import { codedError } from '../../protocol/errors';
import {
  FC_WRITE_MULTIPLE_COILS,
  FC_WRITE_MULTIPLE_REGISTERS,
  FC_WRITE_SINGLE_COIL,
  FC_WRITE_SINGLE_REGISTER,
  bitByteCount,
  isReadFc,
  readByteCount,
  type ModbusRequest,
} from '../../protocol/modbus/codec';
import { crcMatches } from '../../protocol/modbus/crc16';

export interface ModbusResponse {
  slave: number;
  /** Function code without the exception bit. */
  fc: number;
  /** Exception code, 0 for a normal response. */
  exception: number;
  /** Reads: the data field (packed bits or big-endian registers), a view into the frame. Otherwise null. */
  data: Uint8Array | null;
  /** Writes: the echoed address; reads: 0. */
  address: number;
  /** Writes: the echoed value (FC05/06) or quantity (FC15/16); reads: 0. */
  value: number;
}

/** Length of the normal (non-exception) response ADU a request calls for. */
export function expectedResponseLength(req: ModbusRequest): number {
  return isReadFc(req.fc) ? 5 + readByteCount(req.fc, req.quantity) : 8;
}

export function writeCoilRequest(slave: number, address: number, on: boolean): ModbusRequest {
  const d = new Uint8Array(2);
  d[0] = on ? 0xff : 0;
  return { slave: slave, fc: FC_WRITE_SINGLE_COIL, address: address, quantity: 1, data: d };
}

export function writeRegisterRequest(slave: number, address: number, value: number): ModbusRequest {
  const d = new Uint8Array(2);
  d[0] = (value >> 8) & 0xff;
  d[1] = value & 0xff;
  return { slave: slave, fc: FC_WRITE_SINGLE_REGISTER, address: address, quantity: 1, data: d };
}

/** Packs bit values (non-zero = 1) LSB first, as coils and discrete inputs travel. */
export function packBits(values: number[]): Uint8Array {
  const out = new Uint8Array(bitByteCount(values.length));
  for (let i = 0; i < values.length; i++) if (values[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

export function writeCoilsRequest(slave: number, address: number, values: number[]): ModbusRequest {
  return { slave: slave, fc: FC_WRITE_MULTIPLE_COILS, address: address, quantity: values.length, data: packBits(values) };
}

export function writeRegistersRequest(slave: number, address: number, words: number[]): ModbusRequest {
  const d = new Uint8Array(2 * words.length);
  for (let i = 0; i < words.length; i++) {
    d[2 * i] = (words[i] >> 8) & 0xff;
    d[2 * i + 1] = words[i] & 0xff;
  }
  return { slave: slave, fc: FC_WRITE_MULTIPLE_REGISTERS, address: address, quantity: words.length, data: d };
}

function word(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

function responseError(message: string): Error {
  return codedError('MODBUS_RESPONSE', message);
}

/**
 * Parses a response frame frame[start, start+len) whose CRC has been checked against the request
 * it answers. Throws MODBUS_RESPONSE when it is not a valid answer to that request.
 */
export function parseResponse(frame: Uint8Array, start: number, len: number, req: ModbusRequest): ModbusResponse {
  const slave = frame[start];
  const fc = frame[start + 1];
  if (slave !== req.slave) throw responseError('slave ' + slave + ' answered a request to ' + req.slave);
  if (fc === (req.fc | 0x80)) {
    if (len !== 5) throw responseError('exception response of ' + len + ' bytes');
    return { slave: slave, fc: req.fc, exception: frame[start + 2], data: null, address: 0, value: 0 };
  }
  if (fc !== req.fc) throw responseError('function ' + fc + ' answered function ' + req.fc);
  if (isReadFc(fc)) {
    const bc = readByteCount(fc, req.quantity);
    if (frame[start + 2] !== bc || len !== bc + 5) {
      throw responseError('byte count ' + frame[start + 2] + ' in ' + len + ' bytes, expected ' + bc);
    }
    return { slave: slave, fc: fc, exception: 0, data: frame.subarray(start + 3, start + 3 + bc), address: 0, value: 0 };
  }
  if (len !== 8) throw responseError('write response of ' + len + ' bytes');
  const address = word(frame, start + 2);
  const value = word(frame, start + 4);
  const expected = req.fc === 15 || req.fc === 16 ? req.quantity : req.data ? word(req.data, 0) : -1;
  if (address !== req.address || value !== expected) {
    throw responseError('write echo ' + address + '/' + value + ', expected ' + req.address + '/' + expected);
  }
  return { slave: slave, fc: fc, exception: 0, data: null, address: address, value: value };
}

/** CRC check + parseResponse, for a complete ADU. */
export function decodeResponse(adu: Uint8Array, req: ModbusRequest): ModbusResponse {
  if (!crcMatches(adu, 0, adu.length)) throw codedError('MODBUS_CRC', 'response CRC mismatch');
  return parseResponse(adu, 0, adu.length, req);
}
