// Simulated acquisition: the device's Modbus runtime (protocol/modbus/rtu-poller.ts, on a plan compiled from the
// configuration) on a virtual RS-485 bus with virtual analyzers, driven by a simulated clock (tests, benchmark).
// buildBusPlant() is the plant alone, for a master elsewhere (the firmware bundle in the sandbox, see plant.ts).

import type { Sample } from '../../protocol/sample';
import type { ModbusConfig, ResolvedBus } from '../../protocol/modbus/config';
import type { RtuBus } from '../../protocol/modbus/rtu-master';
import { pollerBytes, pollerTick, pollerWake } from '../../protocol/modbus/rtu-poller';
import { HostRtuPlan, compileRtuPlan, createSampleBus } from './rtu-host';
import { AnalyzerModel, AnalyzerSchedule, VirtualAnalyzer, defaultSchedule, modelFor } from './analyzer';
import { BusTimingModel, FaultConfig, VirtualBus, defaultTimingModel, noFaults } from './virtual-bus';

export interface PlantOptions {
  seed: number;
  startMs: number;
  faults?: FaultConfig;
  timing?: BusTimingModel;
  /** Per device id; default defaultSchedule() with power-on at startMs. */
  schedules?: { [deviceId: string]: AnalyzerSchedule };
  /** Power-on time of the analyzers; default startMs minus one hour (warmed up). */
  powerOnMs?: number;
  /** Simulator models per device id; default the model of the device's built-in profile. */
  models?: { [deviceId: string]: AnalyzerModel };
}

export interface SimOptions extends PlantOptions {
  /** Called with every sample as it is produced (the analyzers still hold the values they served). */
  onSample?: (s: Sample, sim: SimulatedBus) => void;
}

/** The instruments of one configured bus on their virtual RS-485 line, with no master attached yet. */
export interface BusPlant {
  bus: VirtualBus;
  analyzers: { [deviceId: string]: VirtualAnalyzer };
}

/** Builds the virtual bus and one virtual analyzer per device of `resolved` that has a model. */
export function buildBusPlant(config: ModbusConfig, resolved: ResolvedBus, opts: PlantOptions): BusPlant {
  const bus = new VirtualBus(resolved.line, opts.seed, opts.faults ?? noFaults(), opts.timing ?? defaultTimingModel());
  bus.now = opts.startMs;
  const analyzers: { [deviceId: string]: VirtualAnalyzer } = {};
  let k = 1;
  for (const d of config.devices) {
    if (d.bus !== resolved.id) continue;
    const model = opts.models?.[d.id] ?? (d.profile !== undefined ? modelFor(d.profile) : undefined);
    if (model === undefined) continue;
    const a = new VirtualAnalyzer({
      address: d.address,
      model,
      schedule: opts.schedules?.[d.id] ?? defaultSchedule(),
      seed: (opts.seed * 31 + k++) >>> 0,
      powerOnMs: opts.powerOnMs ?? opts.startMs - 3600000,
      wordOrder: d.wordOrder,
      addressOffset: d.addressOffset,
    });
    analyzers[d.id] = a;
    bus.attach(a);
  }
  return { bus, analyzers };
}

/** One seed per bus, so that buses of one plant do not share fault and noise sequences. */
export function busSeed(seed: number, busIndex: number): number {
  return (seed + 7919 * busIndex) >>> 0;
}

export class SimulatedBus {
  readonly bus: VirtualBus;
  readonly plan: HostRtuPlan;
  readonly rtu: RtuBus;
  readonly analyzers: { [deviceId: string]: VirtualAnalyzer };
  readonly samples: Sample[] = [];
  now: number;

  /** Bus `index` of `plan` (compiled from `config`) on its virtual line. */
  constructor(config: ModbusConfig, plan: HostRtuPlan, index: number, opts: SimOptions) {
    this.now = opts.startMs;
    this.plan = plan;
    const plant = buildBusPlant(config, plan.buses[index], opts);
    this.bus = plant.bus;
    this.analyzers = plant.analyzers;
    const hook = opts.onSample;
    this.rtu = createSampleBus(plan, index, this.bus.masterTx, (s) => {
      this.samples.push(s);
      if (hook) hook(s, this);
    });
    this.bus.onMasterReceive = (chunk, t) => pollerBytes(this.rtu, chunk, t);
  }

  /** Runs bus events and poller ticks in time order up to tMs. */
  runUntil(tMs: number): void {
    for (;;) {
      const tb = this.bus.nextEventMs();
      const tp = Math.max(pollerWake(this.rtu), this.now);
      const t = tb >= 0 && tb <= tp ? tb : tp;
      if (t > tMs) break;
      if (tb >= 0 && tb <= tp) {
        this.bus.runNext();
        this.now = Math.max(this.now, tb);
      } else {
        this.now = t;
        this.bus.now = Math.max(this.bus.now, t);
        pollerTick(this.rtu, t);
        // Nothing new to do at this instant: let time move on.
        if (pollerWake(this.rtu) <= t && this.bus.nextEventMs() < 0) this.now = t + 1;
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

/** Compiles the configuration and builds one SimulatedBus per configured bus. */
export function simulate(config: ModbusConfig, opts: SimOptions): SimulatedBus[] {
  const plan = compileRtuPlan(config);
  return plan.buses.map((_, i) => new SimulatedBus(config, plan, i, { ...opts, seed: busSeed(opts.seed, i) }));
}
