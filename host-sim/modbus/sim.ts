// Simulated acquisition: the real Poller (protocol/modbus) on a virtual RS-485 bus with virtual analyzers, driven
// by a simulated clock. Used by the tests, the benchmark and the host simulator (npm start).

import type { Sample } from '../../protocol/sample';
import { ModbusConfig, ResolvedBus, resolveModbusConfig } from '../../protocol/modbus/config';
import { Poller } from '../../protocol/modbus/poller';
import { AnalyzerModel, AnalyzerSchedule, VirtualAnalyzer, defaultSchedule, modelFor } from './analyzer';
import { BusTimingModel, FaultConfig, VirtualBus, defaultTimingModel, noFaults } from './virtual-bus';

export interface SimOptions {
  seed: number;
  startMs: number;
  faults?: FaultConfig;
  timing?: BusTimingModel;
  /** Per device id; default defaultSchedule() with power-on at startMs. */
  schedules?: { [deviceId: string]: AnalyzerSchedule };
  /** Power-on time of the analyzers; default startMs minus one hour (warmed up). */
  powerOnMs?: number;
  /** Simulator models per device id, for devices whose profile is not a built-in one. */
  models?: { [deviceId: string]: AnalyzerModel };
  /** Called with every sample as it is produced (the analyzers still hold the values they served). */
  onSample?: (s: Sample, sim: SimulatedBus) => void;
}

export class SimulatedBus {
  readonly bus: VirtualBus;
  readonly poller: Poller;
  readonly analyzers: { [deviceId: string]: VirtualAnalyzer } = {};
  readonly samples: Sample[] = [];
  now: number;

  constructor(config: ModbusConfig, resolved: ResolvedBus, opts: SimOptions) {
    this.now = opts.startMs;
    this.bus = new VirtualBus(resolved.line, opts.seed, opts.faults ?? noFaults(), opts.timing ?? defaultTimingModel());
    this.bus.now = opts.startMs;
    let k = 1;
    for (const d of config.devices) {
      if (d.bus !== resolved.id || d.profile === undefined) continue;
      const a = new VirtualAnalyzer({
        address: d.address,
        model: opts.models?.[d.id] ?? modelFor(d.profile),
        schedule: opts.schedules?.[d.id] ?? defaultSchedule(),
        seed: (opts.seed * 31 + k++) >>> 0,
        powerOnMs: opts.powerOnMs ?? opts.startMs - 3600000,
        wordOrder: d.wordOrder,
        addressOffset: d.addressOffset,
      });
      this.analyzers[d.id] = a;
      this.bus.attach(a);
    }
    const hook = opts.onSample;
    this.poller = new Poller(resolved, this.bus.masterTx, (s) => {
      this.samples.push(s);
      if (hook) hook(s, this);
    });
    this.bus.onMasterReceive = (chunk, t) => this.poller.onBytes(chunk, t);
  }

  /** Runs bus events and poller ticks in time order up to tMs. */
  runUntil(tMs: number): void {
    for (;;) {
      const tb = this.bus.nextEventMs();
      const tp = Math.max(this.poller.nextWakeMs(), this.now);
      const t = tb >= 0 && tb <= tp ? tb : tp;
      if (t > tMs) break;
      if (tb >= 0 && tb <= tp) {
        this.bus.runNext();
        this.now = Math.max(this.now, tb);
      } else {
        this.now = t;
        this.bus.now = Math.max(this.bus.now, t);
        this.poller.tick(t);
        // Nothing new to do at this instant: let time move on.
        if (this.poller.nextWakeMs() <= t && this.bus.nextEventMs() < 0) this.now = t + 1;
      }
    }
    this.now = tMs;
    this.bus.now = Math.max(this.bus.now, tMs);
  }

  /** Samples collected so far, removed from the buffer. */
  drain(): Sample[] {
    return this.samples.splice(0, this.samples.length);
  }
}

/** Builds one SimulatedBus per configured bus. */
export function simulate(config: ModbusConfig, opts: SimOptions): SimulatedBus[] {
  const buses = resolveModbusConfig(config);
  return buses.map((b, i) => new SimulatedBus(config, b, { ...opts, seed: (opts.seed + 7919 * i) >>> 0 }));
}

/** A demonstration plant: one 9600 8N1 bus with a GM32, an X-STREAM and a Teledyne T100. */
export function demoConfig(): ModbusConfig {
  return {
    buses: [{ id: 'bus1', port: 'Serial2', baud: 9600, responseTimeoutMs: 500, silenceTimeoutMs: 100, retries: 2 }],
    devices: [
      {
        id: 'gm32',
        bus: 'bus1',
        address: 1,
        profile: 'SICK_GM32',
        channels: [
          { id: 'so2', register: 'c1', periodMs: 1000 },
          { id: 'no', register: 'c2', periodMs: 1000 },
          { id: 'no2', register: 'c3', periodMs: 1000 },
          { id: 'nh3', register: 'c4', periodMs: 5000 },
        ],
      },
      {
        id: 'xstream',
        bus: 'bus1',
        address: 2,
        profile: 'EMERSON_XSTREAM',
        channels: [
          { id: 'co2', register: 'conc1', periodMs: 1000 },
          { id: 'o2', register: 'conc2', periodMs: 1000 },
        ],
      },
      {
        id: 't100',
        bus: 'bus1',
        address: 3,
        profile: 'TELEDYNE_T',
        channels: [
          { id: 'so2_t100', register: 'so2Range1', periodMs: 2000 },
          { id: 'cell_temp', register: 'reactionCellTemp', periodMs: 10000 },
        ],
      },
    ],
  };
}
