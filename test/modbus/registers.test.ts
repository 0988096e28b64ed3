import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import { S } from '../../protocol/cems/codes';
import { encodeReadResponse } from '../../protocol/modbus/codec';
import { VALUE_TYPES, WORD_ORDERS, WordOrder, encodeRegisters, getBit, setBit, ValueType } from '../../protocol/modbus/registers';
import { decodeValue } from '../../protocol/modbus/rtu-poller';
import { toPduAddress } from '../../protocol/modbus/addressing';
import { OrderCode, StatusWordKind, ValueCode } from '../../protocol/plan/format';
import { KitPlan } from '../kit/modbus-plan';
import { harness, line9600, pollRound } from './helpers';

/** The device's decoding (plan codes) of a configured type and order. */
function decode(data: Uint8Array, at: number, type: ValueType, order: WordOrder): number {
  return decodeValue(data, at, VALUE_TYPES.indexOf(type), WORD_ORDERS.indexOf(order));
}

/** The value a channel of `type` (raw * scale / divisor + add) gets from registers `words` in one poll. */
function channelValue(words: string, type: number, scale: number, divisor: number, add: number): number {
  const k = new KitPlan(1, line9600(), 1000);
  k.channel(k.read(4, 0, words.length / 4), 0, type, OrderCode.ABCD, scale, divisor, add);
  const [[, , value, status]] = pollRound(harness(k), [encodeReadResponse(1, 4, fromHex(words))], 0);
  expect(status).toBe(S.VALID);
  return value;
}

/** Value bytes ABCD(EFGH) rearranged per word order, written independently of the implementation. */
const ORDERED: { [order: string]: (v: string) => string } = {
  ABCD: (v) => v,
  CDAB: (v) => (v.match(/..../g) as string[]).reverse().join(''),
  BADC: (v) => (v.match(/..../g) as string[]).map((w) => w.slice(2) + w.slice(0, 2)).join(''),
  DCBA: (v) => (v.match(/../g) as string[]).reverse().join(''),
};

describe('register decoding', () => {
  it('decodes float32 123.456 (0x42f6e979) in all four word orders', () => {
    const want: { [o: string]: string } = { ABCD: '42f6e979', CDAB: 'e97942f6', BADC: 'f64279e9', DCBA: '79e9f642' };
    for (const o of Object.keys(want)) {
      expect(ORDERED[o]('42f6e979')).toBe(want[o]);
      const v = decode(fromHex(want[o]), 0, 'float32', o as WordOrder);
      const bits = new DataView(new Float32Array([v]).buffer).getUint32(0, true);
      expect(bits).toBe(0x42f6e979);
    }
  });

  const cases: { type: ValueType; hex: string; value: number }[] = [
    { type: 'int16', hex: 'ff85', value: -123 },
    { type: 'uint16', hex: 'ff85', value: 65413 },
    { type: 'int32', hex: 'fffe1dc0', value: -123456 },
    { type: 'uint32', hex: 'fffe1dc0', value: 4294843840 },
    { type: 'uint32', hex: '12345678', value: 0x12345678 },
    { type: 'float64', hex: '405edd2f1a9fbe77', value: 123.456 },
    { type: 'float64', hex: 'c00921fb54442d18', value: -Math.PI },
  ];
  for (const c of cases) {
    for (const o of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as WordOrder[]) {
      it(c.type + ' ' + c.hex + ' in ' + o, () => {
        const regs = c.type.endsWith('16') ? (o === 'BADC' || o === 'DCBA' ? c.hex.slice(2) + c.hex.slice(0, 2) : c.hex) : ORDERED[o](c.hex);
        expect(Object.is(decode(fromHex('0000' + regs), 2, c.type, o), c.value)).toBe(true);
        const out = new Uint8Array(regs.length / 2);
        encodeRegisters(c.value, c.type, o, out, 0);
        expect(toHex(out)).toBe(regs);
      });
    }
  }

  it('keeps NaN and infinities of float32 words as such', () => {
    expect(Number.isNaN(decode(fromHex('7fc00000'), 0, 'float32', 'ABCD'))).toBe(true);
    expect(decode(fromHex('ff800000'), 0, 'float32', 'ABCD')).toBe(-Infinity);
  });

  it('packs and reads bits LSB first', () => {
    const d = fromHex('cd6b');
    const bits = [];
    for (let i = 0; i < 16; i++) bits.push(getBit(d, i));
    expect(bits.join('')).toBe('1011001111010110');
    setBit(d, 0, 0);
    setBit(d, 9, 0);
    expect(toHex(d)).toBe('cc69');
  });

  it('scales with multiplier, divisor and offset; identity leaves the raw value untouched', () => {
    expect(channelValue('04d2', ValueCode.INT16, 1, 10, 0)).toBe(123.4);
    expect(channelValue('04d2', ValueCode.INT16, 1, 10, 0)).toBe(1234 / 10);
    expect(channelValue('0064', ValueCode.UINT16, 2, 1, -5)).toBe(195);
    expect(Object.is(channelValue('80000000', ValueCode.FLOAT32, 1, 1, 0), -0)).toBe(true);
  });
});

