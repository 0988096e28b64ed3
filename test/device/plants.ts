// Plants the device tests provision: the delivered one (38 record quantities an hour under EU IED LCP) and a small
// one (10 quantities: SO2, CO2, O2 and CO from dry extractive analyzers, no flow), both on the virtual analyzers of
// `npm run sim -- plant`. For runs on accelerated time the scan interval and the bus timeouts are stretched (soakPlan):
// at 100 times real time a 2 s scan leaves the interpreter 20 ms of real time per poll cycle and a 500 ms response
// timeout 5 ms, less than a pty round trip takes; the memory behaviour (the same channels, outputs, records) is not
// changed by it.
import type { ModuleConfig } from '../../protocol/module/config-types';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';

function copy(c: ModuleConfig): ModuleConfig {
  return JSON.parse(JSON.stringify(c)) as ModuleConfig;
}

/** The delivered plant (the embedded default). */
export function deliveredPlant(): ModuleConfig {
  return copy(DEFAULT_CONFIG);
}

/** SO2 (read as dry), CO2, O2 and CO: 10 quantities per hourly record. */
export function smallPlant(): ModuleConfig {
  const c = copy(DEFAULT_CONFIG);
  const keep = ['so2', 'co2', 'o2', 'co'];
  c.modbus.devices = c.modbus.devices.filter((d) => d.id !== 'stack');
  for (const d of c.modbus.devices) d.channels = d.channels.filter((ch) => keep.indexOf(ch.id) >= 0);
  c.analyzers = c.analyzers.filter((a) => a.device !== 'stack');
  const e = c.emissions;
  e.channels = e.channels.filter((ch) => keep.indexOf(ch.id) >= 0);
  e.channels[0].water = 'DRY';
  delete e.moisture;
  delete e.stack;
  delete e.flow;
  return c;
}

/** `c` with every channel scanned every `scanMs` and bus timeouts fit for accelerated time. */
export function soakPlan(c: ModuleConfig, scanMs: number): ModuleConfig {
  const s = copy(c);
  s.emissions.scanIntervalMs = scanMs;
  for (const d of s.modbus.devices) for (const ch of d.channels) ch.periodMs = scanMs;
  for (const b of s.modbus.buses) {
    b.responseTimeoutMs = 3000;
    b.silenceTimeoutMs = 1000;
  }
  return s;
}
