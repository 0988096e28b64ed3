// Emerson (Rosemount) X-STREAM XE/X2 process gas analyzers.
// Source: Emerson X-STREAM Enhanced Series Modbus Manual HASXEE-IM-MB (1st ed., 5/2017) section 1.4-1.6, and Instruction
// Manual HASAxE-IM-HS (05/2006) section 9. 32-bit Daniel/Enron registers map to Modicon register pairs: Daniel 9001..9999
// (float) = Modicon 6001..7999, so Daniel 9023 NormConcentration#DB channel 1 = Modicon 6045-6046, channel 2 (9024)
// = 6047-6048. Channels 3 and 4 follow the same pairing (6049, 6051) and are not confirmed by the manual excerpt.
// Registers are 1-based Modicon numbers read with FC03 (holding); word order ABCD (high word first) is assumed.
// The reference does not give the status register of the enhanced series, so this profile has none: add one with
// device `statuses`/`registers` (the manual's "List of Bitfield States" section 1.7) before relying on status.

import type { ProfileDef, RegisterDef } from '../profile';

function build(): ProfileDef {
  const registers: RegisterDef[] = [];
  for (let ch = 1; ch <= 4; ch++) {
    registers.push({ name: 'conc' + ch, table: 'holding', address: 6045 + 2 * (ch - 1), type: 'float32' });
  }
  return {
    id: 'EMERSON_XSTREAM',
    title: 'Emerson Rosemount X-STREAM XE/X2 gas analyzer',
    source: 'Emerson X-STREAM Enhanced Series Modbus Manual HASXEE-IM-MB 5/2017 section 1.4-1.6; IM HASAxE-IM-HS 05/2006 section 9',
    addressing: 'one-based',
    wordOrder: 'ABCD',
    zeroWhileNotMeasuring: false,
    statuses: [],
    registers: registers,
  };
}

export const EMERSON_XSTREAM: ProfileDef = build();
