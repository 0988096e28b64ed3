// SICK GM32 in-situ cross-duct analyzer (SO2, NO, NO2, NH3, ...).
// Source: SICK GM32 Operating Instructions 8012707/ZVF9 V2-1 (2019-04), section 9.3 "Modbus" (register table p.69/71).
// Input registers, one 17-register block per measured component from 5000 (component n at 5000 + 17*(n-1)):
//   +0 measured value float32, +2 status int16 (bit 0 Failure, 1 Maintenance request, 2 Function check,
//   8 Check cycle), +3 zero-point value, +5 span-point value, +7 range start, +9 range end, +11/+13/+15 regression
//   coefficients C0/C1/C2 (float32; types of +3..+15 inferred from the 2-register spacing). The address column is treated as PDU (0-based) and the word order as
//   ABCD: the manual does not state either, so both are per-device overrides (wordOrder, addressOffset).
// Status mapping (NAMUR NE 107 groups): Failure -> FAULT, Function check -> MAINTENANCE, Check cycle -> CALIBRATION;
// Maintenance request is a warning and leaves the value VALID (the native bits keep it).

import type { ProfileDef, RegisterDef, StatusDef } from '../profile';

export const GM32_COMPONENTS = 8;
export const GM32_BASE = 5000;
export const GM32_STRIDE = 17;

function build(): ProfileDef {
  const registers: RegisterDef[] = [];
  const statuses: StatusDef[] = [];
  for (let n = 1; n <= GM32_COMPONENTS; n++) {
    const base = GM32_BASE + GM32_STRIDE * (n - 1);
    const c = 'c' + n;
    statuses.push({
      name: c + 'Status',
      table: 'input',
      address: base + 2,
      count: 1,
      rules: [
        { bit: 0, status: 'FAULT' },
        { bit: 2, status: 'MAINTENANCE' },
        { bit: 8, status: 'CALIBRATION' },
      ],
    });
    registers.push({ name: c, table: 'input', address: base, type: 'float32', status: c + 'Status' });
    registers.push({ name: c + 'StatusWord', table: 'input', address: base + 2, type: 'uint16' });
    registers.push({ name: c + 'Zero', table: 'input', address: base + 3, type: 'float32' });
    registers.push({ name: c + 'Span', table: 'input', address: base + 5, type: 'float32' });
    registers.push({ name: c + 'RangeStart', table: 'input', address: base + 7, type: 'float32' });
    registers.push({ name: c + 'RangeEnd', table: 'input', address: base + 9, type: 'float32' });
    registers.push({ name: c + 'C0', table: 'input', address: base + 11, type: 'float32' });
    registers.push({ name: c + 'C1', table: 'input', address: base + 13, type: 'float32' });
    registers.push({ name: c + 'C2', table: 'input', address: base + 15, type: 'float32' });
  }
  return {
    id: 'SICK_GM32',
    title: 'SICK GM32 cross-duct gas analyzer',
    source: 'SICK GM32 Operating Instructions 8012707/ZVF9 V2-1 (2019-04) section 9.3',
    addressing: 'pdu',
    wordOrder: 'ABCD',
    zeroWhileNotMeasuring: true,
    statuses: statuses,
    registers: registers,
  };
}

export const SICK_GM32: ProfileDef = build();
