import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import {
  EX_ILLEGAL_DATA_ADDRESS,
  EX_ILLEGAL_DATA_VALUE,
  EX_ILLEGAL_FUNCTION,
  ModbusRequest,
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  encodeWriteResponse,
  parseRequest,
  readRequest,
  requestException,
} from '../../protocol/modbus/codec';
import { errorCode } from '../../protocol/errors';
import {
  decodeResponse,
  expectedResponseLength,
  packBits,
  writeCoilRequest,
  writeCoilsRequest,
  writeRegisterRequest,
  writeRegistersRequest,
} from '../kit/modbus-codec';
import crc16modbus from 'crc/crc16modbus';

// Request/response pairs of the widely used Modbus RTU examples (slave 0x11), CRCs as published.
const VECTORS: { name: string; req: ModbusRequest; reqHex: string; resHex: string }[] = [
  { name: 'FC01', req: readRequest(0x11, 1, 0x13, 0x25), reqHex: '110100130025 0e84', resHex: '110105cd6bb20e1b 45e6' },
  { name: 'FC02', req: readRequest(0x11, 2, 0xc4, 0x16), reqHex: '110200c40016 baa9', resHex: '110203acdb35 2018' },
  { name: 'FC03', req: readRequest(0x11, 3, 0x6b, 3), reqHex: '1103006b0003 7687', resHex: '110306ae4156524340 49ad' },
  { name: 'FC04', req: readRequest(0x11, 4, 8, 1), reqHex: '110400080001 b298', resHex: '110402000a f8f4' },
  { name: 'FC05', req: writeCoilRequest(0x11, 0xac, true), reqHex: '110500acff00 4e8b', resHex: '110500acff00 4e8b' },
  { name: 'FC06', req: writeRegisterRequest(0x11, 1, 3), reqHex: '110600010003 9a9b', resHex: '110600010003 9a9b' },
  {
    name: 'FC15',
    req: writeCoilsRequest(0x11, 0x13, [1, 0, 1, 1, 0, 0, 1, 1, 1, 0]),
    reqHex: '110f0013000a02cd01 bf0b',
    resHex: '110f0013000a 2699',
  },
  {
    name: 'FC16',
    req: writeRegistersRequest(0x11, 1, [0x000a, 0x0102]),
    reqHex: '1110000100020400 0a0102 c6f0',
    resHex: '111000010002 1298',
  },
];

