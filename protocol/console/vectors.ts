// Cross-platform conformance runner for the technician console: fixed chunked input (split CRLF, bare CR and LF,
// backspace and DEL, control characters, an over-long line) through the LineReader into a CommandConsole, and the
// exact transcript it writes. Run in Node and on Espruino (dist/conformance.js), the results must be identical.
import { codedError } from '../errors';
import { CommandConsole, type ConsoleCommand } from './command-console';
import { LineReader } from './line-reader';

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

const COMMANDS: ConsoleCommand[] = [
  {
    name: 'echo',
    usage: 'echo <words>',
    help: 'print the words',
    run: function (args, out) {
      out.line(args.length + ': ' + args.join('|'));
    },
  },
  {
    name: 'fail',
    usage: 'fail',
    help: 'report an error',
    run: function (args) {
      throw codedError('CONSOLE_VECTOR', 'failed with ' + args.join(' '));
    },
  },
];

/** The console transcript split at CRLF (every piece is printable ASCII; the prompt joins the line it precedes). */
export function consoleTranscriptVector(): string[] {
  let transcript = '';
  const port = {
    write: function (text: string): void {
      transcript += text;
    },
  };
  const cli = new CommandConsole(port, COMMANDS);
  const reader = new LineReader(
    CONSOLE_VECTOR_MAX_LINE,
    function (line) {
      cli.handleLine(line);
    },
    function () {
      cli.lineTooLong();
    },
  );
  cli.prompt();
  for (let i = 0; i < CONSOLE_VECTOR_CHUNKS.length; i++) reader.push(CONSOLE_VECTOR_CHUNKS[i]);
  return transcript.split('\r\n');
}
