// Boot sequence of the CEMS data-output module on Espruino (ESP32).
import { CommandConsole } from '../protocol/console/command-console';
import { LineReader } from '../protocol/console/line-reader';
import { IS_LINUX, clock, consoleDevice, serialConsole, sha256 } from './platform';
import { hashCommand, replCommand, statusCommand, versionCommand } from './console-commands';
import type { Sample } from '../protocol/sample';
import { Acquisition } from './acquisition';
import { modbusCommand, readingsCommand } from './acquisition-commands';
import { loadConfig } from './config-load';
import { RecordsService } from './records';
import { pipelineCommand, recordsCommand, timeCommand } from './records-commands';

declare const FIRMWARE_VERSION: string;
declare const FIRMWARE_HASH: string;

const BOARD = 'ESP32';
/** GPIO0 is the BOOT button on ESP32 modules: held low at boot, the firmware leaves the REPL alone (safe mode). */
const SAFE_MODE_PIN = 'D0';
const CONSOLE_BAUD = 115200;
const CONSOLE_MAX_LINE = 256;

function banner(): string {
  return 'CEMS data-output module ' + FIRMWARE_VERSION + ' bundle ' + FIRMWARE_HASH.slice(0, 16) + '\r\n';
}

function boot(): void {
  // Espruino switches its unauthenticated Telnet console on at every boot (builds without Telnet have no module).
  try {
    require('TelnetServer').setOptions({ mode: 'off' });
  } catch (e) {
    print('no TelnetServer module: nothing to switch off');
  }
  if (!IS_LINUX && digitalRead(SAFE_MODE_PIN) === 0) {
    print('safe mode: ' + SAFE_MODE_PIN + ' held low, firmware not started');
    return;
  }
  const bootMs = clock.nowMs();
  // Move the REPL to a loopback device so the console port carries only the technician console.
  E.setConsole('LoopbackA', { force: true });
  if (!IS_LINUX) Serial1.setup(CONSOLE_BAUD);
  const loaded = loadConfig();
  let records: RecordsService | null = null;
  // Every acquired Sample, valid or not, in acquisition order, goes to the emissions engine.
  const acquisition = new Acquisition(clock, (s: Sample) => {
    if (records) records.onSample(s);
  });
  const commands = [
    versionCommand(BOARD),
    statusCommand(bootMs, clock.nowMs),
    hashCommand(sha256),
    replCommand(),
    readingsCommand(acquisition, clock),
    modbusCommand(acquisition, clock),
  ];
  const technician = new CommandConsole(serialConsole, commands);
  const reader = new LineReader(
    CONSOLE_MAX_LINE,
    (line) => technician.handleLine(line),
    () => technician.lineTooLong(),
  );
  consoleDevice.on('data', (data: string) => reader.push(data));
  serialConsole.write(banner());
  if (loaded.config) {
    records = new RecordsService(loaded.config, technician.out);
    technician.add(recordsCommand(records));
    technician.add(pipelineCommand(records, loaded));
    technician.add(timeCommand(records));
    technician.out.line('config: ' + (loaded.source === 'default' ? 'embedded default (none provisioned)' : 'provisioned'));
    records.start();
    acquisition.start(loaded.config.modbus, technician.out);
  } else {
    technician.out.line('config: provisioned configuration is invalid, nothing is acquired or recorded:');
    for (let i = 0; i < loaded.errors.length; i++) technician.out.line('  ' + loaded.errors[i]);
  }
  technician.prompt();
}

boot();
