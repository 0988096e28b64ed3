// End to end: the firmware's Storage files booted in the Espruino-profile sandbox poll the virtual analyzers of the
// default plant over Serial2 (virtual RS-485 bus), and everything is observed only through the technician console.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { espruinoBuildOptions } from '../../scripts/build';
import { checkEspruinoCode } from '../../scripts/espruino-gate';
import { EspruinoMachine } from '../../host-sim/espruino/sandbox';
import { VirtualTime } from '../../host-sim/espruino/time';
import { ConsoleClient } from '../../host-sim/espruino/console-client';
import { startModuleSim, type ModuleSim } from '../../host-sim/module-sim';
import { SandboxBusBridge } from '../../host-sim/modbus/sandbox-bridge';
import { buildDefaultPlant } from '../../host-sim/modbus/plant';
import { firmwareStorageFiles, installFirmware } from '../../host-sim/espruino/bundle';
import { defaultSchedule } from '../../host-sim/modbus/analyzer';
import { noFaults } from '../../host-sim/modbus/virtual-bus';
import { DEFAULT_MODBUS, DEFAULT_SCAN_INTERVAL_MS } from '../../protocol/module/default-modbus';
import { openPlan } from '../../protocol/plan/reader';
import { writePlan } from '../../protocol/plan/writer';
import { Section } from '../../protocol/plan/format';
import { nodeSha256 } from '../../host-sim/record/node-sha256';

const T0 = Date.UTC(2026, 8, 1, 10);
const HOUR = 3600000;
/** The plant's analyzers were switched on an hour before the module (PlantOptions default). */
const POWER_ON = T0 - HOUR;

interface Reading {
  value: string;
  status: string;
  native: string;
  age: number;
  bits: string;
}

interface DeviceLine {
  slave: number;
  profile: string;
  state: string;
  n: { [counter: string]: number };
  lastOk: string;
}

/** Channel id -> where the virtual plant serves it. */
const SERVED: { [channel: string]: { device: string; register: string } } = {};
for (const d of DEFAULT_MODBUS.devices) for (const c of d.channels) SERVED[c.id] = { device: d.id, register: c.register };
const CHANNELS = Object.keys(SERVED);

function f32Bits(v: number): string {
  const b = Buffer.alloc(4);
  b.writeFloatBE(v);
  return 'f32:' + b.toString('hex');
}

function parseReadings(text: string): { [channel: string]: Reading } {
  const out: { [channel: string]: Reading } = {};
  for (const line of text.split('\r\n')) {
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+\.\d)\s+(\S+)$/.exec(line);
    if (m && m[1] !== 'channel') out[m[1]] = { value: m[2], status: m[3], native: m[4], age: Number(m[5]), bits: m[6] };
  }
  return out;
}

function parseModbus(text: string): { bus: { [counter: string]: number }; devices: { [id: string]: DeviceLine } } {
  const bus: { [counter: string]: number } = {};
  const devices: { [id: string]: DeviceLine } = {};
  const pairs = (s: string, into: { [k: string]: number }) => {
    for (const m of s.matchAll(/([a-z-]+) (\d+)/g)) into[m[1]] = Number(m[2]);
  };
  for (const line of text.split('\r\n')) {
    const d = /^ {2}device (\S+) slave (\d+) (\S+) state (\S+) (.*) last-ok-s (\S+) /.exec(line);
    if (d) {
      const n: { [k: string]: number } = {};
      pairs(d[5], n);
      devices[d[1]] = { slave: Number(d[2]), profile: d[3], state: d[4], n, lastOk: d[6] };
    } else if (/^bus |^ {2}framing /.test(line)) pairs(line, bus);
  }
  return { bus, devices };
}

class Rig {
  readonly time = new VirtualTime(T0);
  readonly sim: ModuleSim;

  constructor(plant: Parameters<typeof startModuleSim>[0] = {}) {
    this.sim = startModuleSim({ ...plant, time: this.time, seed: 7 });
  }

  get bus() {
    return this.sim.plant.buses.rs485.bus;
  }

  command(line: string): string {
    const mark = this.sim.technician.send(line);
    this.time.advance(5);
    const text = this.sim.technician.since(mark);
    expect(text.endsWith('cems> ')).toBe(true);
    return text;
  }

  readings(): { [channel: string]: Reading } {
    const r = parseReadings(this.command('readings'));
    expect(Object.keys(r)).toEqual(CHANNELS);
    return r;
  }

  modbus() {
    return parseModbus(this.command('modbus'));
  }

  /** Runs until no transaction is on the wire: every analyzer's last served value has then reached the firmware. */
  advanceToIdle(ms: number): void {
    this.time.advance(ms);
    for (let i = 0; i < 1000 && this.bus.nextEventMs() >= 0; i++) this.time.advance(1);
    expect(this.bus.nextEventMs()).toBe(-1);
  }

