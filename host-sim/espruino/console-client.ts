// Host side of the technician console: collects what the firmware writes on Serial1 and sends command lines.
import type { EspruinoMachine } from './sandbox';

export class ConsoleClient {
  private text = '';

  constructor(private readonly machine: EspruinoMachine) {
    machine.consolePort().onTransmit((bytes) => {
      this.text += Buffer.from(bytes).toString('latin1');
    });
  }

  /** Everything received so far. */
  get output(): string {
    return this.text;
  }

  /** Output received since the mark, e.g. the answer to one command. */
  since(mark: number): string {
    return this.text.slice(mark);
  }

  send(line: string): number {
    const mark = this.text.length;
    this.machine.consolePort().send(line + '\r');
    return mark;
  }
}
