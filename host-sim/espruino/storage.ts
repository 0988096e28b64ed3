// Simulated `require("Storage")` with the semantics that bite on the device (Espruino src/jsflash.h, JsfFileName;
// src/jsflash.c, jsfWriteFile): names cut to 28 bytes, writes at an offset only into erased (0xFF) bytes, replace =
// delete then create (trash until compaction), a fixed capacity shared by all files, reads as binary strings.
import type { Runtime } from './runtime';
import { toBinaryString, toHostBytes } from './bytes';

export const STORAGE_NAME_MAX = 28;
/** ESP32: 224 pages of 4096 bytes at 0x320000. */
export const ESP32_STORAGE_BYTES = 224 * 4096;
/** Each file carries a 32-byte header in flash. */
const FILE_HEADER_BYTES = 32;

export class SimStorage {
  private readonly files = new Map<string, Uint8Array>();
  private trashBytes = 0;
  private trashCount = 0;
  private runtime: Runtime | null = null;

  constructor(readonly capacity = ESP32_STORAGE_BYTES) {}

  attach(runtime: Runtime): void {
    this.runtime = runtime;
  }

  private static key(name: string): string {
    return String(name).slice(0, STORAGE_NAME_MAX);
  }

  private fileBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += FILE_HEADER_BYTES + f.length;
    return n;
  }

  private room(extra: number): boolean {
    if (this.fileBytes() + this.trashBytes + extra <= this.capacity) return true;
    this.compact(); // Espruino compacts automatically when a create finds no space
    return this.fileBytes() + extra <= this.capacity;
  }

  write(name: string, data: unknown, offset?: number, size?: number): boolean {
    const key = SimStorage.key(name);
    const bytes = toHostBytes(data);
    const existing = this.files.get(key);
    if (offset !== undefined && offset > 0) {
      if (!existing) throw new Error("Storage.write: file '" + key + "' must exist to write at an offset");
      if (offset + bytes.length > existing.length) throw new Error('Storage.write: too much data for file size');
      for (let i = 0; i < bytes.length; i++) {
        const old = existing[offset + i];
        if (old !== bytes[i] && old !== 0xff) throw new Error('File already written with different data');
      }
      existing.set(bytes, offset);
      return true;
    }
    const total = size !== undefined ? size : bytes.length;
    if (bytes.length > total) throw new Error('Storage.write: too much data for file size');
    if (existing && size === undefined && existing.length === bytes.length && Buffer.compare(existing, bytes) === 0) return true;
    if (existing) {
      // Replace is not atomic on the device: the old file is marked deleted first.
      this.files.delete(key);
      this.trashBytes += FILE_HEADER_BYTES + existing.length;
      this.trashCount++;
    }
    if (!this.room(FILE_HEADER_BYTES + total)) return false;
    const file = new Uint8Array(total).fill(0xff);
    file.set(bytes, 0);
    this.files.set(key, file);
    return true;
  }

  read(name: string, offset?: number, length?: number): string | undefined {
    const f = this.files.get(SimStorage.key(name));
    if (!f) return undefined;
    const start = offset ?? 0;
    const end = length !== undefined ? start + length : f.length;
    return toBinaryString(f.subarray(start, Math.min(end, f.length)));
  }

  readArrayBuffer(name: string): ArrayBuffer | undefined {
    const f = this.files.get(SimStorage.key(name));
    if (!f || !this.runtime) return undefined;
    const ab = new this.runtime.realm.ArrayBuffer(f.length);
    new this.runtime.realm.Uint8Array(ab).set(f);
    return ab;
  }

  erase(name: string): void {
    const key = SimStorage.key(name);
    const f = this.files.get(key);
    if (!f) return;
    this.files.delete(key);
    this.trashBytes += FILE_HEADER_BYTES + f.length;
    this.trashCount++;
  }

  list(pattern?: RegExp): string[] {
    const names = [...this.files.keys()];
    return pattern ? names.filter((n) => pattern.test(n)) : names;
  }

  getFree(): number {
    return this.capacity - this.fileBytes() - this.trashBytes;
  }

  getStats(): { totalBytes: number; freeBytes: number; fileBytes: number; fileCount: number; trashBytes: number; trashCount: number } {
    return {
      totalBytes: this.capacity,
      freeBytes: this.getFree(),
      fileBytes: this.fileBytes(),
      fileCount: this.files.size,
      trashBytes: this.trashBytes,
      trashCount: this.trashCount,
    };
  }

  compact(): void {
    this.trashBytes = 0;
    this.trashCount = 0;
  }

  /** Host-side view of a file (tests, provisioning). */
  hostRead(name: string): Uint8Array | undefined {
    const f = this.files.get(SimStorage.key(name));
    return f ? f.slice() : undefined;
  }
}
