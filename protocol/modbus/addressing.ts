// Register tables and the three address conventions found in analyzer manuals:
//   pdu        0-based protocol address, as on the wire (Teledyne T-series register map; Thermo 5030i manual)
//   one-based  register number N = PDU address N-1, table given separately (X-STREAM "Modicon 6045", Emerson
//              HASXEE-IM-MB)
//   modicon    reference with the table prefix: 0xxxx coils, 1xxxx discrete inputs, 3xxxx input registers,
//              4xxxx holding registers, 5 digits (1..9999) or 6 digits (1..65536)

export type Table = 'coil' | 'discrete' | 'input' | 'holding';
export type Addressing = 'pdu' | 'one-based' | 'modicon';

export const TABLES: Table[] = ['coil', 'discrete', 'input', 'holding'];
export const ADDRESSINGS: Addressing[] = ['pdu', 'one-based', 'modicon'];

/** The read function code of a table: coil 1, discrete 2, holding 3, input 4. */
export function tableFc(table: Table): number {
  if (table === 'coil') return 1;
  if (table === 'discrete') return 2;
  if (table === 'holding') return 3;
  return 4;
}

export function isBitTable(table: Table): boolean {
  return table === 'coil' || table === 'discrete';
}

function modiconPrefix(table: Table): number {
  if (table === 'coil') return 0;
  if (table === 'discrete') return 1;
  if (table === 'input') return 3;
  return 4;
}

/** PDU address of a configured address, or -1 when it is not a valid address in that convention. */
export function toPduAddress(table: Table, address: number, addressing: Addressing): number {
  if (typeof address !== 'number' || address !== Math.floor(address)) return -1;
  let pdu = -1;
  if (addressing === 'pdu') pdu = address;
  else if (addressing === 'one-based') pdu = address - 1;
  else {
    const p = modiconPrefix(table);
    if (address >= p * 10000 + 1 && address <= p * 10000 + 9999) pdu = address - p * 10000 - 1;
    else if (address >= p * 100000 + 1 && address <= p * 100000 + 65536) pdu = address - p * 100000 - 1;
  }
  return pdu >= 0 && pdu <= 65535 ? pdu : -1;
}
