// Modbus acquisition figures: decode throughput of the protocol hot path in Node, and the bus efficiency of a SICK
// GM32 poll cycle at 9600 8N1 in the virtual bus model (useful wire time / cycle time), coalesced by the planner
// versus one read per component.

import type { ModbusConfig } from '../protocol/modbus/config';
import type { ProfileDef } from '../protocol/modbus/profile';
import { BUILTIN_PROFILES } from '../protocol/modbus/profiles/index';
import { simulate } from '../host-sim/modbus/sim';
import { modelFor } from '../host-sim/modbus/analyzer';
import { decodeLoop } from '../test/kit/modbus-bench';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function decodeRate(): BenchResult {
  decodeLoop(2000); // warm-up
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 500) {
    if (decodeLoop(5000) < 0) throw new Error('decodeLoop failed');
    n += 5000;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return {
    name: 'modbus.decode.node',
    value: Math.round((n * 1000) / elapsed),
    unit: 'frames/s',
    note: 'runtime poll of a 19-byte GM32 response: framing (length + CRC), float32 value + status word decode (decodeLoop)',
  };
}

interface CycleFigures {
  efficiency: number;
  cycleMs: number;
  reads: number;
  wireMs: number;
}

/**
 * Polls 4 GM32 components (value + status word) once per second for a minute on the virtual bus (5-15 ms analyzer
 * turnaround, up to 5 ms UART delivery delay, 4 ms inter-frame gap); per round: wire time / (first request start to
 * last response end). maxGap 0 forces one read per component, for comparison with the planner's coalesced read.
 */
function gm32Cycle(maxGap: number | undefined): CycleFigures {
  const profile: ProfileDef = { ...BUILTIN_PROFILES.SICK_GM32, id: 'GM32_BENCH', maxGap };
  const config: ModbusConfig = {
    profiles: [profile],
    buses: [{ id: 'bus', baud: 9600, parity: 'none', stopBits: 1 }],
    devices: [
      {
        id: 'gm32',
        bus: 'bus',
        address: 1,
        profile: 'GM32_BENCH',
        channels: ['c1', 'c2', 'c3', 'c4'].map((c) => ({ id: c, register: c, periodMs: 1000 })),
      },
    ],
  };
  const t0 = Date.UTC(2026, 0, 15, 12);
  const [sim] = simulate(config, { seed: 99, startMs: t0, models: { gm32: modelFor('SICK_GM32') } });
  sim.runUntil(t0 + 60000);
  if (sim.samples.some((s) => !s.valid)) throw new Error('bench poll produced invalid samples');
  const rounds: { start: number; end: number; wire: number; reads: number }[] = [];
  for (const f of sim.bus.frames) {
    const k = Math.floor((f.startMs - t0) / 1000);
    const r = rounds[k] ?? (rounds[k] = { start: f.startMs, end: f.endMs, wire: 0, reads: 0 });
    r.end = Math.max(r.end, f.endMs);
    r.wire += f.endMs - f.startMs;
    if (f.from === 'master') r.reads++;
  }
  const full = rounds.filter((r) => r !== undefined);
  const wire = full.reduce((a, r) => a + r.wire, 0);
  const span = full.reduce((a, r) => a + (r.end - r.start), 0);
  return { efficiency: wire / span, cycleMs: span / full.length, reads: full[0].reads, wireMs: wire / full.length };
}

export function runBench(): BenchResult[] {
  const out: BenchResult[] = [decodeRate()];
  const note = (c: CycleFigures): string =>
    'GM32, 4 components (value+status), 9600 8N1, ' + c.reads + ' read(s)/cycle: wire ' + c.wireMs.toFixed(1) + ' ms of a ' +
    c.cycleMs.toFixed(1) + ' ms cycle';
  const c = gm32Cycle(undefined);
  out.push({ name: 'modbus.gm32.busEfficiency', value: Math.round(c.efficiency * 1000) / 10, unit: '%', note: note(c) });
  out.push({ name: 'modbus.gm32.cycle', value: Math.round(c.cycleMs * 10) / 10, unit: 'ms', note: 'planner: one coalesced read' });
  const s = gm32Cycle(0);
  out.push({ name: 'modbus.gm32.busEfficiency.perComponent', value: Math.round(s.efficiency * 1000) / 10, unit: '%', note: note(s) });
  out.push({ name: 'modbus.gm32.cycle.perComponent', value: Math.round(s.cycleMs * 10) / 10, unit: 'ms' });
  return out;
}
