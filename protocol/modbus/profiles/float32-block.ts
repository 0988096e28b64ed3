// Generic "float32 block": 16 consecutive float32 values v1..v16 in input registers from PDU address 0, word order
// ABCD, no status register. Devices move it with `addressOffset` and change the order with `wordOrder`; anything
// else (holding registers, a status word) is described with device `registers`/`statuses`.

import type { ProfileDef, RegisterDef } from '../profile';

export const FLOAT32_BLOCK_VALUES = 16;

function build(): ProfileDef {
  const registers: RegisterDef[] = [];
  for (let i = 1; i <= FLOAT32_BLOCK_VALUES; i++) {
    registers.push({ name: 'v' + i, table: 'input', address: 2 * (i - 1), type: 'float32' });
  }
  return {
    id: 'FLOAT32_BLOCK',
    title: 'Generic block of float32 input registers',
    source: 'none (generic)',
    addressing: 'pdu',
    wordOrder: 'ABCD',
    zeroWhileNotMeasuring: false,
    statuses: [],
    registers: registers,
  };
}

export const FLOAT32_BLOCK: ProfileDef = build();
