// The I2cBus port on Espruino's hardware I2C (I2C1 / I2C2). On the ESP32 every NACK throws
// ("...: slave doesn't ACK the transfer", Espruino targets/esp32/jshardwareI2c.c, checkError): the driver catches
// those where it expects them.
import type { I2cBus } from '../protocol/ports';

/** The ATECC608 wake pulse needs SDA low for >= 60 us: the general-call address byte lasts ~80 us at 100 kHz. */
export const ATECC_BITRATE = 100000;
/** Length of the GPIO wake pulse (tWLO >= 60 us, with margin for getTime() resolution and interpreter jitter). */
const GPIO_WAKE_LOW_US = 100;

function busyWaitUs(us: number): void {
  const end = getTime() + us / 1000000;
  while (getTime() < end) {
    // Busy-wait: only used for the 1.5 ms wake delay, shorter than a setTimeout round trip on Espruino.
  }
}

export class EspruinoI2cBus implements I2cBus {
  /**
   * @param gpioWake wake by driving SDA low as a GPIO instead of the general-call write (fallback for hardware
   *   whose I2C peripheral does not hold SDA low long enough; not measured on ESP32 hardware, where Espruino sends
   *   the address byte through the ESP-IDF I2C master driver: targets/esp32/jshardwareI2c.c, jshI2CWrite)
   */
  constructor(
    private readonly i2c: I2C,
    private readonly scl: Pin,
    private readonly sda: Pin,
    private readonly gpioWake: boolean,
  ) {
    this.setup();
  }

  private setup(): void {
    this.i2c.setup({ scl: this.scl, sda: this.sda, bitrate: ATECC_BITRATE });
  }

  write(address: number, data: Uint8Array): void {
    if (address === 0 && this.gpioWake) {
      pinMode(this.sda, 'output');
      digitalWrite(this.sda, 0);
      busyWaitUs(GPIO_WAKE_LOW_US);
      digitalWrite(this.sda, 1);
      this.setup();
      return;
    }
    this.i2c.writeTo(address, data);
  }

  read(address: number, length: number): Uint8Array {
    return this.i2c.readFrom(address, length);
  }

  delayUs(us: number): void {
    busyWaitUs(us);
  }
}
