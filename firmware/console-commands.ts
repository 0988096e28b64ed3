// Commands the technician console offers on the device.
import type { ConsoleCommand } from '../protocol/console/command-console';
import { toHex } from '../protocol/bytes';
import { consoleDevice } from './platform';

declare const FIRMWARE_VERSION: string;
declare const FIRMWARE_HASH: string;

export function versionCommand(board: string): ConsoleCommand {
  return {
    name: 'version',
    usage: 'version',
    help: 'firmware version, bundle hash and interpreter',
    run: (_args, out) => {
      out.line('firmware ' + FIRMWARE_VERSION);
      out.line('bundle-sha256 ' + FIRMWARE_HASH);
      out.line('interpreter Espruino ' + process.env.VERSION + ' on ' + process.env.BOARD + ' (target ' + board + ')');
    },
  };
}

export function statusCommand(bootMs: number, now: () => number): ConsoleCommand {
  return {
    name: 'status',
    usage: 'status',
    help: 'uptime and interpreter memory',
    run: (_args, out) => {
      const m = process.memory(false);
      out.line('uptime-s ' + Math.floor((now() - bootMs) / 1000));
      out.line('memory-blocks used ' + m.usage + ' free ' + m.free + ' total ' + m.total);
    },
  };
}

/** Hands the console device back to the Espruino REPL (for uploads with the espruino CLI); a reboot restores it. */
export function replCommand(): ConsoleCommand {
  return {
    name: 'repl',
    usage: 'repl',
    help: 'give the console port back to the JavaScript REPL (reboot to return)',
    run: (_args, out) => {
      out.line('REPL on this port; type E.reboot() to return to the technician console');
      consoleDevice.removeAllListeners('data');
      consoleDevice.setConsole(true);
    },
  };
}

export function hashCommand(sha256: (d: Uint8Array) => Uint8Array): ConsoleCommand {
  return {
    name: 'sha256',
    usage: 'sha256 <text>',
    help: 'SHA-256 of the text (self-test of the native hash)',
    run: (args, out) => {
      const text = args.join(' ');
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255;
      out.line(toHex(sha256(bytes)));
    },
  };
}
