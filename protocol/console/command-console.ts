// Technician console: a table of named commands over a line-based port. Each command writes plain ASCII lines.
import type { ConsoleOut } from '../ports';
import { errorText } from '../errors';
import { hasOwn, lookup } from '../own';

export interface ConsoleCommand {
  name: string;
  usage: string;
  help: string;
  run(args: string[], out: ConsoleLines): void;
}

/** Line-oriented writer: every call ends with CRLF, as serial terminals expect. */
export class ConsoleLines {
  constructor(private readonly port: ConsoleOut) {}
  line(text: string): void {
    this.port.write(text + '\r\n');
  }

  /** Part of a line: long output (e.g. a record in hex) is written in pieces so it never exists as one string. */
  part(text: string): void {
    this.port.write(text);
  }
}

export const PROMPT = 'cems> ';

export class CommandConsole {
  private readonly commands: { [name: string]: ConsoleCommand } = {};
  private readonly names: string[] = [];
  readonly out: ConsoleLines;

  constructor(
    private readonly port: ConsoleOut,
    commands: ConsoleCommand[],
  ) {
    this.out = new ConsoleLines(port);
    for (let i = 0; i < commands.length; i++) this.add(commands[i]);
    this.add({
      name: 'help',
      usage: 'help',
      help: 'list the commands',
      run: (_args, out) => {
        for (let i = 0; i < this.names.length; i++) {
          const c = this.commands[this.names[i]];
          out.line('  ' + c.usage.padEnd(24) + c.help);
        }
      },
    });
  }

  add(command: ConsoleCommand): void {
    if (!hasOwn(this.commands, command.name)) this.names.push(command.name);
    this.commands[command.name] = command;
  }

  prompt(): void {
    this.port.write(PROMPT);
  }

  handleLine(line: string): void {
    const words = line.trim().split(/\s+/);
    const name = words[0];
    if (name) {
      const command = lookup(this.commands, name);
      if (!command) {
        this.out.line('ERROR unknown command "' + name + '" (type help)');
      } else {
        try {
          command.run(words.slice(1), this.out);
        } catch (e) {
          this.out.line('ERROR ' + errorText(e));
        }
      }
    }
    this.prompt();
  }

  /** Called when a line exceeded the input limit and was discarded. */
  lineTooLong(): void {
    this.out.line('ERROR line too long, ignored');
  }
}
