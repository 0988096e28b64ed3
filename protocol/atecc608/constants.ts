// ATECC608A/B wire constants (cryptoauthlib lib/calib/calib_command.h; default address and wake delay from
// lib/atca_cfgs.c, cfg_ateccx08a_i2c_default; Trust&GO and TrustFLEX addresses from harmony/config/device_instance.py).

/** Default 7-bit I2C address (8-bit 0xC0). Trust&GO TNGTLS is 8-bit 0x6A = 7-bit 0x35, TrustFLEX 0x6C = 0x36. */
export const ATECC608_DEFAULT_ADDRESS = 0x60;

/** Word address: the first byte of every write tells the device what the write is. */
export const WORD_ADDRESS_RESET = 0x00;
export const WORD_ADDRESS_SLEEP = 0x01;
export const WORD_ADDRESS_IDLE = 0x02;
export const WORD_ADDRESS_COMMAND = 0x03;

/** Wake: a write to the general-call address holds SDA low for the address byte, then wait tWLO + tWHI. */
export const WAKE_ADDRESS = 0x00;
export const WAKE_DELAY_US = 1500;
/** SDA must stay low at least this long for the device to wake (tWLO). */
export const WAKE_LOW_MIN_US = 60;
/** The status packet a freshly woken device answers with: count 4, status 0x11, CRC 33 43. */
export const WAKE_TOKEN = [0x04, 0x11, 0x33, 0x43];

export const OP_READ = 0x02;
export const OP_NONCE = 0x16;
export const OP_RANDOM = 0x1b;
export const OP_INFO = 0x30;
export const OP_GENKEY = 0x40;
export const OP_SIGN = 0x41;
export const OP_WRITE = 0x12;
export const OP_LOCK = 0x17;
export const OP_SHA = 0x47;
export const OP_VERIFY = 0x45;
export const OP_ECDH = 0x43;
export const OP_SELFTEST = 0x77;

export const INFO_MODE_REVISION = 0x00;
/** Random mode 0x00 updates the EEPROM RNG seed (what cryptoauthlib's calib_sign does first). */
export const RANDOM_MODE_SEED_UPDATE = 0x00;
export const NONCE_MODE_PASSTHROUGH = 0x03;
export const NONCE_MODE_INPUT_64 = 0x20;
export const NONCE_MODE_TARGET_MSGDIGBUF = 0x40;
export const SIGN_MODE_EXTERNAL = 0x80;
export const SIGN_MODE_SOURCE_MSGDIGBUF = 0x20;
export const GENKEY_MODE_PUBLIC = 0x00;
export const GENKEY_MODE_PRIVATE = 0x04;
export const READ_ZONE_CONFIG = 0x00;
export const READ_ZONE_OTP = 0x01;
export const READ_ZONE_DATA = 0x02;
export const READ_32_BYTES = 0x80;

/** Command packet: count, opcode, param1, param2 (2), data, CRC (2). */
export const COMMAND_OVERHEAD = 7;
/** Response packet: count, data, CRC (2). */
export const RESPONSE_OVERHEAD = 3;
/** A status-only response: count 4, status, CRC. */
export const STATUS_PACKET_SIZE = 4;
/** Largest response the driver accepts (cryptoauthlib's ATCA_RSP_SIZE_MAX is 75 for the 608). */
export const RESPONSE_MAX = 75;
/** Largest command: Nonce pass-through with 64 bytes. */
export const COMMAND_MAX = COMMAND_OVERHEAD + 64;

export const DIGEST_SIZE = 32;
export const RANDOM_SIZE = 32;
export const SIGNATURE_SIZE = 64;
export const PUBLIC_KEY_SIZE = 64;
export const INFO_SIZE = 4;
export const BLOCK_SIZE = 32;
export const CONFIG_ZONE_SIZE = 128;
export const SLOT_COUNT = 16;
