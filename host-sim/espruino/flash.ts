// Simulated `require("Flash")`: NOR flash where erased bytes read 0xFF, a write can only clear bits (the result is
// old AND new), and erase works on whole 4 KiB pages. On the ESP32 only the 64 KiB partition at 0x310000 is really
// free (`flash,data,0x40,0x310000,64K` in Espruino targets/esp32/Changes_V3.1/partitions_espruino.csv; the range
// 0x360000+0xA0000 that jshFlashGetFree in targets/esp32/jshardware.c also reports lies inside the Storage
// partition), so that is the only region the simulator exposes.
import type { Runtime } from './runtime';
import { toHostBytes } from './bytes';

export const FLASH_BASE = 0x310000;
export const FLASH_SIZE = 0x10000;
export const FLASH_PAGE = 4096;

export class SimFlash {
  readonly bytes = new Uint8Array(FLASH_SIZE).fill(0xff);
  erases = 0;
  bytesWritten = 0;
  private runtime: Runtime | null = null;
  /** Fault injection: called before every write/erase; throwing from it models a power cut at that point. */
  beforeOperation: ((op: 'write' | 'erase', address: number, length: number) => void) | null = null;

  attach(runtime: Runtime): void {
    this.runtime = runtime;
  }

  private offset(address: number, length: number): number {
    const o = address - FLASH_BASE;
    if (!(o >= 0 && o + length <= FLASH_SIZE)) {
      throw new Error('Flash: address 0x' + address.toString(16) + ' (+' + length + ') outside the free partition');
    }
    return o;
  }

  read(length: number, address: number): Uint8Array {
    const o = this.offset(address, length);
    const out = new this.runtime!.realm.Uint8Array(length);
    out.set(this.bytes.subarray(o, o + length));
    return out;
  }

  write(data: unknown, address: number): void {
    const bytes = toHostBytes(data);
    const o = this.offset(address, bytes.length);
    if (this.beforeOperation) this.beforeOperation('write', address, bytes.length);
    for (let i = 0; i < bytes.length; i++) this.bytes[o + i] &= bytes[i];
    this.bytesWritten += bytes.length;
  }

  erasePage(address: number): void {
    const o = this.offset(address, 1);
    const start = o - (o % FLASH_PAGE);
    if (this.beforeOperation) this.beforeOperation('erase', FLASH_BASE + start, FLASH_PAGE);
    this.bytes.fill(0xff, start, start + FLASH_PAGE);
    this.erases++;
  }

  getPage(address: number): { addr: number; length: number } | undefined {
    const o = address - FLASH_BASE;
    if (o < 0 || o >= FLASH_SIZE) return undefined;
    return { addr: FLASH_BASE + (o - (o % FLASH_PAGE)), length: FLASH_PAGE };
  }

  getFree(): { addr: number; length: number }[] {
    return [{ addr: FLASH_BASE, length: FLASH_SIZE }];
  }
}
