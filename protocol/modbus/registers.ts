// Register value types and word orders, and the encoding of values as registers (the simulator's analyzers; the device
// decodes with rtu-poller.ts decodeValue). Words travel big-endian inside a register; how a multi-register value is
// split across registers varies per analyzer (Teledyne T-series MODBUS register map: high word first; Vaisala
// M212572EN: word-swapped), so the order is configuration:
//   ABCD  high word first, big-endian bytes (Modbus "natural" order; Teledyne T-series)
//   CDAB  low word first ("word swapped", "middle-endian"; Vaisala)
//   BADC  high word first, bytes swapped inside each register
//   DCBA  low word first, bytes swapped (fully little-endian)
// For 64-bit values CDAB reverses all four words. For 16-bit values only the byte swap (BADC, DCBA) applies.
// Floats go through DataView, which is bit-exact on Espruino (it copies the IEEE 754 bytes: src/jsvariterator.c,
// jsvArrayBufferIteratorDataToFloat / jsvArrayBufferIteratorFloatToData); nothing passes through text.

export type WordOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';
export type ValueType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64' | 'bit';

export const WORD_ORDERS: WordOrder[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
export const VALUE_TYPES: ValueType[] = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'bit'];

const SCRATCH = new Uint8Array(8);
const VIEW = new DataView(SCRATCH.buffer);

/** Registers a value occupies (a bit occupies one coil/discrete input, reported as 1). */
export function typeWords(type: ValueType): number {
  if (type === 'float64') return 4;
  if (type === 'int32' || type === 'uint32' || type === 'float32') return 2;
  return 1;
}

function wordSwapped(order: WordOrder): boolean {
  return order === 'CDAB' || order === 'DCBA';
}

function byteSwapped(order: WordOrder): boolean {
  return order === 'BADC' || order === 'DCBA';
}

/** SCRATCH (the big-endian value) into registers at out[offset..] in word order `order`. */
function scatter(out: Uint8Array, offset: number, words: number, order: WordOrder): void {
  const ws = wordSwapped(order);
  const bs = byteSwapped(order);
  for (let w = 0; w < words; w++) {
    const dst = offset + 2 * (ws ? words - 1 - w : w);
    out[dst] = bs ? SCRATCH[2 * w + 1] : SCRATCH[2 * w];
    out[dst + 1] = bs ? SCRATCH[2 * w] : SCRATCH[2 * w + 1];
  }
}

/** Writes a value as registers at out[offset..] (slave side, simulators, write requests). */
export function encodeRegisters(value: number, type: ValueType, order: WordOrder, out: Uint8Array, offset: number): void {
  if (type === 'float32') VIEW.setFloat32(0, value, false);
  else if (type === 'float64') VIEW.setFloat64(0, value, false);
  else if (type === 'int32') VIEW.setInt32(0, value, false);
  else if (type === 'uint32') VIEW.setUint32(0, value, false);
  else if (type === 'int16') VIEW.setInt16(0, value, false);
  else VIEW.setUint16(0, value, false);
  scatter(out, offset, typeWords(type), order);
}

/** Bit `index` of packed coil/discrete data (LSB first). */
export function getBit(data: Uint8Array, index: number): number {
  return (data[index >> 3] >> (index & 7)) & 1;
}

export function setBit(data: Uint8Array, index: number, value: number): void {
  if (value) data[index >> 3] |= 1 << (index & 7);
  else data[index >> 3] &= ~(1 << (index & 7)) & 0xff;
}
