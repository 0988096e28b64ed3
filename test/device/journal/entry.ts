// Booted as `.bootcde` on the real interpreter by test/device/journal-power-cuts.test.ts: opens the journal in its
// Storage container (creating the container on the first boot), lists what it recovered, then works like the module
// would until the power is cut: appends entries whose data follows from their id, marks the oldest delivered and then
// receipted as an uplink would, and reclaims when full. Every line is printed only after the call it reports returned.
//   R <id> <delivered><receipted> <crc32 of the data>   one per recovered entry, oldest first
//   MEM <variables>                                      the journal's RAM once open (after a collection)
//   OPEN <entries> next <id>                             recovery done
//   A <id> | D <id> | C <id> | X <segments>              append, delivered, receipted, reclaim returned
import { containerFlash, createContainer } from '../../../firmware/journal-flash';
import {
  journalAppend,
  journalEntries,
  journalMarkDelivered,
  journalMarkReceipted,
  journalRead,
  journalReclaim,
  openJournal,
  type Journal,
} from '../../../protocol/journal/journal';
import { journalTestData } from './data';

const NAME = 'cems.jrnl';
/** Two of the ESP32's 4 KiB pages (eight of the Linux build's). */
const SEGMENT = 8192;

function crc32(b: Uint8Array): number {
  return E.CRC32(b) >>> 0;
}

/** Marks the oldest entry that is not receipted yet: delivered first, receipted the next time. */
function markOldest(j: Journal): void {
  const open = journalEntries(j, 64).filter(function (e): boolean {
    return !e.receipted;
  });
  if (open.length === 0) return;
  const e = open[0];
  if (!e.delivered) {
    journalMarkDelivered(j, e);
    print('D ' + e.id);
  } else {
    journalMarkReceipted(j, e);
    print('C ' + e.id);
  }
}

function step(j: Journal, n: number): void {
  if (n % 3 === 2) markOldest(j);
  else {
    const id = j.nextId;
    try {
      journalAppend(j, journalTestData(id), false);
      print('A ' + id);
    } catch (e) {
      if ((e as { code?: string }).code !== 'JOURNAL_FULL') throw e;
      // full: the uplink catches up with the oldest entries, then their segment is reclaimed
      for (let k = 0; k < 8; k++) markOldest(j);
      print('X ' + journalReclaim(j, true));
    }
  }
  setTimeout(function (): void {
    step(j, n + 1);
  }, 0);
}

function main(): void {
  if (require('Storage').read(NAME, 0, 1) === undefined) createContainer(NAME, 60 * 1024);
  const before = process.memory().usage;
  const flash = containerFlash(NAME);
  const j = openJournal({
    flash: flash,
    base: 0,
    length: Math.floor(flash.size / SEGMENT) * SEGMENT,
    segmentBytes: SEGMENT,
    crc32: crc32,
    reserveBytes: 0,
  });
  // the journal's own RAM after a collection: its state (per-segment table) and the flash port
  print('MEM ' + (process.memory().usage - before));
  const all = journalEntries(j, 1000);
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    print('R ' + e.id + ' ' + (e.delivered ? 1 : 0) + (e.receipted ? 1 : 0) + ' ' + crc32(journalRead(j, e)));
  }
  print('OPEN ' + all.length + ' next ' + j.nextId);
  step(j, 0);
}

main();
