// Meaning of the Info revision and of the 128-byte configuration zone (ATECC608 datasheet config map, cryptoauthlib
// atca_cfgs/calib_config): serial number, lock bytes, ChipMode, SlotConfig / KeyConfig.
import { codedError } from '../errors';
import { CONFIG_ZONE_SIZE } from './constants';
import type { ClockDivider } from './exec-times';
import { ERR_BAD_ARG } from './status';

export type DeviceVariant = 'ATECC608A' | 'ATECC608B' | 'UNKNOWN';

/**
 * Info revision bytes: [2] = 0x60 for the ATECC608 family; [3] = 0x02 on the 608A and 0x03 on the 608B (values
 * read back from parts by users; cryptoauthlib itself only checks the 0x60 family byte).
 */
export function deviceVariant(revision: Uint8Array): DeviceVariant {
  if (revision.length !== 4 || revision[0] !== 0x00 || revision[1] !== 0x00 || revision[2] !== 0x60) return 'UNKNOWN';
  if (revision[3] === 0x02) return 'ATECC608A';
  if (revision[3] >= 0x03) return 'ATECC608B';
  return 'UNKNOWN';
}

const LOCKED = 0x00;
const SN_A = 0;
const SN_B = 8;
const CHIP_MODE = 19;
const SLOT_CONFIG = 20;
const LOCK_VALUE = 86;
const LOCK_CONFIG = 87;
const KEY_CONFIG = 96;
const KEY_TYPE_P256 = 4;

export interface ConfigSummary {
  /** SN[0:8]: config bytes 0-3 and 8-12. */
  serialNumber: Uint8Array;
  /** SN[0:1] = 01 23 and SN[8] = EE, the fixed bytes of every ATECC serial number. */
  serialNumberValid: boolean;
  configLocked: boolean;
  /** LockValue covers the data and OTP zones. */
  dataLocked: boolean;
  /** 8-bit I2C address byte as configured (config byte 16). */
  i2cAddress8: number;
  /** Clock divider from ChipMode bits 3-7 (0x00 M0, 0x0D M1, 0x05 M2); null if another value. */
  clockDivider: ClockDivider | null;
  /** ChipMode bit 2: watchdog 10 s instead of 1.3 s. */
  longWatchdog: boolean;
}

export function serialNumber(config: Uint8Array): Uint8Array {
  const sn = new Uint8Array(9);
  sn.set(config.subarray(SN_A, SN_A + 4), 0);
  sn.set(config.subarray(SN_B, SN_B + 5), 4);
  return sn;
}

function divider(chipMode: number): ClockDivider | null {
  const d = (chipMode >> 3) & 0x1f;
  if (d === 0x00) return 0;
  if (d === 0x0d) return 1;
  if (d === 0x05) return 2;
  return null;
}

export function summarizeConfig(config: Uint8Array): ConfigSummary {
  if (config.length !== CONFIG_ZONE_SIZE) throw codedError(ERR_BAD_ARG, 'config zone must be 128 bytes, got ' + config.length);
  const sn = serialNumber(config);
  return {
    serialNumber: sn,
    serialNumberValid: sn[0] === 0x01 && sn[1] === 0x23 && sn[8] === 0xee,
    configLocked: config[LOCK_CONFIG] === LOCKED,
    dataLocked: config[LOCK_VALUE] === LOCKED,
    i2cAddress8: config[16],
    clockDivider: divider(config[CHIP_MODE]),
    longWatchdog: (config[CHIP_MODE] & 0x04) !== 0,
  };
}

/** SlotConfig of a slot (16-bit little-endian). */
export function slotConfig(config: Uint8Array, slot: number): number {
  return config[SLOT_CONFIG + 2 * slot] | (config[SLOT_CONFIG + 2 * slot + 1] << 8);
}

/** KeyConfig of a slot (16-bit little-endian). */
export function keyConfig(config: Uint8Array, slot: number): number {
  return config[KEY_CONFIG + 2 * slot] | (config[KEY_CONFIG + 2 * slot + 1] << 8);
}

/** KeyConfig says: private (bit 0) P-256 key (KeyType bits 2-4 = 4). */
export function isP256PrivateKeySlot(config: Uint8Array, slot: number): boolean {
  const k = keyConfig(config, slot);
  return (k & 0x01) !== 0 && ((k >> 2) & 0x07) === KEY_TYPE_P256;
}

/** SlotConfig of a private key: ReadKey bit 0 allows Sign with an external message. */
export function allowsExternalSign(config: Uint8Array, slot: number): boolean {
  return (slotConfig(config, slot) & 0x01) !== 0;
}
