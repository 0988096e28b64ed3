// The journal on emulated NOR flash (ESP32 semantics) with power cuts after any byte of any write or erase, during
// appends, delivered and receipted marks, reclaim and segment rotation. After every cut the journal is recovered from
// the flash alone and checked against a model of what was acknowledged: every acknowledged entry not yet reclaimed is
// returned exactly once, in order, with its data; every acknowledged mark reads back; nothing else is returned but the
// entry whose append the cut interrupted, complete; entry ids keep growing across cuts.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NorFlash, PowerCut } from '../../host-sim/flash/nor-flash';
import { Prng } from '../../host-sim/prng';
import {
  journalAppend,
  journalEntries,
  journalMarkDelivered,
  journalMarkReceipted,
  journalRead,
  journalReclaim,
  openJournal,
  type Journal,
  type JournalOptions,
} from '../../protocol/journal/journal';

const PAGE = 4096;

interface ModelEntry {
  data: Uint8Array;
  delivered: boolean;
  receipted: boolean;
}

function options(flash: NorFlash): JournalOptions {
  return { flash, base: PAGE, length: 12 * PAGE, segmentBytes: 2 * PAGE, crc32: (b) => crc32(b), reserveBytes: 600 };
}

function bytes(rnd: Prng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rnd.int(256);
  // records are full of 0xFF and 0x00 runs: make sure some entries carry them
  if (n > 8 && rnd.chance(0.3)) b.fill(0xff, 0, Math.min(n, 40));
  return b;
}

/** Checks the recovered journal against the model; returns the model as recovered (reclaimed entries dropped). */
function checkRecovered(j: Journal, model: Map<number, ModelEntry>, inFlight: { id: number; data: Uint8Array } | null): void {
  const got = journalEntries(j, 1e9);
  const ids = got.map((e) => e.id);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
  const present = new Set(ids);
  for (const [id, m] of model) {
    // only a segment whose entries were all receipted can have gone
    if (!present.has(id)) {
      expect(m.receipted, 'acknowledged entry ' + id + ' lost').toBe(true);
      model.delete(id);
    }
  }
  for (const e of got) {
    const m = model.get(e.id);
    const data = journalRead(j, e);
    if (!m) {
      expect(inFlight, 'entry ' + e.id + ' was never appended').not.toBeNull();
      expect(e.id).toBe(inFlight!.id);
      expect(Buffer.from(data).equals(Buffer.from(inFlight!.data))).toBe(true);
      model.set(e.id, { data: inFlight!.data, delivered: e.delivered, receipted: e.receipted });
      continue;
    }
    expect(Buffer.from(data).equals(Buffer.from(m.data)), 'data of entry ' + e.id).toBe(true);
    if (m.delivered) expect(e.delivered, 'delivered mark of ' + e.id).toBe(true);
    if (m.receipted) expect(e.receipted, 'receipted mark of ' + e.id).toBe(true);
    // a mark whose write was cut may read either way: take what the flash says
    m.delivered = e.delivered;
    m.receipted = e.receipted;
  }
}

describe('journal power safety', () => {
  it('recovers every acknowledged entry exactly once, in order, after 1,000 cuts at random bytes', () => {
    const rnd = new Prng(20261202);
    const flash = new NorFlash(16 * PAGE, PAGE, 7);
    const model = new Map<number, ModelEntry>();
    let j = openJournal(options(flash));
    let cuts = 0;
    let appended = 0;
    let reclaimed = 0;
    let lastId = -1;
    while (cuts < 1000) {
      flash.cutAfter(rnd.int(30000));
      let inFlight: { id: number; data: Uint8Array } | null = null;
      try {
        for (;;) {
          const op = rnd.int(10);
          if (op < 5) {
            const data = bytes(rnd, 1 + rnd.int(rnd.chance(0.2) ? 4000 : 600));
            inFlight = { id: j.nextId, data };
            let id: number;
            try {
              id = journalAppend(j, data, false);
            } catch (e) {
              if ((e as { code?: string }).code !== 'JOURNAL_FULL') throw e;
              inFlight = null;
              reclaimed += journalReclaim(j, true);
              continue;
            }
            inFlight = null;
            expect(id).toBeGreaterThan(lastId);
            lastId = id;
            model.set(id, { data, delivered: false, receipted: false });
            appended++;
          } else if (op < 9) {
            // the uplink works from the head: deliver, then receipt, the oldest entries
            const head = journalEntries(j, 1e9).filter((e) => !e.receipted).slice(0, 3);
            for (const e of head) {
              if (!e.delivered) {
                journalMarkDelivered(j, e);
                model.get(e.id)!.delivered = true;
              } else if (!e.receipted) {
                journalMarkReceipted(j, e);
                model.get(e.id)!.receipted = true;
              }
            }
          } else reclaimed += journalReclaim(j, true);
        }
      } catch (e) {
        if (!(e instanceof PowerCut)) throw e;
      }
      flash.disarm();
      cuts++;
      j = openJournal(options(flash));
      checkRecovered(j, model, inFlight);
      if (j.nextId > 0) expect(j.nextId).toBeGreaterThan(lastId);
      lastId = j.nextId - 1;
    }
    console.log('1,000 cuts: ' + appended + ' acknowledged appends, ' + reclaimed + ' segments reclaimed, ' + flash.erases + ' page erases, ' +
      model.size + ' entries held at the end');
    expect(appended).toBeGreaterThan(2000);
    expect(reclaimed).toBeGreaterThan(50);
  }, 120000);

  it('never brings back a reclaimed segment whose erase stopped with its entries intact but their marks erased', () => {
    const flash = new NorFlash(16 * PAGE, PAGE, 3);
    const j = openJournal(options(flash));
    const rnd = new Prng(5);
    // fill the first segment and start the second
    while (j.head <= 0) journalAppend(j, bytes(rnd, 700), false);
    const first = journalEntries(j, 1e9).filter((e) => e.handle < 2 * PAGE);
    for (const e of first) {
      journalMarkDelivered(j, e);
      journalMarkReceipted(j, e);
    }
    expect(journalReclaim(j, true)).toBe(1);
    // an erase that reached every mark word and nothing else: the entries would read as new, undelivered ones
    for (const e of first) {
      const body = PAGE + e.handle + ((8 + e.length + 3) & ~3);
      flash.bytes.fill(0xff, body + 4, body + 12);
    }
    const again = openJournal(options(flash));
    const ids = journalEntries(again, 1e9).map((e) => e.id);
    for (const e of first) expect(ids).not.toContain(e.id);
  });
});
