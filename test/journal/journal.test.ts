// The journal's rules without power cuts: order and ids across reboots, the reserve kept for the record that says the
// journal is full, refused sizes and layouts, reclaim by receipts or by deliveries, wear spread over the ring.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NorFlash } from '../../host-sim/flash/nor-flash';
import {
  entryBytes,
  journalAppend,
  journalEntries,
  journalFreeBytes,
  journalMarkDelivered,
  journalMarkReceipted,
  journalRead,
  journalReclaim,
  openJournal,
  type JournalOptions,
} from '../../protocol/journal/journal';

const PAGE = 4096;

function options(flash: NorFlash, reserveBytes = 0): JournalOptions {
  return { flash, base: 0, length: 4 * PAGE, segmentBytes: PAGE, crc32: (b) => crc32(b), reserveBytes };
}

function filled(n: number, v: number): Uint8Array {
  return new Uint8Array(n).fill(v);
}

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('journal', () => {
  it('returns entries in append order with their data, across a reboot, and keeps ids growing after everything is reclaimed', () => {
    const flash = new NorFlash(4 * PAGE);
    let j = openJournal(options(flash));
    const ids = [0, 1, 2, 3, 4].map((k) => journalAppend(j, filled(900 + k, k), false));
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    j = openJournal(options(flash));
    const got = journalEntries(j, 100);
    expect(got.map((e) => e.id)).toEqual(ids);
    expect(got.map((e) => journalRead(j, e))).toEqual([0, 1, 2, 3, 4].map((k) => filled(900 + k, k)));
    for (const e of got) {
      journalMarkDelivered(j, e);
      journalMarkReceipted(j, e);
    }
    // the head segment is never reclaimed: the one before it is
    expect(journalReclaim(j, true)).toBe(1);
    j = openJournal(options(flash));
    expect(journalEntries(j, 100).map((e) => e.id)).toEqual([4]);
    expect(journalAppend(j, filled(10, 9), false)).toBe(5);
  });

  it('keeps the reserve for the full-journal record: refuses ordinary appends first, takes one with the reserve, never a silent drop', () => {
    const flash = new NorFlash(4 * PAGE);
    const j = openJournal(options(flash, 600));
    let n = 0;
    while (code(() => journalAppend(j, filled(1000, 1), false)) === undefined) n++;
    expect(code(() => journalAppend(j, filled(1000, 1), false))).toBe('JOURNAL_FULL');
    expect(journalFreeBytes(j)).toBeGreaterThanOrEqual(600);
    const overflow = journalAppend(j, filled(300, 2), true);
    expect(overflow).toBe(n);
    expect(journalEntries(j, 100).length).toBe(n + 1);
    // deliveries alone do not free space when receipts are required; receipts do
    for (const e of journalEntries(j, 100)) journalMarkDelivered(j, e);
    expect(journalReclaim(j, true)).toBe(0);
    expect(journalReclaim(j, false)).toBeGreaterThan(0);
    expect(code(() => journalAppend(j, filled(1000, 1), false))).toBeUndefined();
  });

  it('refuses an entry no segment can hold and a region that is not at least two whole segments', () => {
    const flash = new NorFlash(4 * PAGE);
    const j = openJournal(options(flash));
    expect(code(() => journalAppend(j, new Uint8Array(PAGE), false))).toBe('JOURNAL_ENTRY_SIZE');
    expect(PAGE - 20 - entryBytes(PAGE - 20 - 20)).toBeGreaterThanOrEqual(0);
    expect(code(() => journalAppend(j, new Uint8Array(PAGE - 20 - 20), false))).toBeUndefined();
    expect(code(() => openJournal({ ...options(flash), length: PAGE }))).toBe('JOURNAL_LAYOUT');
    expect(code(() => openJournal({ ...options(flash), segmentBytes: 1000 }))).toBe('JOURNAL_LAYOUT');
    expect(code(() => openJournal({ ...options(flash), base: PAGE }))).toBe('JOURNAL_LAYOUT');
  });

  it('spreads erases evenly over the ring', () => {
    const flash = new NorFlash(4 * PAGE);
    const j = openJournal(options(flash));
    const eraseCount = new Array(4).fill(0);
    const erase = flash.erasePage.bind(flash);
    flash.erasePage = (offset: number) => {
      eraseCount[Math.floor(offset / PAGE)]++;
      erase(offset);
    };
    for (let k = 0; k < 400; k++) {
      if (code(() => journalAppend(j, filled(700, k & 255), false)) === 'JOURNAL_FULL') {
        for (const e of journalEntries(j, 100)) {
          journalMarkDelivered(j, e);
          journalMarkReceipted(j, e);
        }
        journalReclaim(j, true);
        journalAppend(j, filled(700, k & 255), false);
      }
    }
    expect(Math.max(...eraseCount) - Math.min(...eraseCount)).toBeLessThanOrEqual(1);
    expect(Math.min(...eraseCount)).toBeGreaterThan(10);
  });
});
