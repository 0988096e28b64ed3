// The firmware's Storage files (dist/storage/) booted from Storage in the Espruino-profile sandbox, observed only
// through simulated peripherals.
import { describe, expect, it } from 'vitest';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { ConsoleClient } from '../../host-sim/espruino/console-client';
import { firmwareHashOf, firmwareStorageFiles, installFirmware } from '../../host-sim/espruino/bundle';
import { createHash } from 'node:crypto';

const FILES = firmwareStorageFiles();
const FIRMWARE_HASH = firmwareHashOf(FILES);

function powerOn(m: EspruinoMachine): void {
  installFirmware(m.storage, FILES);
  m.powerOn();
}

function bootFirmware(): { m: EspruinoMachine; time: VirtualTime; console: ConsoleClient } {
  const time = new VirtualTime(Date.UTC(2026, 8, 1, 10));
  const m = new EspruinoMachine({ time, seed: 3 });
  const console = new ConsoleClient(m);
  powerOn(m);
  time.advance(10);
  return { m, time, console };
}

describe('firmware boot in the sandbox', () => {
  it('logs a banner with its version and the hash of its code on the technician console', () => {
    const { m, console } = bootFirmware();
    expect(console.output).toMatch(/^CEMS data-output module \d+\.\d+\.\d+ bundle [0-9a-f]{16}\r\n/);
    expect(console.output).toContain('plan: embedded default\r\n');
    expect(console.output.endsWith('cems> ')).toBe(true);
    expect(console.output).toContain(FIRMWARE_HASH.slice(0, 16));
    expect(m.uncaught).toEqual([]);
  });

  it('switches the unauthenticated Telnet console off and moves the REPL off Serial1', () => {
    const { m } = bootFirmware();
    expect(m.telnet.mode).toBe('off');
    expect(m.serial.Serial1.settings?.baud).toBe(115200);
    expect(m.serial.Serial1.hasDataListener()).toBe(true);
  });

  it('answers console commands', () => {
    const { m, time, console } = bootFirmware();
    let mark = console.send('version');
    time.advance(5);
    const version = console.since(mark);
    expect(version).toContain('bundle-sha256 ' + FIRMWARE_HASH + '\r\n');
    expect(version).toContain('interpreter Espruino 2v29 on ESP32');
    expect(version.endsWith('cems> ')).toBe(true);

    mark = console.send('sha256 abc');
    time.advance(5);
    expect(console.since(mark)).toContain(createHash('sha256').update('abc').digest('hex'));

    mark = console.send('bogus');
    time.advance(5);
    expect(console.since(mark)).toContain('ERROR unknown command "bogus"');

    mark = console.send('help');
    time.advance(5);
    for (const c of ['version', 'status', 'sha256', 'repl', 'help']) expect(console.since(mark)).toContain('  ' + c);
    expect(m.uncaught).toEqual([]);
  });

  it('reports uptime from its clock', () => {
    const { time, console } = bootFirmware();
    time.advance(90_000);
    const mark = console.send('status');
    time.advance(5);
    expect(console.since(mark)).toMatch(/uptime-s 90\r\n/);
  });

  it("runs its console on the terminal of Espruino's Linux build (no Serial1, no BOOT pin)", () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1));
    const m = new EspruinoMachine({ time, board: 'LINUX' });
    const technician = new ConsoleClient(m);
    m.pins.setInput('D0', 0);
    powerOn(m);
    time.advance(10);
    expect(technician.output).toContain('CEMS data-output module');
    expect(m.serial.Serial1.settings).toBeNull();
    // The embedded default is the ESP32 board's: on Linux it reports what is missing instead of failing.
    expect(technician.output).toContain("modbus: bus 0 not started: Serial2.setup: no 'path' given");
    expect(technician.output).toContain('records: signer not available: ATECC_NO_DEVICE');
    expect(m.uncaught).toEqual([]);
    const mark = technician.send('version');
    time.advance(5);
    expect(technician.since(mark)).toContain('interpreter Espruino 2v29 on LINUX');
  });

  it('stays out of the way in safe mode (BOOT pin held low)', () => {
    const time = new VirtualTime(Date.UTC(2026, 8, 1));
    const m = new EspruinoMachine({ time });
    m.pins.setInput('D0', 0);
    powerOn(m);
    expect(m.serial.Serial1.hasDataListener()).toBe(false);
    expect(m.printed.join('\n')).toContain('safe mode');
    expect(m.telnet.mode).toBe('off');
  });
});
