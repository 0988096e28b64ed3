// CRC-16 of the ATECC608 I2C protocol (cryptoauthlib atCRC): polynomial 0x8005, initial value 0, each data byte fed
// LSB first into an MSB-first shift register, no final XOR; the 16-bit result goes on the wire low byte first.
// Feeding a byte LSB first is feeding its bit-reversal MSB first, so the classic MSB-first table is indexed with the
// reversed byte. Check values: CRC(04 11) = 33 43, CRC(04 00) = 03 40, CRC("123456789") = dd bc.

const POLY = 0x8005;

function buildReverseTable(): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
    t[i] = r;
  }
  return t;
}

function buildCrcTable(): Uint16Array {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 8;
    for (let b = 0; b < 8; b++) r = r & 0x8000 ? ((r << 1) ^ POLY) & 0xffff : (r << 1) & 0xffff;
    t[i] = r;
  }
  return t;
}

const REVERSE = buildReverseTable();
const TABLE = buildCrcTable();

/** CRC over bytes[start, end). The low byte of the result is transmitted first. */
export function atcaCrc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ REVERSE[bytes[i]]) & 0xff];
  return crc;
}

/** Writes the CRC of bytes[start, end) at bytes[end], bytes[end + 1] (little-endian, as the device expects). */
export function putCrc(bytes: Uint8Array, start: number, end: number): void {
  const crc = atcaCrc16(bytes, start, end);
  bytes[end] = crc & 0xff;
  bytes[end + 1] = crc >> 8;
}

/** True when bytes[end], bytes[end + 1] hold the CRC of bytes[start, end). */
export function crcMatches(bytes: Uint8Array, start: number, end: number): boolean {
  const crc = atcaCrc16(bytes, start, end);
  return bytes[end] === (crc & 0xff) && bytes[end + 1] === crc >> 8;
}
