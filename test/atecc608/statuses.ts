// The device's status bytes and the error code each must give: expected by the status unit test (packet.test.ts)
// and end to end through the driver (driver.test.ts).
export const DEVICE_STATUSES: [number, string][] = [
  [0x01, 'ATECC_MISCOMPARE'],
  [0x03, 'ATECC_PARSE_ERROR'],
  [0x05, 'ATECC_ECC_FAULT'],
  [0x07, 'ATECC_SELF_TEST_ERROR'],
  [0x08, 'ATECC_RNG_HEALTH_ERROR'],
  [0x0f, 'ATECC_EXECUTION_ERROR'],
  [0x11, 'ATECC_AFTER_WAKE'],
  [0xee, 'ATECC_WATCHDOG'],
  [0xff, 'ATECC_DEVICE_CRC'],
];
