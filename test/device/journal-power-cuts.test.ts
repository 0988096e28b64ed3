// The journal on the real Espruino 2v29 interpreter, in its Storage container in espruino.flash, under 200 power cuts
// (SIGKILL of the interpreter at random moments while it appends, marks and reclaims), each followed by a device-like
// boot from Storage. After every boot the recovered entries must hold every append the device reported, in order and
// with its data (checked by CRC-32), every reported mark, nothing that was never appended except the one append a cut
// may have interrupted, and ids that keep growing. Entries may only be missing when they were receipted (reclaimed).
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LinuxDevice } from '../../host-sim/espruino-linux/device';
import { Prng } from '../../host-sim/prng';
import { bundleSource } from '../../scripts/build';
import { journalTestData } from './journal/data';

const CUTS = 200;
/** Variables the journal may hold resident (its state and flash port; docs/memory.md). */
const JOURNAL_RAM_BUDGET = 150;

interface Entry {
  delivered: boolean;
  receipted: boolean;
}

let dev: LinuxDevice | undefined;

afterAll(async () => {
  await dev?.close();
});

/** The script's complete lines (a cut can stop one halfway: "D 3" of "D 35"), without the REPL's prompt and
 *  line-clearing codes around them. */
function scriptLines(text: string): string[][] {
  const whole = text.replace(/\x1b\[J|\r/g, '').split('\n');
  whole.pop();
  return whole.map((l) => l.replace(/^>+/, '').trim().split(' '));
}

function lines(text: string, tag: string): string[][] {
  return scriptLines(text).filter((l) => l[0] === tag);
}

describe('journal on the real interpreter', () => {
  it('recovers every reported append and mark after ' + CUTS + ' power cuts at random moments', async () => {
    const script = await bundleSource("import './test/device/journal/entry';", 'journal-entry');
    dev = await LinuxDevice.start({ build: 'pool16k', files: { '.bootcde': script } });
    const rnd = new Prng(8);
    const model = new Map<number, Entry>();
    let lastId = -1;
    let appends = 0;
    let reclaims = 0;
    for (let cut = 0; cut <= CUTS; cut++) {
      await dev.waitFor(/OPEN \d+ next \d+\r?\n/, 30000);
      const boot = dev.transcript().slice(dev.bootIndex);
      const recovered = lines(boot.slice(0, boot.indexOf('OPEN ')), 'R');
      const ids = recovered.map((r) => Number(r[1]));
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
      const present = new Set(ids);
      for (const [id, m] of model) {
        if (present.has(id)) continue;
        expect(m.receipted, 'reported append ' + id + ' lost at cut ' + cut).toBe(true);
        model.delete(id);
      }
      for (const r of recovered) {
        const id = Number(r[1]);
        expect(Number(r[3]), 'data of entry ' + id).toBe(crc32(journalTestData(id)));
        const m = model.get(id);
        if (!m) {
          // only appends newer than every reported one may appear unreported: the one the cut interrupted, and any
          // whose report was still in the interpreter's output buffer
          expect(id, 'entry ' + id + ' was never reported').toBeGreaterThan(lastId);
          lastId = id;
          model.set(id, { delivered: r[2][0] === '1', receipted: r[2][1] === '1' });
          continue;
        }
        if (m.delivered) expect(r[2][0], 'delivered mark of ' + id).toBe('1');
        if (m.receipted) expect(r[2][1], 'receipted mark of ' + id).toBe('1');
        m.delivered = r[2][0] === '1';
        m.receipted = r[2][1] === '1';
      }
      const next = Number(/OPEN \d+ next (\d+)/.exec(boot)![1]);
      expect(next).toBeGreaterThan(lastId);
      if (cut === CUTS) break;
      // let it work, then cut the power
      await new Promise((r) => setTimeout(r, 50 + rnd.int(700)));
      await dev.powerCut();
      const work = dev.transcript().slice(dev.bootIndex);
      for (const [tag, arg] of scriptLines(work)) {
        const id = Number(arg);
        if (tag === 'A') {
          model.set(id, { delivered: false, receipted: false });
          lastId = id;
          appends++;
        } else if (tag === 'D') model.get(id)!.delivered = true;
        else if (tag === 'C') model.get(id)!.receipted = true;
        else if (tag === 'X') reclaims += id;
      }
      expect(work).not.toMatch(/Uncaught|OUT OF MEMORY/);
      await dev.reboot();
    }
    const mem = Number(/MEM (\d+)/.exec(dev.transcript())![1]);
    console.log('journal state in RAM: ' + mem + ' variables');
    expect(mem).toBeLessThanOrEqual(JOURNAL_RAM_BUDGET);
    console.log(CUTS + ' power cuts: ' + appends + ' appends reported, ' + reclaims + ' segments reclaimed, ' + model.size + ' entries held at the end');
    // enough work that segments rotated many times (the pace depends on the machine)
    expect(appends).toBeGreaterThan(CUTS / 4);
    expect(reclaims).toBeGreaterThanOrEqual(8);
  }, 900000);
});
