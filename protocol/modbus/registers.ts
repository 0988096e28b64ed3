// Register value decoding and encoding. Words travel big-endian inside a register; how a multi-register value is
// split across registers varies per analyzer (cems.md section 8 "General"), so the order is configuration:
//   ABCD  high word first, big-endian bytes (Modbus "natural" order; Teledyne T-series)
//   CDAB  low word first ("word swapped", "middle-endian"; Vaisala)
//   BADC  high word first, bytes swapped inside each register
//   DCBA  low word first, bytes swapped (fully little-endian)
// For 64-bit values CDAB reverses all four words. For 16-bit values only the byte swap (BADC, DCBA) applies.
// Floats go through DataView, which is bit-exact on Espruino (espruino.md section 3.5); nothing passes through text.

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

/** Copies `words` registers from data[offset..] into SCRATCH in big-endian value order. */
function gather(data: Uint8Array, offset: number, words: number, order: WordOrder): void {
  const ws = wordSwapped(order);
  const bs = byteSwapped(order);
  for (let w = 0; w < words; w++) {
    const src = offset + 2 * (ws ? words - 1 - w : w);
    SCRATCH[2 * w] = bs ? data[src + 1] : data[src];
    SCRATCH[2 * w + 1] = bs ? data[src] : data[src + 1];
  }
}

/** Inverse of gather: SCRATCH (big-endian value) into registers at out[offset..]. */
function scatter(out: Uint8Array, offset: number, words: number, order: WordOrder): void {
  const ws = wordSwapped(order);
  const bs = byteSwapped(order);
  for (let w = 0; w < words; w++) {
    const dst = offset + 2 * (ws ? words - 1 - w : w);
    out[dst] = bs ? SCRATCH[2 * w + 1] : SCRATCH[2 * w];
    out[dst + 1] = bs ? SCRATCH[2 * w] : SCRATCH[2 * w + 1];
  }
}

/** The value of a register-typed field starting at data[offset] (big-endian register bytes as received). */
export function decodeRegisters(data: Uint8Array, offset: number, type: ValueType, order: WordOrder): number {
  const words = typeWords(type);
  gather(data, offset, words, order);
  if (type === 'float32') return VIEW.getFloat32(0, false);
  if (type === 'float64') return VIEW.getFloat64(0, false);
  if (type === 'int32') return VIEW.getInt32(0, false);
  if (type === 'uint32') return VIEW.getUint32(0, false);
  if (type === 'int16') return VIEW.getInt16(0, false);
  return VIEW.getUint16(0, false);
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

/**
 * Engineering value = raw * scale / divisor + offset. A divisor keeps "tenths" exact (raw / 10 rather than
 * raw * 0.1, whose constant is not exactly representable); identity parameters return raw untouched.
 */
export function scaleValue(raw: number, scale: number, divisor: number, offset: number): number {
  let v = raw;
  if (scale !== 1) v = v * scale;
  if (divisor !== 1) v = v / divisor;
  if (offset !== 0) v = v + offset;
  return v;
}
