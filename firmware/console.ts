// The technician console on the console port: input in arbitrary chunks assembled into lines, each line run by the
// command module (Storage module cems.cmd, loaded per command and released), then the prompt.
import { LineReader } from '../protocol/console/line-reader';
import { errorText } from '../protocol/errors';
import type { Device } from './device';
import { load, release, MODULE_COMMANDS } from './modules';

export const PROMPT = 'cems> ';
const MAX_LINE = 256;

/** Line-oriented writer: every line ends with CRLF, as serial terminals expect. */
export interface ConsoleLines {
  line(text: string): void;
  /** Part of a line: long output (a record in hex) is written in pieces so it never exists as one string. */
  part(text: string): void;
}

export interface CommandModule {
  run(dev: Device, out: ConsoleLines, words: string[]): void;
}

export function consoleLines(port: Serial): ConsoleLines {
  return {
    line: function (text: string): void {
      port.write(text + '\r\n');
    },
    part: function (text: string): void {
      port.write(text);
    },
  };
}

/** Listens on `port` and runs every line through the command module. */
export function startConsole(dev: Device, port: Serial, out: ConsoleLines): void {
  const reader = new LineReader(
    MAX_LINE,
    function (line: string): void {
      const words = line.trim().split(' ').filter(function (w: string): boolean {
        return w !== '';
      });
      if (words.length > 0) {
        try {
          load<CommandModule>(MODULE_COMMANDS).run(dev, out, words);
        } catch (e) {
          out.line('ERROR ' + errorText(e));
        }
        release(MODULE_COMMANDS);
      }
      port.write(PROMPT);
    },
    function (): void {
      out.line('ERROR line too long, ignored');
    },
  );
  port.on('data', function (data: string): void {
    reader.push(data);
  });
}