describe('addressing', () => {
  it('converts pdu, one-based and Modicon references', () => {
    expect(toPduAddress('input', 5000, 'pdu')).toBe(5000);
    expect(toPduAddress('holding', 6045, 'one-based')).toBe(6044);
    expect(toPduAddress('holding', 40001, 'modicon')).toBe(0);
    expect(toPduAddress('holding', 49999, 'modicon')).toBe(9998);
    expect(toPduAddress('holding', 465536, 'modicon')).toBe(65535);
    expect(toPduAddress('input', 30035, 'modicon')).toBe(34);
    expect(toPduAddress('input', 300035, 'modicon')).toBe(34);
    expect(toPduAddress('discrete', 10001, 'modicon')).toBe(0);
    expect(toPduAddress('coil', 1, 'modicon')).toBe(0);
    expect(toPduAddress('input', 40001, 'modicon')).toBe(-1);
    expect(toPduAddress('holding', 0, 'one-based')).toBe(-1);
    expect(toPduAddress('holding', 65536, 'pdu')).toBe(-1);
    expect(toPduAddress('holding', 1.5, 'pdu')).toBe(-1);
  });
});

/**
 * Value, status and native word of a float32 channel (registers 0..1, raw `value` bits) with a uint32 status word
 * (registers 2..3) and `rules` ([bit, value, status] triples; bit -1 compares the whole word) in one poll.
 */
function poll(value: string, native: number, rules: number[], zeroWhileNotMeasuring = false): [number, number, number] {
  const k = new KitPlan(1, line9600(), 1000);
  k.zeroWhileNotMeasuring = zeroWhileNotMeasuring;
  const read = k.read(3, 0, 4);
  k.status(k.channel(read, 0, ValueCode.FLOAT32, OrderCode.ABCD, 1, 1, 0), read, 4, StatusWordKind.UINT32, 0, OrderCode.ABCD, rules);
  const words = fromHex(value + '00000000');
  new DataView(words.buffer).setUint32(4, native);
  const [[, , v, status, got]] = pollRound(harness(k), [encodeReadResponse(1, 3, words)], 0);
  return [v, status, got];
}

const statusOf = (rules: number[], native: number) => poll('41ac0000', native, rules).slice(1);

describe('status rules', () => {
  const gm32 = [0, 1, S.FAULT, 2, 1, S.MAINTENANCE, 8, 1, S.CALIBRATION];
  it('maps GM32 bits in priority order', () => {
    expect(statusOf(gm32, 0)).toEqual([S.VALID, 0]);
    expect(statusOf(gm32, 1 << 1)).toEqual([S.VALID, 2]);
    expect(statusOf(gm32, 1 << 8)).toEqual([S.CALIBRATION, 256]);
    expect(statusOf(gm32, (1 << 8) | 1)).toEqual([S.FAULT, 257]);
    expect(statusOf(gm32, (1 << 8) | 4)).toEqual([S.MAINTENANCE, 260]);
  });

  it('supports active-low bits, bit 31 and enumerated values', () => {
    const rules = [19, 0, S.FAULT, 31, 1, S.OVERRANGE, -1, (1 << 19) | 2, S.WARMING_UP];
    expect(statusOf(rules, 0)[0]).toBe(S.FAULT);
    expect(statusOf(rules, 1 << 19)[0]).toBe(S.VALID);
    expect(statusOf(rules, ((1 << 19) | (1 << 31)) >>> 0)).toEqual([S.OVERRANGE, 2148007936]);
    expect(statusOf(rules, (1 << 19) | 2)[0]).toBe(S.WARMING_UP);
  });

  it('gives no value for a reading that is not finite (FAULT) or for 0.0 outside normal operation where the device writes it', () => {
    const rules = [2, 1, S.MAINTENANCE];
    expect(poll('7f800000', 0, rules)).toEqual([NaN, S.FAULT, 0]);
    expect(poll('7fc00000', 4, rules)).toEqual([NaN, S.MAINTENANCE, 4]);
    expect(poll('00000000', 4, rules, true)).toEqual([NaN, S.MAINTENANCE, 4]);
    expect(poll('80000000', 4, rules, true)).toEqual([NaN, S.MAINTENANCE, 4]);
    expect(poll('00000000', 4, rules)).toEqual([0, S.MAINTENANCE, 4]);
    expect(poll('00000000', 0, rules, true)).toEqual([0, S.VALID, 0]);
    expect(poll('3f800000', 4, rules, true)).toEqual([1, S.MAINTENANCE, 4]);
  });
});
