// Device status codes (the one-byte payload of a 4-byte status packet; cryptoauthlib isATCAError) and the driver's
// own error codes. Every failure leaves the driver as a CodedError whose code is one of the ATECC_* names below.
import { codedError, type CodedError } from '../errors';

export const STATUS_SUCCESS = 0x00;
export const STATUS_MISCOMPARE = 0x01;
export const STATUS_PARSE_ERROR = 0x03;
export const STATUS_ECC_FAULT = 0x05;
export const STATUS_SELF_TEST_ERROR = 0x07;
export const STATUS_HEALTH_TEST_ERROR = 0x08;
export const STATUS_EXECUTION_ERROR = 0x0f;
export const STATUS_AFTER_WAKE = 0x11;
export const STATUS_WATCHDOG_EXPIRE = 0xee;
export const STATUS_CRC_ERROR = 0xff;

/** [status, error code, meaning] for every status the device reports. */
const STATUS_TABLE: [number, string, string][] = [
  [STATUS_MISCOMPARE, 'ATECC_MISCOMPARE', 'CheckMac/Verify miscompare (status 0x01)'],
  [STATUS_PARSE_ERROR, 'ATECC_PARSE_ERROR', 'illegal length, opcode or parameter (status 0x03)'],
  [STATUS_ECC_FAULT, 'ATECC_ECC_FAULT', 'ECC computation fault, retry the command (status 0x05)'],
  [STATUS_SELF_TEST_ERROR, 'ATECC_SELF_TEST_ERROR', 'device is in self-test failure mode (status 0x07)'],
  [STATUS_HEALTH_TEST_ERROR, 'ATECC_RNG_HEALTH_ERROR', 'random number generator health test failed (status 0x08)'],
  [STATUS_EXECUTION_ERROR, 'ATECC_EXECUTION_ERROR', 'command cannot execute in this state/config (status 0x0F)'],
  [STATUS_AFTER_WAKE, 'ATECC_AFTER_WAKE', 'device answered the wake status: it slept or reset during the command (status 0x11)'],
  [STATUS_WATCHDOG_EXPIRE, 'ATECC_WATCHDOG', 'watchdog about to expire, command not run; sleep and wake again (status 0xEE)'],
  [STATUS_CRC_ERROR, 'ATECC_DEVICE_CRC', 'device received a bad CRC or garbled command (status 0xFF)'],
];

/** The coded error for a non-zero status byte; null for success. */
export function statusError(status: number, opcodeName: string): CodedError | null {
  if (status === STATUS_SUCCESS) return null;
  for (let i = 0; i < STATUS_TABLE.length; i++) {
    const row = STATUS_TABLE[i];
    if (row[0] === status) return codedError(row[1], opcodeName + ': ' + row[2]);
  }
  return codedError('ATECC_STATUS_UNKNOWN', opcodeName + ': unknown status 0x' + hex2(status));
}

export function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

// Driver-side error codes (no status byte involved).
/** No answer to the wake token read: nothing at the address, bus fault, or bus faster than 100 kHz. */
export const ERR_NO_DEVICE = 'ATECC_NO_DEVICE';
/** Something answered the wake but not with 04 11 33 43. */
export const ERR_WAKE_TOKEN = 'ATECC_WAKE_TOKEN';
/** The command write was not acknowledged. */
export const ERR_WRITE_NACK = 'ATECC_WRITE_NACK';
/** The device stayed busy (NACKing) past the command's maximum execution time. */
export const ERR_TIMEOUT = 'ATECC_TIMEOUT';
/** The response failed its CRC on every read attempt. */
export const ERR_RX_CRC = 'ATECC_RX_CRC';
/** The response count byte is impossible, or the payload length is not what the command returns. */
export const ERR_RX_LENGTH = 'ATECC_RX_LENGTH';
/** The bus failed in the middle of reading a response. */
export const ERR_I2C = 'ATECC_I2C';
/** A caller argument is out of range (slot, digest length, block, address). */
export const ERR_BAD_ARG = 'ATECC_BAD_ARG';
