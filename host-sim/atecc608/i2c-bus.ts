// A simulated I2C bus implementing the I2cBus port for Node: routes transfers to attached device models by 7-bit
// address, throws on NACK exactly like Espruino's I2C, logs every transfer (the tests assert on these bytes) and
// counts the bits a real 100 kHz bus would clock.
import type { I2cBus } from '../../protocol/ports';
import type { BusClock } from './clock';

export interface SimI2cDevice {
  readonly address: number;
  /** SDA was held low for `lowUs` by a transfer to the general-call address 0x00 (the ATECC wake pulse). */
  wakePulse(lowUs: number): void;
  /** A write addressed to this device; false = NACK. */
  write(data: Uint8Array): boolean;
  /** A read addressed to this device; null = NACK. */
  read(length: number): Uint8Array | null;
}

export interface I2cTransfer {
  atUs: number;
  op: 'write' | 'read';
  address: number;
  /** Bytes written (attempted, for a NACKed write) or read. */
  data: Uint8Array;
  ack: boolean;
}

/** START + address byte + ACK slot ... + STOP: 1 + 9 per byte + 1 bit times. */
function transferBits(t: I2cTransfer): number {
  const bytes = t.ack ? 1 + t.data.length : 1;
  return 2 + 9 * bytes;
}

export class SimI2cBus implements I2cBus {
  readonly transfers: I2cTransfer[] = [];
  private readonly devices: SimI2cDevice[] = [];

  constructor(
    private readonly clock: BusClock,
    readonly bitrateHz = 100_000,
  ) {}

  attach(device: SimI2cDevice): void {
    this.devices.push(device);
  }

  private device(address: number): SimI2cDevice | null {
    for (const d of this.devices) if (d.address === address) return d;
    return null;
  }

  private nack(op: string, address: number): Error {
    return new Error('I2C ' + op + " 0x" + address.toString(16) + ": slave doesn't ACK the transfer");
  }

  write(address: number, data: Uint8Array): void {
    const copy = data.slice();
    if (address === 0) {
      // The general-call address byte is 7 zero bits + W (0): SDA stays low for 8 bit times.
      const lowUs = (8 * 1_000_000) / this.bitrateHz;
      for (const d of this.devices) d.wakePulse(lowUs);
      this.transfers.push({ atUs: this.clock.nowUs(), op: 'write', address, data: copy, ack: false });
      throw this.nack('writeTo', address);
    }
    const d = this.device(address);
    const ack = d ? d.write(copy) : false;
    this.transfers.push({ atUs: this.clock.nowUs(), op: 'write', address, data: copy, ack });
    if (!ack) throw this.nack('writeTo', address);
  }

  read(address: number, length: number): Uint8Array {
    const d = this.device(address);
    const r = d ? d.read(length) : null;
    this.transfers.push({ atUs: this.clock.nowUs(), op: 'read', address, data: r ? r.slice() : new Uint8Array(0), ack: !!r });
    if (!r) throw this.nack('readFrom', address);
    return r;
  }

  delayUs(us: number): void {
    this.clock.delayUs(us);
  }

  /** Bit times clocked for the logged transfers (from index `from`). */
  wireBits(from = 0): number {
    let bits = 0;
    for (let i = from; i < this.transfers.length; i++) bits += transferBits(this.transfers[i]);
    return bits;
  }

  /** Bytes clocked (address bytes included; a NACKed transfer clocks only its address byte). */
  wireBytes(from = 0): number {
    let n = 0;
    for (let i = from; i < this.transfers.length; i++) {
      const t = this.transfers[i];
      n += t.ack ? 1 + t.data.length : 1;
    }
    return n;
  }

  clearLog(): void {
    this.transfers.length = 0;
  }
}
