// Teledyne API T-series (T100 SO2, T101 SO2/H2S, T108 SO2/TRS) UV-fluorescence analyzers.
// Sources: Teledyne API T/E-Series Models 101, 102 and 108 Software Documentation PN05492D DCN6485, Appendix A-7
// "MODBUS Register Map" (floating point input registers, 0-based, "32-bit IEEE 754 format; read in high-word,
// low-word order": 34 SO2 concentration range #1 PPB, 36 range #2, 38/40 H2S/TRS range #1/#2, 46 reaction cell
// temperature); Teledyne API Models T100/100E 05036E DCN5834, Appendix A "MODBUS Discrete Input Registers"
// (0 PMT detector warning ... 15 invalid concentration, 16 in zero calibration mode, 17 in span calibration mode,
// 18 in multi-point calibration mode, 19 system is OK, 22 in low span calibration mode). The discrete-input numbering
// differs between firmware variants (the 100EU list is shifted): check the instrument's own Appendix A.
// Status: invalid concentration or "system OK" low -> FAULT; any calibration mode -> CALIBRATION.

import type { ProfileDef } from '../profile';

export const TELEDYNE_T: ProfileDef = {
  id: 'TELEDYNE_T',
  title: 'Teledyne API T100/T101/T108 SO2 analyzer',
  source:
    'Teledyne API T/E-Series 101/102/108 Software Documentation PN05492D DCN6485 App. A-7; T100/100E 05036E DCN5834 App. A',
  addressing: 'pdu',
  wordOrder: 'ABCD',
  zeroWhileNotMeasuring: true,
  statuses: [
    {
      name: 'warnings',
      table: 'discrete',
      address: 0,
      count: 25,
      rules: [
        { bit: 15, status: 'FAULT' },
        { bit: 19, when: 0, status: 'FAULT' },
        { bit: 16, status: 'CALIBRATION' },
        { bit: 17, status: 'CALIBRATION' },
        { bit: 18, status: 'CALIBRATION' },
        { bit: 22, status: 'CALIBRATION' },
      ],
    },
  ],
  registers: [
    { name: 'so2Range1', table: 'input', address: 34, type: 'float32', unit: 'ppb', status: 'warnings' },
    { name: 'so2Range2', table: 'input', address: 36, type: 'float32', unit: 'ppb', status: 'warnings' },
    { name: 'h2sRange1', table: 'input', address: 38, type: 'float32', unit: 'ppb', status: 'warnings' },
    { name: 'h2sRange2', table: 'input', address: 40, type: 'float32', unit: 'ppb', status: 'warnings' },
    { name: 'reactionCellTemp', table: 'input', address: 46, type: 'float32', unit: 'degC' },
  ],
};