describe('RTU codec, master side', () => {
  for (const v of VECTORS) {
    it(v.name + ' request encodes to the reference bytes and its response decodes', () => {
      expect(toHex(encodeRequest(v.req))).toBe(toHex(fromHex(v.reqHex)));
      const res = decodeResponse(fromHex(v.resHex), v.req);
      expect(res.exception).toBe(0);
      expect(fromHex(v.resHex).length).toBe(expectedResponseLength(v.req));
    });
  }

  it('returns read data as sent (FC03 registers, FC01 packed coils)', () => {
    expect(toHex(decodeResponse(fromHex('110306ae4156524340 49ad'), VECTORS[2].req).data as Uint8Array)).toBe('ae4156524340');
    expect(toHex(decodeResponse(fromHex('110105cd6bb20e1b45e6'), VECTORS[0].req).data as Uint8Array)).toBe('cd6bb20e1b');
  });

  it('decodes exception responses', () => {
    const req = readRequest(0x0a, 1, 0x04a1, 1);
    const res = decodeResponse(fromHex('0a8102b053'), req);
    expect(res.exception).toBe(2);
    expect(res.fc).toBe(1);
    expect(toHex(encodeExceptionResponse(0x0a, 1, 2))).toBe('0a8102b053');
  });

  it('rejects answers that do not match the request', () => {
    const req = readRequest(0x11, 3, 0x6b, 3);
    const wrong = (hex: string): string => {
      try {
        decodeResponse(fromHex(hex), req);
        return 'accepted';
      } catch (e) {
        return errorCode(e);
      }
    };
    expect(wrong('110306ae4156524340 49ac')).toBe('MODBUS_CRC');
    expect(wrong(toHex(encodeReadResponse(0x12, 3, fromHex('ae4156524340'))))).toBe('MODBUS_RESPONSE');
    expect(wrong(toHex(encodeReadResponse(0x11, 4, fromHex('ae4156524340'))))).toBe('MODBUS_RESPONSE');
    expect(wrong(toHex(encodeReadResponse(0x11, 3, fromHex('ae41565243'))))).toBe('MODBUS_RESPONSE');
    const w = writeRegisterRequest(0x11, 1, 3);
    expect(() => decodeResponse(encodeWriteResponse(0x11, 6, 1, 4), w)).toThrow(/write echo/);
  });

  it('refuses to encode what a slave must reject', () => {
    expect(() => encodeRequest(readRequest(1, 3, 0, 126))).toThrow(expect.objectContaining({ code: 'MODBUS_REQUEST' }));
    expect(() => encodeRequest(readRequest(1, 1, 0, 2001))).toThrow(expect.objectContaining({ code: 'MODBUS_REQUEST' }));
    expect(() => encodeRequest(readRequest(1, 3, 65535, 2))).toThrow(expect.objectContaining({ code: 'MODBUS_REQUEST' }));
    expect(() => encodeRequest(readRequest(248, 3, 0, 1))).toThrow(expect.objectContaining({ code: 'MODBUS_REQUEST' }));
    expect(() => encodeRequest(readRequest(0, 3, 0, 1))).toThrow(/cannot be broadcast/);
    expect(() => encodeRequest(readRequest(1, 7, 0, 1))).toThrow(expect.objectContaining({ code: 'MODBUS_REQUEST' }));
    const broadcast = encodeRequest(writeRegisterRequest(0, 1, 3));
    const c = crc16modbus(Buffer.from(fromHex('000600010003')));
    expect(toHex(broadcast)).toBe('000600010003' + toHex(new Uint8Array([c & 0xff, c >> 8])));
  });
});

describe('RTU codec, slave side', () => {
  for (const v of VECTORS) {
    it(v.name + ' request parses back to the same fields', () => {
      const adu = fromHex(v.reqHex);
      const req = parseRequest(adu, 0, adu.length);
      expect(req.slave).toBe(v.req.slave);
      expect(req.fc).toBe(v.req.fc);
      expect(req.address).toBe(v.req.address);
      expect(req.quantity).toBe(v.req.quantity);
      expect(req.data === null ? null : toHex(req.data)).toBe(v.req.data === null ? null : toHex(v.req.data));
      expect(requestException(req)).toBe(0);
    });
  }

  it('encodes read and write responses byte-exactly', () => {
    expect(toHex(encodeReadResponse(0x11, 3, fromHex('ae4156524340')))).toBe('110306ae415652434049ad');
    expect(toHex(encodeReadResponse(0x11, 1, packBits([1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0])))).toBe(
      toHex(encodeReadResponse(0x11, 1, fromHex('cd6b'))),
    );
    expect(toHex(encodeWriteResponse(0x11, 15, 0x13, 10))).toBe('110f0013000a2699');
  });

  it('classifies bad requests with the exception a slave answers', () => {
    expect(requestException({ slave: 1, fc: 8, address: 0, quantity: 1, data: null })).toBe(EX_ILLEGAL_FUNCTION);
    expect(requestException(readRequest(1, 3, 0, 0))).toBe(EX_ILLEGAL_DATA_VALUE);
    expect(requestException(readRequest(1, 4, 65500, 100))).toBe(EX_ILLEGAL_DATA_ADDRESS);
    const bad = writeRegistersRequest(1, 0, [1, 2]);
    bad.quantity = 3;
    expect(requestException(bad)).toBe(EX_ILLEGAL_DATA_VALUE);
    const coil = writeCoilRequest(1, 0, true);
    (coil.data as Uint8Array)[0] = 0x12;
    expect(requestException(coil)).toBe(EX_ILLEGAL_DATA_VALUE);
  });
});
