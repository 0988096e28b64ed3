// Command packets and response frames (cryptoauthlib lib/calib/calib_command.h, ATCAPacket; atCalcCrc and atCheckCrc
// in calib_command.c):
//   command  [word address 0x03][count][opcode][param1][param2 LSB][param2 MSB][data...][CRC LSB][CRC MSB]
//   response [count][data...][CRC LSB][CRC MSB]          count = whole frame length, including itself and the CRC
import { COMMAND_OVERHEAD, RESPONSE_MAX, STATUS_PACKET_SIZE, WORD_ADDRESS_COMMAND } from './constants';
import { atcaCrc16, crcMatches } from './crc';

/**
 * Writes a complete command write (word address first) into `out` and returns its length (8 + data length).
 * `out` must hold COMMAND_OVERHEAD + 1 + data length bytes.
 */
export function encodeCommand(
  out: Uint8Array,
  opcode: number,
  param1: number,
  param2: number,
  data: Uint8Array | null,
): number {
  const dataLength = data ? data.length : 0;
  const count = COMMAND_OVERHEAD + dataLength;
  out[0] = WORD_ADDRESS_COMMAND;
  out[1] = count;
  out[2] = opcode;
  out[3] = param1;
  out[4] = param2 & 0xff;
  out[5] = (param2 >> 8) & 0xff;
  if (data) out.set(data, 6);
  // The CRC covers count..data, i.e. everything after the word address except the CRC itself.
  const crc = atcaCrc16(out, 1, count - 1);
  out[count - 1] = crc & 0xff;
  out[count] = crc >> 8;
  return count + 1;
}

/** A count byte that can start a response frame. */
export function isPlausibleCount(count: number): boolean {
  return count >= STATUS_PACKET_SIZE && count <= RESPONSE_MAX;
}

/** True when frame[0, frame[0]) is a response whose CRC matches. */
export function responseCrcOk(frame: Uint8Array): boolean {
  const count = frame[0];
  return isPlausibleCount(count) && frame.length >= count && crcMatches(frame, 0, count - 2);
}
