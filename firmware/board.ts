// The board the firmware drives: an ESP32 module running Espruino 2v29 (boards/ESP32.py), or Espruino's Linux build
// for conformance runs against real peers. Pin maps and port choices live here and nowhere else.

/** Espruino's Linux build (process.env.BOARD 'LINUX'): console on the terminal, UARTs opened by device path. */
export const IS_LINUX = process.env.BOARD === 'LINUX';

export const BOARD = 'ESP32';

/** The technician console: Serial1 (UART0 on GPIO1/3, the USB bridge), 115200 8N1; the terminal on Linux. */
export const CONSOLE_BAUD = 115200;

export function consoleSerial(): Serial {
  return IS_LINUX ? USB : Serial1;
}

/** GPIO0 is the BOOT button on ESP32 modules: held low at boot, the firmware leaves the REPL alone (safe mode). */
export const SAFE_MODE_PIN = 'D0';

/**
 * The UART of an RS-485 bus (plan Bus.PORT): Serial2 (default TX GPIO4 / RX GPIO5, the delivered board wires 17/16)
 * or Serial3 (TX 17 / RX 16); Serial1 carries the console (targets/esp32/jshardwareUart.c).
 */
export function busSerial(port: number): Serial {
  return port === 3 ? Serial3 : Serial2;
}

/** I2C peripheral of the secure element: 0 = I2C1 (SCL D22, SDA D21), 1 = I2C2 (SCL D16, SDA D17). */
export function i2cOf(index: number): I2C {
  return index === 1 ? I2C2 : I2C1;
}
