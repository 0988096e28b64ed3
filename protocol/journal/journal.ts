// Power-safe store-and-forward journal over a NOR flash region (the Flash port): sealed records are appended durably,
// read back from the head in order, marked delivered (MQTT PUBACK) and receipted (authenticated cloud receipt), and
// their space is reclaimed a whole segment at a time once every entry in it is done.
//
// Safe against a power cut at any byte of any write or erase, by construction (the recipe of Zephyr FCB and NVS:
// append + checksum, never update in place, erase only what is finished):
// - The region is a ring of segments (one or more erase pages). A segment starts with a header (magic, the segment's
//   generation number, CRC-32, a retired word); its entries follow back to back.
// - An entry is [len u16][len ^ 0xFFFF u16][id u32][data][pad to 4][CRC-32 of the data ^ id][delivered word]
//   [receipted word], written into erased space as header, data (straight from the caller's buffer: no copy of a
//   6 KB record in RAM) and check word, in that order; a cut anywhere leaves a length that disagrees with its
//   complement or a check word that does not match, and the entry is never returned. Nothing is written
//   after a torn entry: the segment takes no more appends. Entry ids only grow: each segment header carries the id its
//   first entry gets, and the newest segment is never reclaimed.
// - Delivered and receipted are words written once from 0xFF to 0 after the entry (1→0 bits only, so raw flash and
//   Espruino Storage files written at an offset both take them); a word with any bit cleared counts as written.
// - A segment is reclaimed by clearing its retired word; it is erased when the ring next needs it, and every segment
//   that is not known to be erased is erased before use, so a cut during an erase cannot bring finished entries back.
// Recovery scans every segment header and walks the entries (their lengths, and the CRC of each), bounded by the
// region's size.
import { codedError } from '../errors';
import type { Flash } from '../ports';

export type Crc32 = (bytes: Uint8Array) => number;

const MAGIC = 0x314a4301; // 01 'C' 'J' '1' little-endian: version 1
/** magic, generation, first id, CRC-32 of those, retired word */
const SEG_HEADER = 20;
const RETIRED_AT = 16;
const ENTRY_HEAD = 8;
/** CRC word, delivered word, receipted word. */
const ENTRY_TAIL = 12;
const EMPTY_LEN = 0xffff;
const FREE_DIRTY = -1;
const FREE_ERASED = -2;

/** Per-segment state in RAM (Seg.FIELDS numbers per segment). */
const enum Seg {
  /** Generation number from the header; FREE_DIRTY: free, to be erased before use; FREE_ERASED: free and erased. */
  GEN = 0,
  /** Offset within the segment where the next entry goes; SEALED once a torn entry was found. */
  END = 1,
  /** Entries in the segment, and how many of them are delivered and receipted. */
  COUNT = 2,
  DELIVERED = 3,
  RECEIPTED = 4,
  FIELDS = 5,
}

export interface JournalOptions {
  flash: Flash;
  /** Offset and length of the journal's region in the flash (whole pages). */
  base: number;
  length: number;
  /** Bytes per segment: a whole number of pages, at least two segments. */
  segmentBytes: number;
  crc32: Crc32;
  /** Space kept free for the record that says the journal is full (appended with `useReserve`). */
  reserveBytes: number;
}

export interface Journal {
  o: JournalOptions;
  nSeg: number;
  /** Seg.FIELDS integers per segment (generations stay far below 2^31: one per segment start). */
  seg: Int32Array;
  /** Segment taking appends (-1: none yet). */
  head: number;
  nextId: number;
  nextGen: number;
  /** Page erases and bytes programmed since open (wear and write amplification). */
  erases: number;
  bytesWritten: number;
}

