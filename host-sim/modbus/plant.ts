// The virtual plant behind the module's default configuration (protocol/module/default-modbus.ts): the same buses,
// slave addresses and register maps, with time series typical of a coal-fired boiler stack at ~2/3 load: SO2 ~100
// ppm, NO ~150 ppm, NO2 ~10 ppm (GM32, with its check cycle every 4 h), CO2 ~10 %, O2 ~8 %, CO ~20 ppm (X-STREAM),
// velocity ~15 m/s, 140 degC, -500 Pa, 12 % H2O, dust ~8 mg/m3 (stack gateway), all following the daily load.
// The X-STREAM and the gateway run no calibration cycle here: the default configuration cannot see an X-STREAM
// calibration (its profile has no status register), and the gateway's check cycle would hold all five values.
// Faults are injected per test or session through the returned buses and analyzers.

import { codedError } from '../../protocol/errors';
import { DEFAULT_MODBUS } from '../../protocol/module/default-modbus';
import { DeviceConfig, ModbusConfig, resolveModbusConfig } from '../../protocol/modbus/config';
import type { LineSettings } from '../../protocol/modbus/line';
import type { ProfileDef } from '../../protocol/modbus/profile';
import { BUILTIN_PROFILES } from '../../protocol/modbus/profiles/index';
import { AnalyzerModel, AnalyzerSchedule, SignalSpec, VirtualAnalyzer, defaultSchedule, modelFor } from './analyzer';
import { BusPlant, PlantOptions, buildBusPlant, busSeed } from './sim';

/** The default configuration as a fresh object (callers may modify it). */
export function demoConfig(): ModbusConfig {
  return JSON.parse(JSON.stringify(DEFAULT_MODBUS)) as ModbusConfig;
}

function device(config: ModbusConfig, id: string): DeviceConfig {
  const d = config.devices.find((x) => x.id === id);
  if (!d) throw codedError('SIM_PLANT', 'the default configuration has no device ' + id);
  return d;
}

function gm32(): AnalyzerModel {
  const signals: SignalSpec[] = [
    { register: 'c1', base: 100, diurnal: 0.3, noise: 1.5, zero: 0.2, span: 400 },
    { register: 'c2', base: 150, diurnal: 0.25, noise: 2, zero: 0.1, span: 450 },
    { register: 'c3', base: 10, diurnal: 0.2, noise: 0.3, zero: 0.05, span: 50 },
  ];
  return { ...modelFor('SICK_GM32'), signals };
}

function xstream(): AnalyzerModel {
  const signals: SignalSpec[] = [
    { register: 'conc1', base: 10, diurnal: 0.12, noise: 0.04, zero: 0, span: 16 },
    // Excess air falls as the load rises.
    { register: 'conc2', base: 8, diurnal: -0.12, noise: 0.04, zero: 0, span: 20.9 },
    { register: 'conc3', base: 20, diurnal: 0.3, noise: 1, zero: 0, span: 200 },
  ];
  return { ...modelFor('EMERSON_XSTREAM'), signals };
}

/** The gateway's map is the device's own registers and status word over the generic float32 block. */
function stackGateway(d: DeviceConfig): AnalyzerModel {
  const block = BUILTIN_PROFILES.FLOAT32_BLOCK;
  const profile: ProfileDef = { ...block, registers: [...block.registers, ...(d.registers ?? [])], statuses: d.statuses ?? [] };
  const signals: SignalSpec[] = [
    { register: 'velocity', base: 15, diurnal: 0.2, noise: 0.2, zero: 0, span: 20 },
    { register: 'temperature', base: 140, diurnal: 0.05, noise: 0.3, zero: 140, span: 140 },
    // Suction behind the induced-draught fan deepens with the load.
    { register: 'static_pressure', base: -500, diurnal: 0.2, noise: 5, zero: 0, span: 0, min: -5000 },
    { register: 'moisture', base: 12, diurnal: 0.05, noise: 0.1, zero: 12, span: 12 },
    { register: 'dust', base: 8, diurnal: 0.3, noise: 0.4, zero: 0, span: 40 },
  ];
  return {
    profile,
    mapped: [{ table: 'input', start: 0, end: 32 }],
    signals,
    constants: [],
    // bit 0 fault, 1 maintenance, 2 check cycle (the gateway's status word in the default configuration)
    statusNative: { normal: 0, warmup: 1 << 1, zero: 1 << 2, span: 1 << 2, fault: 1, maintenance: 1 << 1 },
  };
}

export function plantModels(config: ModbusConfig = DEFAULT_MODBUS): { [deviceId: string]: AnalyzerModel } {
  return { gm32: gm32(), xstream: xstream(), stack: stackGateway(device(config, 'stack')) };
}

export function plantSchedules(): { [deviceId: string]: AnalyzerSchedule } {
  const noCalibration = { ...defaultSchedule(), calPeriodMs: 0 };
  return { gm32: defaultSchedule(), xstream: { ...noCalibration }, stack: { ...noCalibration } };
}

export interface VirtualPlant {
  config: ModbusConfig;
  /** Per configured bus id: the virtual line and its analyzers. */
  buses: { [busId: string]: BusPlant & { port: string } };
  /** Every analyzer by device id, for fault injection (schedule, faults by slave address). */
  analyzers: { [deviceId: string]: VirtualAnalyzer };
}

export interface DefaultPlantOptions extends PlantOptions {
  /** Line settings of the buses instead of the configuration's (a plant served on a port set up otherwise). */
  line?: LineSettings;
}

/** The default plant on its buses; `opts.models`/`schedules` override the plant's own per device. */
export function buildDefaultPlant(opts: DefaultPlantOptions): VirtualPlant {
  const config = demoConfig();
  const resolved = resolveModbusConfig(config);
  const plant: VirtualPlant = { config, buses: {}, analyzers: {} };
  resolved.forEach((b, i) => {
    const bp = buildBusPlant(config, opts.line ? { ...b, line: opts.line } : b, {
      ...opts,
      seed: busSeed(opts.seed, i),
      models: { ...plantModels(config), ...opts.models },
      schedules: { ...plantSchedules(), ...opts.schedules },
    });
    plant.buses[b.id] = { ...bp, port: b.port };
    Object.assign(plant.analyzers, bp.analyzers);
  });
  return plant;
}
