// The journal's flash on the device: the whole pages inside one pre-sized Storage file (the container), programmed and
// erased with the raw `require("Flash")` API. Storage itself never rewrites the container, so the journal makes no
// Storage trash and triggers no compaction; Storage's own operations (replace, compaction) are not power-safe
// (src/jsflash.c), the journal's are. The container's first 32 bytes are a signature the journal never touches.
//
// Storage does not say where a file lies in flash (on the Linux build E.getAddressOf of a Storage string is 0), so the
// container is found by walking Storage's file headers from the start of its area, as src/jsflash.c lays them out
// (jsfGetNextFileHeader: a 32-byte header {u32 size with flags in the top byte, 28-byte name}, the data, then the next
// header aligned to 4 bytes (JSF_ALIGNMENT, src/jsutils.h); an erased header ends a page's files). The address found
// is only used once the flash there reads exactly as Storage.read() gives the signature.
import { codedError } from '../protocol/errors';
import type { Flash } from '../protocol/ports';

const storage = require('Storage');
const flash = require('Flash');

const HEADER = 32;
const ALIGN = 4;
/** Storage's page (the unit of its header walk): 4 KiB on the ESP32. */
const STORAGE_PAGE = 4096;
export const CONTAINER_SIGNATURE = 'CEMS-JOURNAL-CONTAINER-V1-------';

/** Start and end of the Storage area in flash: the Linux build reports it as its free flash; on the ESP32 it is the
 *  Storage partition (FLASH_SAVED_CODE_START 0x320000, length 0xE0000 in boards/ESP32.py). */
function storageArea(): { start: number; end: number } {
  const free = flash.getFree();
  if (process.env.BOARD === 'LINUX' && free.length === 1) return { start: free[0].addr, end: free[0].addr + free[0].length };
  return { start: 0x320000, end: 0x320000 + 0xe0000 };
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** Flash address of the data of Storage file `name`, or -1. */
function locate(name: string): number {
  const area = storageArea();
  let a = area.start;
  for (let n = 0; n < 10000 && a + HEADER <= area.end; n++) {
    const h = flash.read(HEADER, a);
    const size = u32(h, 0);
    if (size === 0xffffffff) {
      // no more files in this page: the next page may start with one
      const next = area.start + (Math.floor((a - area.start) / STORAGE_PAGE) + 1) * STORAGE_PAGE;
      if (next + HEADER > area.end || u32(flash.read(4, next), 0) === 0xffffffff) return -1;
      a = next;
      continue;
    }
    let fileName = '';
    for (let i = 4; i < HEADER && h[i] !== 0; i++) fileName += String.fromCharCode(h[i]);
    if (fileName === name) return a + HEADER;
    a = (a + HEADER + (size & 0xffffff) + ALIGN - 1) & ~(ALIGN - 1);
  }
  return -1;
}

/** Creates the container (at provisioning): `bytes` of erased flash after the signature. */
export function createContainer(name: string, bytes: number): void {
  if (!storage.write(name, CONTAINER_SIGNATURE, 0, bytes)) throw codedError('JOURNAL_CONTAINER', 'Storage has no room for ' + bytes + ' bytes');
}

/** The whole pages of container `name` as the journal's flash. Throws JOURNAL_CONTAINER when it is missing or
 *  cannot be found in flash exactly. */
export function containerFlash(name: string): Flash {
  const text = storage.read(name, 0, CONTAINER_SIGNATURE.length);
  if (text !== CONTAINER_SIGNATURE) throw codedError('JOURNAL_CONTAINER', 'no journal container ' + name + ' in Storage');
  const data = locate(name);
  if (data < 0 || E.toString(flash.read(CONTAINER_SIGNATURE.length, data)) !== CONTAINER_SIGNATURE) {
    throw codedError('JOURNAL_CONTAINER', 'container ' + name + ' not found in flash');
  }
  const length = (storage.read(name) as string).length;
  // the erase unit: 4 KiB on the ESP32, 1 KiB in the Linux build's flash emulation (targets/linux/jshardware.c)
  const page = (flash.getPage(data) as { length: number }).length;
  // Flash wants integer addresses and lengths ("Address should be an integer"); Espruino keeps the result of a
  // division or Math.ceil as a float even when it is whole
  const first = (Math.ceil((data + CONTAINER_SIGNATURE.length) / page) * page) | 0;
  const pages = Math.floor((data + length - first) / page);
  return {
    size: pages * page,
    pageSize: page,
    read: function (offset: number, n: number): Uint8Array {
      return flash.read(n | 0, (first + offset) | 0);
    },
    write: function (offset: number, bytes: Uint8Array): void {
      flash.write(bytes, (first + offset) | 0);
    },
    erasePage: function (offset: number): void {
      flash.erasePage((first + offset) | 0);
    },
  };
}