/** Where an entry is: its handle is its offset in the region. */
export interface JournalEntry {
  handle: number;
  id: number;
  length: number;
  delivered: boolean;
  receipted: boolean;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Flash bytes one entry of `length` data bytes takes. */
export function entryBytes(length: number): number {
  return align4(ENTRY_HEAD + length) + ENTRY_TAIL;
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 255;
  b[at + 1] = (v >>> 8) & 255;
  b[at + 2] = (v >>> 16) & 255;
  b[at + 3] = (v >>> 24) & 255;
}

/** A mark word counts as written once any of its bits is cleared (a cut mid-write included). */
function marked(b: Uint8Array, at: number): boolean {
  return (b[at] & b[at + 1] & b[at + 2] & b[at + 3]) !== 255;
}

/** The check word of an entry: CRC-32 of its data, mixed with its id so that a torn id is caught too. */
function checkWord(j: Journal, data: Uint8Array, id: number): number {
  return (j.o.crc32(data) ^ id) >>> 0;
}

function segBase(j: Journal, s: number): number {
  return j.o.base + s * j.o.segmentBytes;
}

/** The header's generation (FREE_DIRTY when it is not a live header); raises nextId to its first id. */
function readHeader(j: Journal, s: number): number {
  const h = j.o.flash.read(segBase(j, s), SEG_HEADER);
  if (u32(h, 0) !== MAGIC || marked(h, RETIRED_AT)) return FREE_DIRTY;
  if ((j.o.crc32(h.subarray(0, 12)) >>> 0) !== u32(h, 12)) return FREE_DIRTY;
  if (u32(h, 8) > j.nextId) j.nextId = u32(h, 8);
  return u32(h, 4);
}

/**
 * The entry at offset `at` of segment `s` (ending by `end`): its bytes up to and including the mark words, null where
 * the space is still erased, undefined where the entry is torn (bad length or CRC).
 */
function entryAt(j: Journal, s: number, at: number, end: number): Uint8Array | null | undefined {
  if (at + ENTRY_HEAD + ENTRY_TAIL > end) return null;
  const f = j.o.flash;
  const head = f.read(segBase(j, s) + at, ENTRY_HEAD);
  const len = u16(head, 0);
  if (len === EMPTY_LEN && u16(head, 2) === EMPTY_LEN && u32(head, 4) === 0xffffffff) return null;
  if (at + entryBytes(len) > end || u16(head, 2) !== (len ^ EMPTY_LEN)) return undefined;
  const whole = f.read(segBase(j, s) + at, entryBytes(len));
  if (checkWord(j, whole.subarray(ENTRY_HEAD, ENTRY_HEAD + len), u32(whole, 4)) !== u32(whole, align4(ENTRY_HEAD + len))) return undefined;
  return whole;
}

/** Walks the entries of segment `s` (recovery): counts them and finds where appends continue. */
function scanSegment(j: Journal, s: number): void {
  const size = j.o.segmentBytes;
  const row = s * Seg.FIELDS;
  let at = SEG_HEADER;
  let count = 0;
  let delivered = 0;
  let receipted = 0;
  for (;;) {
    const whole = entryAt(j, s, at, size);
    if (whole === undefined) at = size; // torn: nothing more goes into this segment
    if (!whole) break;
    const len = u16(whole, 0);
    const body = align4(ENTRY_HEAD + len);
    const id = u32(whole, 4);
    if (id >= j.nextId) j.nextId = id + 1;
    count++;
    if (marked(whole, body + 4)) delivered++;
    if (marked(whole, body + 8)) receipted++;
    at += entryBytes(len);
  }
  j.seg[row + Seg.END] = at;
  j.seg[row + Seg.COUNT] = count;
  j.seg[row + Seg.DELIVERED] = delivered;
  j.seg[row + Seg.RECEIPTED] = receipted;
}

/** Opens the journal in its region and recovers its state (entries that fail their CRC are left out). */
export function openJournal(o: JournalOptions): Journal {
  const page = o.flash.pageSize;
  if (o.segmentBytes % page !== 0 || o.base % page !== 0 || o.length % o.segmentBytes !== 0 || o.length / o.segmentBytes < 2) {
    throw codedError('JOURNAL_LAYOUT', 'region ' + o.length + ' bytes at ' + o.base + ' is not at least two segments of ' + o.segmentBytes + ' bytes in whole pages');
  }
  if (o.base + o.length > o.flash.size) throw codedError('JOURNAL_LAYOUT', 'region ends beyond the flash (' + o.flash.size + ' bytes)');
  const nSeg = o.length / o.segmentBytes;
  const j: Journal = { o: o, nSeg: nSeg, seg: new Int32Array(nSeg * Seg.FIELDS), head: -1, nextId: 0, nextGen: 0, erases: 0, bytesWritten: 0 };
  let newest = -1;
  for (let s = 0; s < nSeg; s++) {
    const gen = readHeader(j, s);
    j.seg[s * Seg.FIELDS + Seg.GEN] = gen;
    if (gen < 0) continue;
    if (gen >= j.nextGen) j.nextGen = gen + 1;
    if (newest < 0 || gen > j.seg[newest * Seg.FIELDS + Seg.GEN]) newest = s;
    scanSegment(j, s);
  }
  j.head = newest;
  return j;
}

/** Segments in the order they were written (oldest first). */
function segmentOrder(j: Journal): number[] {
  const order: number[] = [];
  for (let s = 0; s < j.nSeg; s++) if (j.seg[s * Seg.FIELDS + Seg.GEN] >= 0) order.push(s);
  order.sort(function (a: number, b: number): number {
    return j.seg[a * Seg.FIELDS + Seg.GEN] - j.seg[b * Seg.FIELDS + Seg.GEN];
  });
  return order;
}

function write(j: Journal, offset: number, bytes: Uint8Array): void {
  j.o.flash.write(offset, bytes);
  j.bytesWritten += bytes.length;
}

function eraseSegment(j: Journal, s: number): void {
  const page = j.o.flash.pageSize;
  for (let p = 0; p < j.o.segmentBytes; p += page) {
    j.o.flash.erasePage(segBase(j, s) + p);
    j.erases++;
  }
}

/** Erases segment `s` and writes its header: it becomes the newest segment. */
function startSegment(j: Journal, s: number): void {
  if (j.seg[s * Seg.FIELDS + Seg.GEN] !== FREE_ERASED) eraseSegment(j, s);
  const h = new Uint8Array(SEG_HEADER).fill(255);
  put32(h, 0, MAGIC);
  put32(h, 4, j.nextGen);
  put32(h, 8, j.nextId);
  put32(h, 12, j.o.crc32(h.subarray(0, 12)) >>> 0);
  write(j, segBase(j, s), h);
  const row = s * Seg.FIELDS;
  j.seg[row + Seg.GEN] = j.nextGen++;
  j.seg[row + Seg.END] = SEG_HEADER;
  j.seg[row + Seg.COUNT] = 0;
  j.seg[row + Seg.DELIVERED] = 0;
  j.seg[row + Seg.RECEIPTED] = 0;
  j.head = s;
}

/** Free segments (not formatted or retired): the ones the ring can still take. */
function freeSegments(j: Journal): number {
  let n = 0;
  for (let s = 0; s < j.nSeg; s++) if (j.seg[s * Seg.FIELDS + Seg.GEN] < 0) n++;
  return n;
}

/** Bytes that can still be appended (the reserve included). */
export function journalFreeBytes(j: Journal): number {
  const room = j.head >= 0 ? j.o.segmentBytes - j.seg[j.head * Seg.FIELDS + Seg.END] : 0;
  return room + freeSegments(j) * (j.o.segmentBytes - SEG_HEADER);
}

/** The next free segment after the head in ring order (-1: none). */
function nextFree(j: Journal): number {
  for (let k = 1; k <= j.nSeg; k++) {
    const s = (j.head + k + j.nSeg) % j.nSeg;
    if (j.seg[s * Seg.FIELDS + Seg.GEN] < 0) return s;
  }
  return -1;
}

/**
 * Appends `data` durably and returns its entry's id. Throws JOURNAL_ENTRY_SIZE when it can never fit a segment and
 * JOURNAL_FULL when there is no room for it (outside the reserve, unless `useReserve`); nothing is written then.
 */
export function journalAppend(j: Journal, data: Uint8Array, useReserve: boolean): number {
  const total = entryBytes(data.length);
  if (data.length >= EMPTY_LEN || total > j.o.segmentBytes - SEG_HEADER) {
    throw codedError('JOURNAL_ENTRY_SIZE', 'entry of ' + data.length + ' bytes, a segment holds ' + (j.o.segmentBytes - SEG_HEADER - ENTRY_HEAD - ENTRY_TAIL));
  }
  const room = j.head >= 0 ? j.o.segmentBytes - j.seg[j.head * Seg.FIELDS + Seg.END] : 0;
  const fitsHead = total <= room;
  // what is left once this entry is in: a new segment leaves the rest of the head unused
  const after = journalFreeBytes(j) - (fitsHead ? total : room + total);
  if ((!fitsHead && nextFree(j) < 0) || (!useReserve && after < j.o.reserveBytes)) {
    throw codedError('JOURNAL_FULL', 'no room for ' + data.length + ' bytes (' + journalFreeBytes(j) + ' free, ' + j.o.reserveBytes + ' reserved)');
  }
  if (!fitsHead) startSegment(j, nextFree(j));
  const row = j.head * Seg.FIELDS;
  const at = segBase(j, j.head) + j.seg[row + Seg.END];
  const head = new Uint8Array(ENTRY_HEAD);
  head[0] = data.length & 255;
  head[1] = data.length >> 8;
  head[2] = ~data.length & 255;
  head[3] = (~data.length >> 8) & 255;
  put32(head, 4, j.nextId);
  const tail = new Uint8Array(align4(ENTRY_HEAD + data.length) - ENTRY_HEAD - data.length + 4).fill(255);
  put32(tail, tail.length - 4, checkWord(j, data, j.nextId));
  // the space is taken before the writes: a cut mid-write must not leave it reusable in this session either
  j.seg[row + Seg.END] += total;
  write(j, at, head);
  if (data.length > 0) write(j, at + ENTRY_HEAD, data);
  write(j, at + ENTRY_HEAD + data.length, tail);
  j.seg[row + Seg.COUNT]++;
  return j.nextId++;
}

/** Every entry still in the journal, oldest first (`limit` of them at most). */
export function journalEntries(j: Journal, limit: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  const order = segmentOrder(j);
  for (let k = 0; k < order.length && out.length < limit; k++) {
    const s = order[k];
    const end = j.seg[s * Seg.FIELDS + Seg.END];
    let at = SEG_HEADER;
    while (out.length < limit) {
      const whole = entryAt(j, s, at, end);
      if (!whole) break;
      const len = u16(whole, 0);
      const body = align4(ENTRY_HEAD + len);
      out.push({ handle: s * j.o.segmentBytes + at, id: u32(whole, 4), length: len, delivered: marked(whole, body + 4), receipted: marked(whole, body + 8) });
      at += entryBytes(len);
    }
  }
  return out;
}

/** The data of the entry at `handle`. */
export function journalRead(j: Journal, e: JournalEntry): Uint8Array {
  return j.o.flash.read(j.o.base + e.handle + ENTRY_HEAD, e.length);
}

/** Writes a mark word once (a handle from an earlier listing may point at one already written). */
function mark(j: Journal, e: JournalEntry, word: number, field: Seg): void {
  const at = j.o.base + e.handle + align4(ENTRY_HEAD + e.length) + word;
  if (marked(j.o.flash.read(at, 4), 0)) return;
  write(j, at, new Uint8Array(4));
  j.seg[Math.floor(e.handle / j.o.segmentBytes) * Seg.FIELDS + field]++;
}

/** The endpoint acknowledged the entry (PUBACK). */
export function journalMarkDelivered(j: Journal, e: JournalEntry): void {
  if (e.delivered) return;
  mark(j, e, 4, Seg.DELIVERED);
  e.delivered = true;
}

/** An authenticated receipt covers the entry. */
export function journalMarkReceipted(j: Journal, e: JournalEntry): void {
  if (e.receipted) return;
  mark(j, e, 8, Seg.RECEIPTED);
  e.receipted = true;
}

/**
 * Erases the oldest segments whose entries are all receipted (or all delivered, when the endpoint gives no receipts);
 * the segment taking appends is kept. Returns how many were reclaimed.
 */
export function journalReclaim(j: Journal, receiptsRequired: boolean): number {
  const order = segmentOrder(j);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const s = order[k];
    const row = s * Seg.FIELDS;
    const done = receiptsRequired ? j.seg[row + Seg.RECEIPTED] : j.seg[row + Seg.DELIVERED];
    if (s === j.head || done < j.seg[row + Seg.COUNT]) break;
    // retired, then erased when the ring reaches it again (startSegment)
    write(j, segBase(j, s) + RETIRED_AT, new Uint8Array(4));
    j.seg[row + Seg.GEN] = FREE_DIRTY;
    n++;
  }
  return n;
}
