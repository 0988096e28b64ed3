// The device's Modbus runtime (protocol/modbus/rtu-poller.ts) in Node: a ModbusConfig compiled into a plan as
// provisioning does it (resolve, plan the reads, write the plan file, open it and take its views), and the runtime's
// samples rebuilt as Sample objects for the simulator, the interop shells, tests and benchmarks.
import { bytesToAscii } from '../../protocol/bytes';
import { ModbusConfig, ResolvedBus, resolveModbusConfig } from '../../protocol/modbus/config';
import type { RtuBus, RtuPlan } from '../../protocol/modbus/rtu-master';
import { createRtuBus } from '../../protocol/modbus/rtu-poller';
import { modbusSections } from '../../protocol/plan/compile-modbus';
import { Acq, Bus, Dev, Group, Section } from '../../protocol/plan/format';
import { openPlan, planStringBytes, type Plan } from '../../protocol/plan/reader';
import { rtuPlan } from '../../protocol/plan/views';
import { StringTable, stringsBytes, writePlan } from '../../protocol/plan/writer';
import type { UartTx } from '../../protocol/ports';
import { STATUS_LIST, type Sample } from '../../protocol/sample';
import { nodeSha256 } from '../record/node-sha256';

export interface HostRtuPlan {
  /** The opened plan file and its Modbus tables, as the device has them. */
  file: Plan;
  rtu: RtuPlan;
  /** The resolved buses the plan was compiled from (line settings, device paths), in plan bus order. */
  buses: ResolvedBus[];
  /** Per acquired channel (ACQ row): its channel id, and its device as "rtu:<bus>:<slave>:<profile>". */
  channel: string[];
  source: string[];
}

/** Compiles the Modbus part of a configuration; throws MODBUS_CONFIG when it does not validate. */
export function compileRtuPlan(config: ModbusConfig): HostRtuPlan {
  const buses = resolveModbusConfig(config);
  const str = new StringTable();
  const sections = modbusSections(buses, () => -1, str).sections;
  sections.push({ id: Section.STRINGS, bytes: stringsBytes(str) });
  const file = openPlan(writePlan(sections, nodeSha256), nodeSha256);
  const rtu = rtuPlan(file);
  const text = (i: number): string => bytesToAscii(planStringBytes(file, i));
  const channel: string[] = [];
  const source: string[] = [];
  for (let g = 0; g < rtu.groups.length / Group.FIELDS; g++) {
    const d = rtu.groups[g * Group.FIELDS + Group.DEVICE] * Dev.FIELDS;
    const bus = rtu.devices[d + Dev.BUS] * Bus.FIELDS;
    const src = 'rtu:' + text(rtu.buses[bus + Bus.ID]) + ':' + rtu.devices[d + Dev.SLAVE] + ':' + text(rtu.devices[d + Dev.PROFILE]);
    const first = rtu.groups[g * Group.FIELDS + Group.FIRST_ACQ];
    for (let a = first; a < first + rtu.groups[g * Group.FIELDS + Group.N_ACQ]; a++) {
      channel[a] = text(rtu.acq[a * Acq.FIELDS + Acq.ID]);
      source[a] = src;
    }
  }
  return { file, rtu, buses, channel, source };
}

/** The Sample of one emit(acq, tMs, value, status, native) of the runtime. */
export function sampleOf(p: HostRtuPlan, acq: number, tMs: number, value: number, status: number, native: number): Sample {
  const s = STATUS_LIST[status];
  return { channel: p.channel[acq], tMs, value, valid: s === 'VALID', status: s, native, source: p.source[acq] };
}

/** The runtime of bus `index` of the plan, handing its samples to `onSample` as Sample objects. */
export function createSampleBus(p: HostRtuPlan, index: number, tx: UartTx, onSample: (s: Sample) => void): RtuBus {
  return createRtuBus(p.rtu, index, tx, (acq, tMs, value, status, native) => onSample(sampleOf(p, acq, tMs, value, status, native)));
}
