// Cross-platform conformance runner for the technician console's input path (protocol/console/line-reader.ts, which
// firmware/console.ts feeds from the console UART): fixed chunked input (split CRLF, bare CR and LF, backspace and DEL,
// control characters, an over-long line) and the exact sequence of lines and overflow reports it produces. Run in
// Node and on Espruino (dist/conformance.js), the results must be identical.
import { LineReader } from '../../protocol/console/line-reader';

/** The longest line the vector's reader accepts. */
export const CONSOLE_VECTOR_MAX_LINE = 24;

/** Input chunks as they might arrive from a UART. */
export const CONSOLE_VECTOR_CHUNKS = [
  'help\r',
  '\nec',
  'ho  a   b\r',
  '\n\r\n',
  'nope 1\n',
  'x\x08\x7fecho z\r\n',
  'echo this line is far too long for the console\r',
  'echo after\tthe\x01 long\x1b one\n',
  'ech',
  'o\x08o ok\r',
  '\nfail now\r\n',
  '   \r\n',
  'echo no end',
];

/** Every event in order: "line <text>" for a completed line, "overflow" when a line grew too long. */
export function consoleInputVector(): string[] {
  const events: string[] = [];
  const reader = new LineReader(
    CONSOLE_VECTOR_MAX_LINE,
    function (line: string): void {
      events.push('line ' + line);
    },
    function (): void {
      events.push('overflow');
    },
  );
  for (let i = 0; i < CONSOLE_VECTOR_CHUNKS.length; i++) reader.push(CONSOLE_VECTOR_CHUNKS[i]);
  return events;
}
