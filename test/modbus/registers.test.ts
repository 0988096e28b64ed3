import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/bytes';
import { WordOrder, decodeRegisters, encodeRegisters, getBit, scaleValue, setBit, ValueType } from '../../protocol/modbus/registers';
import { toPduAddress } from '../../protocol/modbus/addressing';
import { evaluateStatus, StatusRule } from '../../protocol/modbus/status';

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
      const v = decodeRegisters(fromHex(want[o]), 0, 'float32', o as WordOrder);
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
        expect(Object.is(decodeRegisters(fromHex('0000' + regs), 2, c.type, o), c.value)).toBe(true);
        const out = new Uint8Array(regs.length / 2);
        encodeRegisters(c.value, c.type, o, out, 0);
        expect(toHex(out)).toBe(regs);
      });
    }
  }

  it('keeps NaN and infinities of float32 words as such', () => {
    expect(Number.isNaN(decodeRegisters(fromHex('7fc00000'), 0, 'float32', 'ABCD'))).toBe(true);
    expect(decodeRegisters(fromHex('ff800000'), 0, 'float32', 'ABCD')).toBe(-Infinity);
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
    expect(scaleValue(1234, 1, 10, 0)).toBe(123.4);
    expect(scaleValue(1234, 1, 10, 0)).toBe(1234 / 10);
    expect(scaleValue(100, 2, 1, -5)).toBe(195);
    expect(Object.is(scaleValue(-0, 1, 1, 0), -0)).toBe(true);
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

describe('status rules', () => {
  const gm32: StatusRule[] = [
    { bit: 0, status: 'FAULT' },
    { bit: 2, status: 'MAINTENANCE' },
    { bit: 8, status: 'CALIBRATION' },
  ];
  it('maps GM32 bits in priority order', () => {
    expect(evaluateStatus(0, gm32)).toBe('VALID');
    expect(evaluateStatus(1 << 1, gm32)).toBe('VALID');
    expect(evaluateStatus(1 << 8, gm32)).toBe('CALIBRATION');
    expect(evaluateStatus((1 << 8) | 1, gm32)).toBe('FAULT');
    expect(evaluateStatus((1 << 8) | 4, gm32)).toBe('MAINTENANCE');
  });
  it('supports active-low bits, bit 31 and enumerated values', () => {
    const rules: StatusRule[] = [
      { bit: 19, when: 0, status: 'FAULT' },
      { bit: 31, status: 'OVERRANGE' },
      { equals: (1 << 19) | 2, status: 'WARMING_UP' },
    ];
    expect(evaluateStatus(0, rules)).toBe('FAULT');
    expect(evaluateStatus(1 << 19, rules)).toBe('VALID');
    expect(evaluateStatus(((1 << 19) | (1 << 31)) >>> 0, rules)).toBe('OVERRANGE');
    expect(evaluateStatus((1 << 19) | 2, rules)).toBe('WARMING_UP');
  });
});