  served(channel: string): number {
    const s = SERVED[channel];
    return this.sim.plant.analyzers[s.device].current[s.register];
  }

  /** The last few values the analyzer served for this channel (retries and late answers included). */
  recentlyServed(channel: string): string[] {
    const s = SERVED[channel];
    return this.sim.plant.analyzers[s.device].history[s.register].map(f32Bits);
  }
}

function expectValidAndExact(rig: Rig, r: { [channel: string]: Reading }, channels: string[]): void {
  for (const ch of channels) {
    const v = rig.served(ch);
    expect(r[ch], ch).toMatchObject({ status: 'VALID', bits: f32Bits(v) });
    expect(Math.abs(Number(r[ch].value) - v), ch).toBeLessThanOrEqual(0.001); // display text (Espruino toFixed); the bits are the exact check
  }
}

describe('firmware acquisition against the virtual plant', () => {
  it('sets Serial2 up for the bus and polls every channel of the default plant, bit-exact', () => {
    const rig = new Rig();
    expect(rig.sim.machine.serial.Serial2.settings).toEqual({
      baud: 9600,
      options: { bytesize: 8, parity: 'none', stopbits: 1, rx: 16, tx: 17 },
    });
    rig.advanceToIdle(3 * 60000);
    const r = rig.readings();
    expectValidAndExact(rig, r, CHANNELS);
    for (const ch of ['so2', 'no', 'no2', 'velocity', 'dust']) expect(r[ch].native).toBe('0x0000');
    for (const ch of ['co2', 'o2', 'co']) expect(r[ch].native).toBe('-'); // the X-STREAM profile has no status word
    for (const ch of CHANNELS) expect(r[ch].age).toBeLessThanOrEqual(DEFAULT_SCAN_INTERVAL_MS / 1000);
    // The plant's levels come through (plausibility of the models, not of the decoding).
    expect(Number(r.static_pressure.value)).toBeLessThan(-300);
    expect(Number(r.temperature.value)).toBeGreaterThan(120);
    expect(Number(r.o2.value)).toBeGreaterThan(5);

    const { bus, devices } = rig.modbus();
    expect(Object.keys(devices)).toEqual(['gm32', 'xstream', 'stack']);
    for (const id of Object.keys(devices)) {
      const d = devices[id];
      expect(d.state, id).toBe('OK');
      // HJ 76: at least 12 samples per minute and channel; one poll per scan interval, each answered.
      expect(d.n.ok, id).toBeGreaterThanOrEqual((3 * 60000) / DEFAULT_SCAN_INTERVAL_MS);
      expect(d.n.timeouts + d.n['crc-errors'] + d.n.exceptions + d.n.retries, id).toBe(0);
    }
    expect(devices.gm32).toMatchObject({ slave: 1, profile: 'SICK_GM32' });
    // Every request answered (one may be on the wire while the command runs).
    expect([0, 1]).toContain(bus.sent - bus.ok);
    expect(bus.timeouts + bus['crc-errors'] + bus.exceptions + bus.invalid + bus.resyncs + bus.discarded).toBe(0);
    expect(bus.overruns).toBe(0);
    expect(rig.sim.bridges.rs485.mismatchedWrites).toBe(0);
    expect(rig.sim.machine.uncaught).toEqual([]);
  });

  it('keeps following the plant: later readings are the later served values', () => {
    const rig = new Rig();
    rig.advanceToIdle(60000);
    const first = rig.readings();
    rig.advanceToIdle(37000);
    const later = rig.readings();
    expectValidAndExact(rig, later, CHANNELS);
    expect(CHANNELS.filter((ch) => later[ch].bits !== first[ch].bits).length).toBe(CHANNELS.length);
  });

  it('shows a silent analyzer as COMMS_LOSS and OFFLINE without a value, keeps polling the others, and recovers', () => {
    const rig = new Rig();
    rig.advanceToIdle(30000);
    const before = rig.modbus().devices;
    rig.bus.faultsBySlave[2] = { missingResponse: 1 };
    rig.advanceToIdle(30000);
    const r = rig.readings();
    for (const ch of ['co2', 'o2', 'co']) expect(r[ch], ch).toMatchObject({ value: '--', status: 'COMMS_LOSS', native: '-', bits: '--' });
    expectValidAndExact(rig, r, ['so2', 'no', 'no2', 'velocity', 'temperature', 'static_pressure', 'moisture', 'dust']);
    const { bus, devices } = rig.modbus();
    expect(devices.xstream.state).toBe('OFFLINE');
    expect(devices.xstream.n.ok).toBe(before.xstream.n.ok);
    // Three polls with two retries each, then one attempt per poll while offline.
    const polls = devices.xstream.n['failed-reads'];
    expect(polls).toBeGreaterThanOrEqual(14);
    expect(devices.xstream.n.timeouts).toBe(3 * 3 + (polls - 3));
    expect(Number(devices.xstream.lastOk)).toBeGreaterThanOrEqual(29);
    // The silent analyzer costs bus time, not the other analyzers' scan rate.
    expect(devices.gm32.n.ok - before.gm32.n.ok).toBeGreaterThanOrEqual(30000 / DEFAULT_SCAN_INTERVAL_MS - 1);
    expect(devices.gm32.state).toBe('OK');
    expect(bus.overruns).toBe(0);

    delete rig.bus.faultsBySlave[2];
    rig.advanceToIdle(5000);
    expectValidAndExact(rig, rig.readings(), CHANNELS);
    const after = rig.modbus().devices.xstream;
    expect(after.state).toBe('OK');
    expect(after.n.ok).toBeGreaterThan(before.xstream.n.ok);
    expect(rig.sim.machine.uncaught).toEqual([]);
  });

  it('counts CRC errors, noise and resyncs on a noisy line and never shows a corrupt or invalid value', () => {
    const rig = new Rig();
    rig.advanceToIdle(10000);
    rig.bus.faults = {
      ...noFaults(),
      crcCorruption: 0.3,
      dropByte: 0.15,
      noiseBurst: 0.3,
      slowResponse: 0.05,
      slowDelayMs: 700,
      missingResponse: 0.1,
    };
    const statuses: { [status: string]: number } = {};
    for (let i = 0; i < 120; i++) {
      // Look at every phase of the poll cycle, also while a transaction is in flight.
      rig.time.advance(1300 + ((i * 173) % 700));
      const r = rig.readings();
      for (const ch of CHANNELS) {
        const x = r[ch];
        statuses[x.status] = (statuses[x.status] ?? 0) + 1;
        if (x.status === 'VALID') expect(rig.recentlyServed(ch), ch).toContain(x.bits);
        else expect(x, ch).toMatchObject({ value: '--', bits: '--' });
      }
    }
    expect(statuses.VALID).toBeGreaterThan(0);
    expect(statuses.COMMS_LOSS).toBeGreaterThan(0);
    const { bus, devices } = rig.modbus();
    expect(bus['crc-errors']).toBeGreaterThan(0);
    expect(bus.resyncs).toBeGreaterThan(0);
    expect(bus['crc-rejects']).toBeGreaterThan(0);
    expect(bus.timeouts).toBeGreaterThan(0);
    expect(bus.retries).toBeGreaterThan(0);
    const perDevice = (k: string) => Object.values(devices).reduce((a, d) => a + d.n[k], 0);
    expect(perDevice('crc-errors')).toBe(bus['crc-errors']);
    expect(perDevice('ok')).toBe(bus.ok);
    expect(rig.bus.stats.corrupted).toBeGreaterThan(0);
    expect(rig.bus.stats.noiseBytes).toBeGreaterThan(0);

    // Back to a clean line: everything valid and exact again.
    rig.bus.faults = noFaults();
    rig.advanceToIdle(10000);
    expectValidAndExact(rig, rig.readings(), CHANNELS);
    expect(rig.sim.machine.uncaught).toEqual([]);
  });

  it('reports the GM32 check cycle as CALIBRATION and a gateway fault as FAULT, with native bits and no value', () => {
    // Check cycle: zero phase 60..80 s after the module's power-on, span phase 80..100 s; gateway fault 30..50 s.
    const gm32 = { ...defaultSchedule(), calOffsetMs: HOUR + 60000, calPhaseMs: 20000, calPeriodMs: 4 * HOUR };
    const stack = { ...defaultSchedule(), calPeriodMs: 0, faults: [{ startMs: HOUR + 30000, endMs: HOUR + 50000 }] };
    const rig = new Rig({ plant: { schedules: { gm32, stack }, powerOnMs: POWER_ON } });
    const gases = ['so2', 'no', 'no2'];
    const conditions = ['velocity', 'temperature', 'static_pressure', 'moisture', 'dust'];

    rig.advanceToIdle(40000);
    let r = rig.readings();
    for (const ch of conditions) expect(r[ch], ch).toMatchObject({ value: '--', status: 'FAULT', native: '0x0001', bits: '--' });
    expectValidAndExact(rig, r, [...gases, 'co2', 'o2', 'co']);

    rig.advanceToIdle(30000); // t = 70 s: zero gas
    r = rig.readings();
    for (const ch of gases) expect(r[ch], ch).toMatchObject({ value: '--', status: 'CALIBRATION', native: '0x0100', bits: '--' });
    expectValidAndExact(rig, r, [...conditions, 'co2', 'o2', 'co']);

    rig.advanceToIdle(20000); // t = 90 s: span gas, a large reading that must not pass as a measurement
    expect(rig.served('so2')).toBeGreaterThan(390);
    r = rig.readings();
    for (const ch of gases) expect(r[ch], ch).toMatchObject({ value: '--', status: 'CALIBRATION', native: '0x0100' });

    rig.advanceToIdle(20000); // t = 110 s: measuring again
    expectValidAndExact(rig, rig.readings(), CHANNELS);
    expect(rig.modbus().devices.gm32.state).toBe('OK');
    expect(rig.sim.machine.uncaught).toEqual([]);
  });
});

