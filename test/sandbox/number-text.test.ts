// Espruino's number text, checked against values measured on the Espruino 2v29 Linux build (formatter
// ftoa_bounded_extra and parser stringToFloatWithRadix in src/jsutils.c, toFixed in src/jswrap_number.c, Number in
// src/jswrap_number.c and src/jsvar.c). Each vector is the interpreter's output for the same double (passed as its
// bits); number-text-interpreter.test.ts compares tens of thousands more with the interpreter itself.
import { describe, expect, it } from 'vitest';
import {
  espruinoNumber,
  espruinoNumberLiteral,
  espruinoNumberToString,
  espruinoParseFloat,
  espruinoToFixed,
} from '../../host-sim/espruino/number-text';

describe('Espruino number -> text', () => {
  it.each([
    [1 / 3, '0.33333333333'],
    [0.99999999, '1'],
    [-615.5798433421086, '-615.57984334210'],
    [0.000123456789, '0.00012345678'],
    [6087.16, '6087.16'],
    [42, '42'],
    [-2.5, '-2.5'],
    [0, '0'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [-0, '0'],
    [1 + 1e-9, '1'], // the fraction left is below the 1e-7 at which digits stop: no '.'
    [1e21, '10e+20'], // exponent by repeated division while the mantissa is > 10, not >= 10
    [1e22, '10e+21'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [9.999999999e-7, '10e-7'],
    [5e-324, '4.94065645841e-324'],
    [1.7976931348623157e308, '1.79769313486e+308'],
  ])('String(%d) is %s', (x, text) => {
    expect(espruinoNumberToString(x)).toBe(text);
  });

  it.each([
    [0.1, 16, '0.19999999999'],
    [255.5, 16, 'ff.8'],
    [1e21, 16, '3635c9adc5dea00000'],
    [-10, 2, '-1010'],
  ])('(%d).toString(%d) is %s', (x, radix, text) => {
    expect(espruinoNumberToString(x, radix)).toBe(text);
  });

  it.each([
    [2.5, 0, '2'],
    [-1.5, 0, '-1'],
    [99.995, 2, '99.99'],
    [1.25, 1, '1.3'], // the last digit of toFixed(1) adds 0.5 (ftoa_bounded_extra)
    [2.675, 1, '2.7'],
    [0.96, 1, '0.9'], // 9.6 + 0.5 makes the digit 10, printed as 9
    [99.995, 1, '99.9'],
    [0.99999999, 1, '1.0'], // within 1e-7 of 1: printed as 1
    [1e21, 2, '1000000000000000000000.00'], // toFixed never switches to exponent notation
    [1e100, 0, '999999999999999379169296480482523639595345603087764018607327548379692'], // 69 characters at most
    [1.5, 1e10, '1.50000000000000000000'], // (int)(long long)1e10 wraps to 1410065408, clamped to 20
    [1.5, '2.9', '1.50'],
    [1.5, -3, '1'],
  ])('(%d).toFixed(%s) is %s', (x, d, text) => {
    expect(espruinoToFixed(x, d)).toBe(text);
  });

  it('differs from Node for most doubles (why signed data never carries decimal text)', () => {
    let differ = 0;
    for (let i = 1; i <= 700; i++) {
      const x = (i * 7919.123456789) / 97;
      if (espruinoNumberToString(x) !== String(x)) differ++;
    }
    expect(differ).toBeGreaterThan(350);
  });
});

describe('Espruino text -> number', () => {
  it('parses integers and simple decimals', () => {
    expect(espruinoParseFloat('42')).toBe(42);
    expect(espruinoParseFloat(' -2.5')).toBe(-2.5);
    expect(espruinoParseFloat('1e6')).toBe(1000000);
    expect(espruinoParseFloat('abc')).toBeNaN();
  });

  it('follows stringToFloatWithRadix: radix prefixes, a leading 0 is octal, an exponent alone is 0', () => {
    expect(espruinoParseFloat('010')).toBe(8);
    expect(espruinoParseFloat('019')).toBe(19); // an 8 or 9 (or a '.') makes it decimal
    expect(espruinoParseFloat('0x1A')).toBe(26);
    expect(espruinoParseFloat('-0b101')).toBe(-5);
    expect(espruinoParseFloat('e5')).toBe(0);
    expect(espruinoParseFloat('.e5')).toBe(0);
    expect(espruinoParseFloat('.')).toBeNaN();
    expect(espruinoParseFloat(' Infinity')).toBeNaN(); // only the exact texts "Infinity" and "-Infinity"
    expect(espruinoParseFloat(1e21)).toBe(1e21); // a number goes through its Espruino text, "10e+20"
    expect(() => espruinoParseFloat('1'.repeat(69))).toThrow('String too big to convert to number');
  });

  it('Number(text): leading whitespace only, integers through a wrapping 64-bit integer, 64 characters at most', () => {
    expect(espruinoNumber(' 12')).toBe(12);
    expect(espruinoNumber('12 ')).toBeNaN();
    expect(espruinoNumber('  ')).toBeNaN();
    expect(espruinoNumber('')).toBe(0);
    expect(espruinoNumber('0x')).toBe(0);
    expect(espruinoNumber('-0x10')).toBe(-16);
    expect(espruinoNumber('1e400')).toBe(Infinity);
    expect(espruinoNumber('12345678901234567890123')).toBe(4807115922877858816);
    expect(() => espruinoNumber('1'.repeat(64))).toThrow('String too big to convert to number');
  });

  it('number literals: floats through stringToFloat, integers through stringToInt', () => {
    expect(espruinoNumberLiteral('0777')).toBe(511);
    expect(espruinoNumberLiteral('08.5')).toBe(8.5);
    expect(espruinoNumberLiteral('1_000.5')).toBe(1000.5);
    expect(espruinoNumberLiteral('1e100')).not.toBe(1e100); // 1 multiplied by 10 a hundred times
  });

  it('is not correctly rounded: some short decimals become another double than in Node', () => {
    let differ = 0;
    for (let i = 0; i < 1000; i++) {
      const text = (i * 37 + 0.17).toFixed(2);
      if (espruinoParseFloat(text) !== Number(text)) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});
