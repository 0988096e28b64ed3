// Modbus RTU application data units (slave address + PDU + CRC) for FC 01, 02, 03, 04, 05, 06, 15, 16 and exception
// responses: request frames (the host compiles the device's read requests into its plan) and the slave side (the
// simulator's virtual analyzers parse requests and encode responses). The device frames and checks responses itself
// (rtu-master.ts). Limits are those of the Modbus Application Protocol v1.1b3 section 6.

import { codedError } from '../errors';
import { appendCrc } from './crc16';

export const FC_READ_COILS = 1;
export const FC_READ_DISCRETE_INPUTS = 2;
export const FC_READ_HOLDING_REGISTERS = 3;
export const FC_READ_INPUT_REGISTERS = 4;
export const FC_WRITE_SINGLE_COIL = 5;
export const FC_WRITE_SINGLE_REGISTER = 6;
export const FC_WRITE_MULTIPLE_COILS = 15;
export const FC_WRITE_MULTIPLE_REGISTERS = 16;

export const EX_ILLEGAL_FUNCTION = 1;
export const EX_ILLEGAL_DATA_ADDRESS = 2;
export const EX_ILLEGAL_DATA_VALUE = 3;
export const EX_SLAVE_DEVICE_FAILURE = 4;
export const EX_ACKNOWLEDGE = 5;
export const EX_SLAVE_DEVICE_BUSY = 6;
export const EX_GATEWAY_PATH_UNAVAILABLE = 10;
export const EX_GATEWAY_TARGET_FAILED = 11;

export const MAX_ADU = 256;
export const MAX_READ_BITS = 2000;
export const MAX_READ_REGISTERS = 125;
export const MAX_WRITE_COILS = 1968;
export const MAX_WRITE_REGISTERS = 123;
export const BROADCAST_ADDRESS = 0;

export interface ModbusRequest {
  /** 0 = broadcast (writes only), 1..247. */
  slave: number;
  fc: number;
  /** PDU (0-based) address of the first coil/register. */
  address: number;
  /** Coils/registers to read or write; 1 for FC 05/06. */
  quantity: number;
  /**
   * Write payload as it travels: FC05 the 2-byte coil value (FF 00 / 00 00), FC06 the register big-endian,
   * FC15 the packed bits (LSB first), FC16 the registers big-endian. null for reads.
   */
  data: Uint8Array | null;
}

export function isReadFc(fc: number): boolean {
  return fc >= 1 && fc <= 4;
}

export function isBitFc(fc: number): boolean {
  return fc === 1 || fc === 2 || fc === 5 || fc === 15;
}

export function isSupportedFc(fc: number): boolean {
  return isReadFc(fc) || fc === 5 || fc === 6 || fc === 15 || fc === 16;
}

export function bitByteCount(quantity: number): number {
  return (quantity + 7) >> 3;
}

/** Byte count of the data field a read response must carry. */
export function readByteCount(fc: number, quantity: number): number {
  return fc === 1 || fc === 2 ? bitByteCount(quantity) : 2 * quantity;
}

function quantityLimit(fc: number): number {
  if (fc === 1 || fc === 2) return MAX_READ_BITS;
  if (fc === 3 || fc === 4) return MAX_READ_REGISTERS;
  if (fc === 15) return MAX_WRITE_COILS;
  if (fc === 16) return MAX_WRITE_REGISTERS;
  return 1;
}

function expectedDataLength(fc: number, quantity: number): number {
  if (fc === 5 || fc === 6) return 2;
  if (fc === 15) return bitByteCount(quantity);
  if (fc === 16) return 2 * quantity;
  return 0;
}

/**
 * Checks a request's fields; returns 0 or the exception code a slave answers with
 * (01 unsupported function, 03 bad quantity/value, 02 address range past 65535).
 */
export function requestException(req: ModbusRequest): number {
  if (!isSupportedFc(req.fc)) return EX_ILLEGAL_FUNCTION;
  if (req.quantity < 1 || req.quantity > quantityLimit(req.fc) || req.quantity !== (req.quantity | 0)) {
    return EX_ILLEGAL_DATA_VALUE;
  }
  const dataLen = req.data ? req.data.length : 0;
  if (dataLen !== expectedDataLength(req.fc, req.quantity)) return EX_ILLEGAL_DATA_VALUE;
  if (req.fc === 5 && req.data && !((req.data[0] === 0xff || req.data[0] === 0) && req.data[1] === 0)) {
    return EX_ILLEGAL_DATA_VALUE;
  }
  if (req.address < 0 || req.address !== (req.address | 0) || req.address + req.quantity > 65536) {
    return EX_ILLEGAL_DATA_ADDRESS;
  }
  return 0;
}

