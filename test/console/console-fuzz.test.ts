// The technician console's input path under arbitrary bytes in arbitrary chunks: no exception escapes, every line
// is answered exactly once (a prompt per line), over-long lines are dropped whole and reported, never executed.
import { describe, expect, it } from 'vitest';
import { LineReader } from '../../protocol/console/line-reader';
import { CommandConsole, PROMPT } from '../../protocol/console/command-console';
import { Prng } from '../../host-sim/prng';

const MAX_LINE = 64;

describe('console input fuzz', () => {
  it('answers every line once and never runs a truncated over-long line', () => {
    const rng = new Prng(0xc0de);
    let prompts = 0;
    const errors: { [line: string]: true } = {};
    const write = (t: string): void => {
      if (t === PROMPT) prompts++;
      else if (t.startsWith('ERROR')) errors[t.trim()] = true;
    };
    const executed: string[] = [];
    const console = new CommandConsole({ write }, [
      { name: 'echo', usage: 'echo', help: 'echo', run: (args, out) => { executed.push(args.join(' ')); out.line('ok'); } },
      { name: 'boom', usage: 'boom', help: 'throws', run: () => { throw new Error('boom'); } },
    ]);
    let lines = 0;
    let overflows = 0;
    const reader = new LineReader(MAX_LINE, (l) => { lines++; console.handleLine(l); }, () => { overflows++; console.lineTooLong(); });
    const alphabet = 'echo boom help x\r\n\b\x7f\x00\x1b\xff';
    let thrown = 0;
    for (let i = 0; i < 100_000; i++) {
      let chunk = '';
      const n = rng.between(1, 64);
      for (let k = 0; k < n; k++) {
        chunk += rng.next() < 0.9 ? alphabet.charAt(rng.between(0, alphabet.length - 1)) : String.fromCharCode(rng.between(0, 255));
      }
      if (rng.next() < 0.01) chunk = 'echo ' + 'y'.repeat(MAX_LINE + 5) + '\r';
      try {
        reader.push(chunk);
      } catch {
        thrown++;
      }
    }
    expect(thrown).toBe(0);
    expect(lines).toBeGreaterThan(1000);
    expect(overflows).toBeGreaterThan(10);
    expect(prompts).toBe(lines);
    expect(Math.max(...executed.map((e) => e.length))).toBeLessThanOrEqual(MAX_LINE);
    expect(errors['ERROR boom']).toBe(true);
    expect(errors['ERROR line too long, ignored']).toBe(true);
  });
});
