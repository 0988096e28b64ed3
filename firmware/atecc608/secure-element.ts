// Bring-up of the ATECC608 on the device: bus, driver and the ES256 record signer with its kid.
import type { CodedError } from '../../protocol/errors';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { openAtecc608Signer, type Atecc608Signer } from '../../protocol/atecc608/signer';
import { scheduler, sha256 } from '../platform';
import { EspruinoI2cBus } from './i2c-bus';

export interface SecureElementConfig {
  /** I2C1 (default pins SCL D22, SDA D21) or I2C2 (SCL D16, SDA D17). */
  i2c: I2C;
  scl: Pin;
  sda: Pin;
  /** 7-bit address: 0x60 default, 0x35 for Trust&GO TNGTLS (8-bit 0x6A), 0x36 for TrustFLEX (0x6C). */
  address: number;
  /** Key slot of the device key (0 on Trust&GO / TrustFLEX). */
  slot: number;
  /** Wake by driving SDA low as a GPIO instead of the general-call write. */
  gpioWake: boolean;
}

export function openSecureElement(
  config: SecureElementConfig,
  done: (err: CodedError | null, signer: Atecc608Signer | null, device: Atecc608 | null) => void,
): void {
  const bus = new EspruinoI2cBus(config.i2c, config.scl, config.sda, config.gpioWake);
  const device = new Atecc608(bus, scheduler, atecc608Options(config.address));
  openAtecc608Signer(device, sha256, config.slot, function (err, signer) {
    done(err, signer, device);
  });
}
