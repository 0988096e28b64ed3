// Journal figures in Node on emulated NOR flash (ESP32 semantics): the delivered plant's hourly traffic (the hourly
// record in two parts and its calibration and maintenance events, sizes as `npm run bench` measures them for the
// records) appended, delivered, receipted and reclaimed through a 512 KB container for a simulated year; write
// amplification, page erases per 1,000 records, the flash lifetime that follows, append and recovery rates.
import { crc32 } from 'node:zlib';
import { NorFlash } from '../host-sim/flash/nor-flash';
import {
  journalAppend,
  journalEntries,
  journalMarkDelivered,
  journalMarkReceipted,
  journalReclaim,
  openJournal,
  type JournalOptions,
} from '../protocol/journal/journal';
import type { BenchFigure } from './run';

const PAGE = 4096;
const REGION = 512 * 1024;
/** Bytes of the records one hour of the delivered plant seals (two period parts, calibration and maintenance). */
const HOUR_RECORDS = [4001, 2649, 337, 337];
const ERASE_CYCLES = 100000;

function options(flash: NorFlash): JournalOptions {
  return { flash, base: 0, length: REGION, segmentBytes: 2 * PAGE, crc32: (b) => crc32(b), reserveBytes: 1024 };
}

export function runBench(): BenchFigure[] {
  const flash = new NorFlash(REGION);
  const j = openJournal(options(flash));
  const hours = 24 * 365;
  let payload = 0;
  let records = 0;
  const t0 = performance.now();
  for (let h = 0; h < hours; h++) {
    for (const size of HOUR_RECORDS) {
      journalAppend(j, new Uint8Array(size).fill(h & 255), false);
      payload += size;
      records++;
    }
    // the uplink is connected: everything is delivered and receipted within the hour, the oldest segments reclaimed
    for (const e of journalEntries(j, 8).filter((x) => !x.receipted)) {
      journalMarkDelivered(j, e);
      journalMarkReceipted(j, e);
    }
    journalReclaim(j, true);
  }
  const appendMs = performance.now() - t0;
  // an outage long enough to fill the journal, then a boot: recovery scans it all
  const full = new NorFlash(REGION);
  const filling = openJournal(options(full));
  let held = 0;
  try {
    for (;;) {
      journalAppend(filling, new Uint8Array(HOUR_RECORDS[held % 4]).fill(7), false);
      held++;
    }
  } catch (e) {
    if ((e as { code?: string }).code !== 'JOURNAL_FULL') throw e;
  }
  const r0 = performance.now();
  const recovered = openJournal(options(full));
  const listed = journalEntries(recovered, 1e9).length;
  const recoverMs = performance.now() - r0;
  if (listed !== held) throw new Error('bench: recovered ' + listed + ' of ' + held + ' entries');
  const pages = REGION / PAGE;
  const erasesPerPageYear = flash.erases / pages;
  return [
    { name: 'write amplification', value: flash.bytesWritten / payload, unit: 'flash bytes per record byte', note: 'entry framing, CRC, marks, segment headers; a year of the delivered plant, 8 KiB segments' },
    { name: 'page erases per 1,000 records', value: (flash.erases * 1000) / records, unit: 'erases', note: (records / hours) + ' records an hour' },
    { name: 'flash lifetime at one hourly record an hour', value: ERASE_CYCLES / erasesPerPageYear, unit: 'years', note: REGION / 1024 + ' KB container, ' + ERASE_CYCLES + ' erase cycles per page, wear spread over the ring' },
    { name: 'appends (with marks and reclaim)', value: (records * 1000) / appendMs, unit: 'records/s', note: 'Node, emulated flash' },
    { name: 'outage held by the container', value: held / HOUR_RECORDS.length, unit: 'hours', note: held + ' records until JOURNAL_FULL' },
    { name: 'recovery of a full journal', value: recoverMs, unit: 'ms', note: 'Node: open + list ' + listed + ' entries, CRC of each' },
  ];
}
