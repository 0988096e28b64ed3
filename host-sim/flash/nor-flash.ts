// NOR flash with the ESP32's semantics behind the Flash port (protocol/ports.ts): 4 KiB erase pages, erased bytes read
// 0xFF, a program operation can only clear bits (the result is old AND new). A power cut can be armed to stop the world
// after any byte of any write or erase: the byte being programmed when it hits has only some of its bits cleared; a
// page being erased is left partly erased, in no particular order, with one byte random. The cut is thrown as
// PowerCut; the flash keeps its state for the next "boot".
import type { Flash } from '../../protocol/ports';
import { Prng } from '../prng';

export class PowerCut extends Error {
  constructor() {
    super('power cut');
    this.name = 'PowerCut';
  }
}

export class NorFlash implements Flash {
  readonly bytes: Uint8Array;
  readonly pageSize: number;
  /** Page erases and bytes programmed so far. */
  erases = 0;
  bytesWritten = 0;
  /** Bytes (programmed or erased) left before the power dies; null: no cut armed. */
  private budget: number | null = null;
  private readonly rnd: Prng;

  constructor(size: number, pageSize = 4096, seed = 1) {
    if (size % pageSize !== 0) throw new Error('flash size ' + size + ' is not whole pages of ' + pageSize);
    this.bytes = new Uint8Array(size).fill(0xff);
    this.pageSize = pageSize;
    this.rnd = new Prng(seed);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Power dies after `bytes` more bytes have been programmed or erased. */
  cutAfter(bytes: number): void {
    this.budget = bytes;
  }

  disarm(): void {
    this.budget = null;
  }

  private check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.bytes.length)) {
      throw new Error('flash access ' + offset + '+' + length + ' outside ' + this.bytes.length + ' bytes');
    }
  }

  /** True when the armed cut hits at this byte. */
  private spend(): boolean {
    if (this.budget === null) return false;
    if (this.budget === 0) return true;
    this.budget--;
    return false;
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    for (let i = 0; i < data.length; i++) {
      if (this.spend()) {
        // some of the bits this byte was to clear are cleared
        this.bytes[offset + i] &= data[i] | this.rnd.int(256);
        this.budget = null;
        throw new PowerCut();
      }
      this.bytes[offset + i] &= data[i];
      this.bytesWritten++;
    }
  }

  erasePage(offset: number): void {
    this.check(offset, 1);
    const start = offset - (offset % this.pageSize);
    for (let i = 0; i < this.pageSize; i++) {
      if (this.spend()) {
        // an erase does not sweep the page in address order: cut at a fraction of it, each byte is erased with that
        // probability, kept otherwise, and the one in progress is random
        const done = i / this.pageSize;
        for (let k = 0; k < this.pageSize; k++) if (this.rnd.next() < done) this.bytes[start + k] = 0xff;
        this.bytes[start + this.rnd.int(this.pageSize)] = this.rnd.int(256);
        this.budget = null;
        throw new PowerCut();
      }
    }
    this.bytes.fill(0xff, start, start + this.pageSize);
    this.erases++;
  }
}
