// Assembles console input, which arrives in arbitrary chunks, into lines. CR, LF or CRLF end a line; backspace/DEL
// edit it; an over-long line is dropped whole (reported once) rather than executed truncated.

export class LineReader {
  private buffer = '';
  private overflowed = false;
  private lastWasCr = false;

  constructor(
    private readonly maxLength: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10 && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = c === 13;
      if (c === 13 || c === 10) {
        const line = this.buffer;
        const dropped = this.overflowed;
        this.buffer = '';
        this.overflowed = false;
        if (!dropped) this.onLine(line);
      } else if (c === 8 || c === 127) {
        this.buffer = this.buffer.slice(0, -1);
      } else if (c >= 32 && c < 127) {
        if (this.buffer.length >= this.maxLength) {
          if (!this.overflowed) this.onOverflow();
          this.overflowed = true;
        } else {
          this.buffer += chunk.charAt(i);
        }
      }
    }
  }
}
