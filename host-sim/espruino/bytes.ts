// Conversions between what Espruino code hands to a peripheral (binary strings, arrays, typed arrays, ArrayBuffers,
// numbers, possibly from the sandbox's own realm) and host-side bytes.

export function toHostBytes(data: unknown): Uint8Array {
  if (typeof data === 'string') return Uint8Array.from(data, (c) => c.charCodeAt(0) & 255);
  if (typeof data === 'number') return Uint8Array.of(data & 255);
  if (ArrayBuffer.isView(data)) {
    const v = data as ArrayBufferView;
    return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
  }
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array((data as ArrayBuffer).slice(0));
  if (Array.isArray(data)) {
    const parts = data.map((d) => toHostBytes(d));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  if (data && typeof data === 'object' && 'data' in data) {
    const d = data as { data: unknown; count?: number };
    const one = toHostBytes(d.data);
    const count = d.count ?? 1;
    const out = new Uint8Array(one.length * count);
    for (let i = 0; i < count; i++) out.set(one, i * one.length);
    return out;
  }
  throw new Error('unsupported data type: ' + Object.prototype.toString.call(data));
}

/** Bytes as an Espruino binary string (one char per byte), the form Serial/socket `data` events carry. */
export function toBinaryString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}
