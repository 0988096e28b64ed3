import { describe, expect, it } from 'vitest';
import { atcaCrc16, crcMatches, putCrc } from '../../protocol/atecc608/crc';
import { Prng } from '../../host-sim/prng';

/** cryptoauthlib's atCRC (lib/calib/calib_command.c), bit by bit: the independent reference. */
function bitwiseCrc(bytes: Uint8Array): number {
  let reg = 0;
  for (const b of bytes) {
    for (let mask = 0x01; mask < 0x100; mask <<= 1) {
      const dataBit = b & mask ? 1 : 0;
      const crcBit = reg >> 15;
      reg = (reg << 1) & 0xffff;
      if (dataBit !== crcBit) reg ^= 0x8005;
    }
  }
  return reg;
}

const le = (crc: number) => [crc & 0xff, crc >> 8];
const crcOf = (bytes: number[]) => le(atcaCrc16(Uint8Array.from(bytes), 0, bytes.length));

describe('ATECC CRC-16 (poly 0x8005, LSB-first input, little-endian result)', () => {
  it('gives the check values: 33 43 (wake token, hal_check_wake), 03 40, dd bc, 00 00', () => {
    expect(crcOf([0x04, 0x11])).toEqual([0x33, 0x43]);
    expect(crcOf([0x04, 0x00])).toEqual([0x03, 0x40]);
    expect(crcOf([...Buffer.from('123456789')])).toEqual([0xdd, 0xbc]);
    expect(crcOf([])).toEqual([0x00, 0x00]);
  });

  it('matches the bitwise algorithm on 20,000 random inputs', () => {
    const rng = new Prng(12345);
    for (let n = 0; n < 20_000; n++) {
      const bytes = rng.bytes(rng.int(80));
      expect(atcaCrc16(bytes, 0, bytes.length)).toBe(bitwiseCrc(bytes));
    }
  });

  it('works on a sub-range and writes/checks the CRC in place', () => {
    const frame = Uint8Array.from([0xaa, 0x07, 0x41, 0xa0, 0x00, 0x00, 0, 0]);
    putCrc(frame, 1, 6);
    expect([...frame.subarray(6)]).toEqual([0x7b, 0x85]);
    expect(crcMatches(frame, 1, 6)).toBe(true);
    frame[3] ^= 1;
    expect(crcMatches(frame, 1, 6)).toBe(false);
  });
});