describe('plan integrity and consumer isolation (firmware code in the sandbox)', () => {
  it('refuses a provisioned plan that fails its integrity check: says why, polls nothing, keeps the console', () => {
    const time = new VirtualTime(T0);
    const m = new EspruinoMachine({ time, seed: 5 });
    const technician = new ConsoleClient(m);
    const files = firmwareStorageFiles();
    installFirmware(m.storage, files);
    const tampered = new Uint8Array(files['cems.dflt']);
    tampered[tampered.length - 9] ^= 1;
    m.storage.write('cems.plan', tampered);
    m.powerOn();
    time.advance(10000);
    expect(technician.output).toContain('plan: provisioned plan rejected: PLAN_HASH: plan content does not match its hash; nothing is acquired or recorded');
    expect(m.serial.Serial2.settings).toBeNull();
    const mark = technician.send('readings');
    time.advance(5);
    expect(technician.since(mark)).toContain('not running: provisioned plan rejected: PLAN_HASH');
    expect(m.uncaught).toEqual([]);
  });

  it('refuses a plan with a valid hash that lacks a section: says why, keeps the console', () => {
    const time = new VirtualTime(T0);
    const m = new EspruinoMachine({ time, seed: 5 });
    const technician = new ConsoleClient(m);
    const files = firmwareStorageFiles();
    installFirmware(m.storage, files);
    const plan = openPlan(new Uint8Array(files['cems.dflt']), nodeSha256);
    const sections: { id: number; bytes: Uint8Array }[] = [];
    for (let id = 0; id < plan.at.length; id++) {
      if (plan.at[id] >= 0 && id !== Section.RECORD) sections.push({ id, bytes: plan.bytes.subarray(plan.at[id], plan.at[id] + plan.len[id]) });
    }
    m.storage.write('cems.plan', writePlan(sections, nodeSha256));
    m.powerOn();
    time.advance(10000);
    expect(technician.output).toContain('plan: provisioned plan rejected: PLAN_SECTION: section ' + Section.RECORD + ' missing; nothing is acquired or recorded\r\n');
    expect(m.uncaught).toEqual([]);
    const mark = technician.send('status');
    time.advance(5);
    expect(technician.since(mark)).toContain('uptime');
  });

  async function bundle(): Promise<string> {
    const out = await build({ ...espruinoBuildOptions, entryPoints: ['test/e2e/fixtures/acquisition-entry.js'], outfile: 'acquisition-test.js', sourcemap: false });
    const code = 'var FIRMWARE_VERSION="0",FIRMWARE_HASH="0";(function(){\n' + out.outputFiles![0].text + '\n})();\n';
    expect(checkEspruinoCode(code)).toEqual([]);
    return code;
  }

  it('goes on acquiring when the sample consumer throws, and says so on the console', async () => {
    const time = new VirtualTime(T0);
    const m = new EspruinoMachine({ time, seed: 5 });
    const plant = buildDefaultPlant({ seed: 5, startMs: T0 });
    new SandboxBusBridge(time, m.serial.Serial2, plant.buses.rs485.bus);
    const technician = new ConsoleClient(m);
    m.boot(await bundle(), 'acquisition-test.js');
    const run = (js: string) => m.evaluate('acquisitionTest.' + js);
    run('start(' + JSON.stringify(Buffer.from(firmwareStorageFiles()['cems.dflt']).toString('base64')) + ')');
    run('state.failConsumer = true');
    time.advance(20000);
    expect(run('state.samples') as number).toBeGreaterThanOrEqual(10 * CHANNELS.length);
    const command = (line: string) => {
      const mark = technician.output.length;
      run('command(' + JSON.stringify(line) + ')');
      return technician.since(mark);
    };
    const r = parseReadings(command('readings'));
    for (const ch of CHANNELS) expect(r[ch].status, ch).toBe('VALID');
    for (const ch of CHANNELS) expect(r[ch].age, ch).toBeLessThanOrEqual(DEFAULT_SCAN_INTERVAL_MS / 1000);
    expect(command('readings')).toMatch(/WARNING sample consumer failed \d+ times, last: consumer broke\r\n/);
    expect(m.uncaught).toEqual([]);
  });
});