/** Encodes a request ADU (with CRC). Throws MODBUS_REQUEST on anything a slave would reject. */
export function encodeRequest(req: ModbusRequest): Uint8Array {
  if (req.slave < 0 || req.slave > 247 || req.slave !== (req.slave | 0)) {
    throw codedError('MODBUS_REQUEST', 'slave address ' + req.slave + ' outside 0..247');
  }
  if (req.slave === BROADCAST_ADDRESS && isReadFc(req.fc)) {
    throw codedError('MODBUS_REQUEST', 'function ' + req.fc + ' cannot be broadcast');
  }
  const ex = requestException(req);
  if (ex !== 0) {
    throw codedError(
      'MODBUS_REQUEST',
      'function ' + req.fc + ' address ' + req.address + ' quantity ' + req.quantity + ' rejected (exception ' + ex + ')',
    );
  }
  const data = req.data;
  const multi = req.fc === 15 || req.fc === 16;
  const pduLen = isReadFc(req.fc) || !multi ? 5 : 6 + (data ? data.length : 0);
  const out = new Uint8Array(pduLen + 3);
  out[0] = req.slave;
  out[1] = req.fc;
  out[2] = req.address >> 8;
  out[3] = req.address & 0xff;
  if (isReadFc(req.fc) || multi) {
    out[4] = req.quantity >> 8;
    out[5] = req.quantity & 0xff;
  }
  if (data && multi) {
    out[6] = data.length;
    out.set(data, 7);
  } else if (data) {
    out[4] = data[0];
    out[5] = data[1];
  }
  appendCrc(out, pduLen + 1);
  return out;
}

export function readRequest(slave: number, fc: number, address: number, quantity: number): ModbusRequest {
  return { slave: slave, fc: fc, address: address, quantity: quantity, data: null };
}

function u16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}

/**
 * Slave side: the length of the request ADU starting at buf[start], from its first `avail` bytes; -1 when more
 * bytes are needed to tell, 0 when these bytes cannot start a request of a supported function.
 */
export function requestLength(buf: Uint8Array, start: number, avail: number): number {
  if (avail < 2) return -1;
  const fc = buf[start + 1];
  if (fc >= 1 && fc <= 6) return 8;
  if (fc !== 15 && fc !== 16) return 0;
  if (avail < 7) return -1;
  return 9 + buf[start + 6];
}

/** Slave side: parses a CRC-checked request frame; data is a view into the frame. Fields are checked by requestException. */
export function parseRequest(frame: Uint8Array, start: number, len: number): ModbusRequest {
  const fc = frame[start + 1];
  const address = u16(frame, start + 2);
  if (isReadFc(fc)) return readRequest(frame[start], fc, address, u16(frame, start + 4));
  if (fc === 5 || fc === 6) {
    return { slave: frame[start], fc: fc, address: address, quantity: 1, data: frame.subarray(start + 4, start + 6) };
  }
  const bc = frame[start + 6];
  const data = frame.subarray(start + 7, start + 7 + Math.min(bc, len - 9));
  return { slave: frame[start], fc: fc, address: address, quantity: u16(frame, start + 4), data: data };
}

/** Slave side: a read response ADU carrying `data`. */
export function encodeReadResponse(slave: number, fc: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 5);
  out[0] = slave;
  out[1] = fc;
  out[2] = data.length;
  out.set(data, 3);
  appendCrc(out, data.length + 3);
  return out;
}

/** Slave side: the 8-byte write response (address and value/quantity echo). */
export function encodeWriteResponse(slave: number, fc: number, address: number, value: number): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = slave;
  out[1] = fc;
  out[2] = address >> 8;
  out[3] = address & 0xff;
  out[4] = (value >> 8) & 0xff;
  out[5] = value & 0xff;
  appendCrc(out, 6);
  return out;
}

export function encodeExceptionResponse(slave: number, fc: number, code: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = slave;
  out[1] = (fc | 0x80) & 0xff;
  out[2] = code;
  appendCrc(out, 3);
  return out;
}
