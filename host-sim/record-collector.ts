// Host side of record retrieval through the technician console: asks the firmware for the records sealed since the
// last one collected (`records since SEQ`) and keeps them by sequence number, hiding those replies from whoever
// watches the console. The firmware holds only its newest few records in RAM, so poll at least once per few
// records (every few simulated minutes).
import { fromHex } from '../protocol/bytes';
import type { EspruinoMachine } from './espruino/sandbox';

export interface CollectedRecord {
  seq: number;
  kind: string;
  bytes: Uint8Array;
}

const RECORD_LINE = /^record (\d+) (\S+) (\d+) ([0-9a-f]+)$/;

/** The records in a `records` command reply (lines `record SEQ KIND LENGTH HEX`); lines whose hex is cut are skipped. */
export function parseRecordLines(text: string): CollectedRecord[] {
  const out: CollectedRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = RECORD_LINE.exec(line.slice(Math.max(0, line.indexOf("record "))).trim());
    if (!m) continue;
    const bytes = fromHex(m[4]);
    if (bytes.length === Number(m[3])) out.push({ seq: Number(m[1]), kind: m[2], bytes });
  }
  return out;
}
const SUMMARY_LINE = /^\d+ record\(s\) shown/;
const PROMPT = 'cems> ';

export class RecordCollector {
  private readonly bySeq = new Map<number, CollectedRecord>();
  private pending = '';
  private replying = false;
  private afterSummary = false;
  /** `record` lines whose hex did not match their announced length (a garbled console line). */
  malformedLines = 0;

  constructor(
    private readonly machine: EspruinoMachine,
    private readonly passthrough: (text: string) => void,
  ) {
    machine.consolePort().onTransmit((bytes) => this.receive(Buffer.from(bytes).toString('latin1')));
  }

  /** Asks for every record newer than the newest collected one. */
  request(): void {
    this.replying = true;
    this.afterSummary = false;
    this.machine.consolePort().send('records since ' + this.lastSeq() + '\r');
  }

  lastSeq(): number {
    let last = -1;
    for (const seq of this.bySeq.keys()) last = Math.max(last, seq);
    return last;
  }

  /** Collected records in sequence order. */
  records(): CollectedRecord[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  private receive(text: string): void {
    if (!this.replying) {
      this.passthrough(text);
      return;
    }
    this.pending += text;
    let nl = this.pending.indexOf('\r\n');
    while (nl >= 0) {
      this.line(this.pending.slice(0, nl));
      this.pending = this.pending.slice(nl + 2);
      nl = this.pending.indexOf('\r\n');
    }
    if (this.afterSummary && this.pending.startsWith(PROMPT)) {
      const rest = this.pending.slice(PROMPT.length);
      this.pending = '';
      this.replying = false;
      if (rest) this.passthrough(rest);
    }
  }

  private line(line: string): void {
    const m = RECORD_LINE.exec(line);
    if (m) {
      const bytes = fromHex(m[4]);
      if (bytes.length === Number(m[3])) this.bySeq.set(Number(m[1]), { seq: Number(m[1]), kind: m[2], bytes });
      else this.malformedLines++;
    } else if (SUMMARY_LINE.test(line)) this.afterSummary = true;
    else this.passthrough(line + '\r\n');
  }
}
