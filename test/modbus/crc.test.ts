import { describe, expect, it } from 'vitest';
import crc16modbus from 'crc/crc16modbus';
import { appendCrc, crc16, crcMatches } from '../../protocol/modbus/crc16';
import { asciiBytes, fromHex } from '../../protocol/bytes';
import { Prng } from '../../host-sim/prng';

describe('CRC-16/MODBUS', () => {
  it('matches the catalogue check value for "123456789"', () => {
    const b = asciiBytes('123456789');
    expect(crc16(b, 0, b.length)).toBe(0x4b37);
  });

  it('matches the crc package on 2000 random buffers and sub-ranges', () => {
    const rng = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const b = rng.bytes(rng.between(0, 300));
      expect(crc16(b, 0, b.length)).toBe(crc16modbus(Buffer.from(b)));
      if (b.length > 4) {
        const s = rng.int(b.length - 2);
        const e = s + 1 + rng.int(b.length - s - 1);
        expect(crc16(b, s, e)).toBe(crc16modbus(Buffer.from(b.subarray(s, e))));
      }
    }
  });

  it('appends low byte first, as on the wire', () => {
    const frame = new Uint8Array(8);
    frame.set(fromHex('110300 6b0003'));
    expect(appendCrc(frame, 6)).toBe(8);
    expect(Array.from(frame.subarray(6))).toEqual([0x76, 0x87]);
    expect(crcMatches(frame, 0, 8)).toBe(true);
    frame[3] ^= 0x10;
    expect(crcMatches(frame, 0, 8)).toBe(false);
    expect(crcMatches(frame, 0, 3)).toBe(false);
  });
});
