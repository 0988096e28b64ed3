// Espruino's number text, checked against values measured on the Espruino 2v29 Linux build (formatter
// ftoa_bounded_extra and parser stringToFloatWithRadix in src/jsutils.c, toFixed in src/jswrap_number.c).
import { describe, expect, it } from 'vitest';
import { espruinoNumberToString, espruinoParseFloat, espruinoToFixed } from '../../host-sim/espruino/number-text';

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
  ])('String(%d) is %s', (x, text) => {
    expect(espruinoNumberToString(x)).toBe(text);
  });

  it.each([
    [2.5, 0, '2'],
    [-1.5, 0, '-1'],
    [99.995, 2, '99.99'],
    [1.25, 1, '1.2'],
  ])('(%d).toFixed(%d) is %s', (x, d, text) => {
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

  it('is not correctly rounded: some short decimals become another double than in Node', () => {
    let differ = 0;
    for (let i = 0; i < 1000; i++) {
      const text = (i * 37 + 0.17).toFixed(2);
      if (espruinoParseFloat(text) !== Number(text)) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});
