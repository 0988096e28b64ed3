// Simulated I2C bus (I2C1/I2C2) with devices attached by 7-bit address. As on the ESP32, a NACK throws
// "<fn>: slave doesn't ACK the transfer" (Espruino targets/esp32/jshardwareI2c.c, checkError). A write to address 0
// holds SDA low for the address byte: the wake condition of an ATECC608, delivered to every device as `wakePulse`.
import type { Runtime } from './runtime';
import { toHostBytes } from './bytes';

export interface I2cDevice {
  /** A write transaction addressed to this device; false = NACK. */
  write(data: Uint8Array): boolean;
  /** A read transaction; null = NACK. */
  read(length: number): Uint8Array | null;
  /** SDA was held low for `us` microseconds (a transfer to address 0). */
  wakePulse?(us: number): void;
}

export interface I2cTransfer {
  op: 'write' | 'read';
  address: number;
  data: Uint8Array;
  ack: boolean;
}

type Address = number | { address: number; stop?: boolean };

export class SimI2C {
  private readonly devices = new Map<number, I2cDevice>();
  private bitrate = 100000;
  private configured = false;
  private runtime: Runtime | null = null;
  /** Every transfer, for byte-level assertions. */
  readonly log: I2cTransfer[] = [];
  logEnabled = false;

  constructor(readonly name: string) {}

  attach(runtime: Runtime): void {
    this.runtime = runtime;
    this.configured = false;
  }

  connect(address: number, device: I2cDevice): void {
    this.devices.set(address, device);
  }

  setup(options?: { scl?: unknown; sda?: unknown; bitrate?: number }): void {
    this.bitrate = options?.bitrate ?? 100000;
    this.configured = true;
  }

  private addressOf(a: Address): number {
    if (!this.configured) throw new Error(this.name + ': not set up (call setup first)');
    return typeof a === 'number' ? a : a.address;
  }

  writeTo(a: Address, ...data: unknown[]): void {
    const address = this.addressOf(a);
    const bytes = toHostBytes(data.length === 1 ? data[0] : data);
    if (address === 0) {
      const us = (9 * 1e6) / this.bitrate; // SDA low through the 0x00 address byte and the NACK bit
      for (const d of this.devices.values()) d.wakePulse?.(us);
    }
    const device = this.devices.get(address);
    const ack = !!device && device.write(bytes);
    if (this.logEnabled) this.log.push({ op: 'write', address, data: bytes, ack });
    if (!ack) throw new Error(this.name + ".writeTo: slave doesn't ACK the transfer");
  }

  readFrom(a: Address, quantity: number): Uint8Array {
    const address = this.addressOf(a);
    const device = this.devices.get(address);
    const data = device ? device.read(quantity) : null;
    if (this.logEnabled) this.log.push({ op: 'read', address, data: data ?? new Uint8Array(0), ack: !!data });
    if (!data) throw new Error(this.name + ".readFrom: slave doesn't ACK the transfer");
    const out = new this.runtime!.realm.Uint8Array(quantity);
    out.set(data.subarray(0, quantity));
    return out;
  }
}
