// The technician console's input path (protocol/console/line-reader.ts, fed by firmware/console.ts) under arbitrary
// bytes in arbitrary chunks, checked against an independent model of the same rules: CR, LF or CRLF end a line (a
// CRLF split across chunks counts once), backspace/DEL remove the last character, other control and non-ASCII bytes
// are dropped, a line longer than the limit is reported once and never delivered (not even truncated).
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../protocol/console/line-reader';
import { Prng } from '../../host-sim/prng';

const MAX_LINE = 64;

type Event = string | { overflow: true };

/** The rules applied to the whole input at once, character by character. */
function model(input: string): Event[] {
  const out: Event[] = [];
  let line = '';
  let over = false;
  let afterCr = false;
  for (const ch of input) {
    const c = ch.charCodeAt(0);
    if (c === 10 && afterCr) {
      afterCr = false;
      continue;
    }
    afterCr = c === 13;
    if (c === 13 || c === 10) {
      if (!over) out.push(line);
      line = '';
      over = false;
    } else if (c === 8 || c === 127) line = line.slice(0, -1);
    else if (c >= 32 && c < 127) {
      if (line.length < MAX_LINE) line += ch;
      else if (!over) {
        over = true;
        out.push({ overflow: true });
      }
    }
  }
  return out;
}

describe('console input fuzz', () => {
  it('100,000 random chunks give exactly the lines and overflow reports of the model, and never throw', () => {
    const rng = new Prng(0xc0de);
    const alphabet = 'echo status help x\r\n\b\x7f\x00\x1b\xff\t';
    const events: Event[] = [];
    const reader = new LineReader(MAX_LINE, (l) => events.push(l), () => events.push({ overflow: true }));
    let input = '';
    for (let i = 0; i < 100_000; i++) {
      let chunk = '';
      const n = rng.between(1, 64);
      for (let k = 0; k < n; k++) {
        chunk += rng.next() < 0.9 ? alphabet.charAt(rng.between(0, alphabet.length - 1)) : String.fromCharCode(rng.between(0, 255));
      }
      if (rng.next() < 0.01) chunk = 'echo ' + 'y'.repeat(MAX_LINE + rng.between(0, 40)) + (rng.next() < 0.5 ? '\r' : '\r\n');
      input += chunk;
      reader.push(chunk);
    }
    const expected = model(input);
    expect(events.length).toBe(expected.length);
    expect(events).toEqual(expected);
    const lines = events.filter((e): e is string => typeof e === 'string');
    expect(lines.length).toBeGreaterThan(10_000);
    expect(events.length - lines.length).toBeGreaterThan(500);
    expect(lines.reduce((m, l) => Math.max(m, l.length), 0)).toBeLessThanOrEqual(MAX_LINE);
    expect(lines.every((l) => /^[\x20-\x7e]*$/.test(l))).toBe(true);
  });
});
