/** The data of journal entry `id` in the power-cut test: 20..3019 bytes that follow from the id, 0xFF runs included. */
export function journalTestData(id: number): Uint8Array {
  const n = 20 + ((id * 397) % 3000);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = i < 16 ? 255 : (id * 31 + i * 7) & 255;
  return b;
}
