// Host: the Modbus sections of a plan (BUSES, DEVICES, GROUPS, READS, ADUS, ACQ, RULES) from resolved buses
// (protocol/modbus/config.ts). Poll groups, coalesced reads and their request frames (with CRC) are computed here, so
// the device only writes precomputed frames and decodes answers at known offsets.
import { codedError } from '../errors';
import { encodeRequest, readByteCount, readRequest } from '../modbus/codec';
import type { ResolvedBus, ResolvedChannel, ResolvedStatus } from '../modbus/config';
import { charBits } from '../modbus/line';
import { planReads, type ReadNeed } from '../modbus/planner';
import { typeWords, VALUE_TYPES, WORD_ORDERS } from '../modbus/registers';
import { STATUS_LIST } from '../sample';
import { Acq, Bus, Dev, Group, Parity, Read, Rule, Section, StatusWordKind } from './format';
import { F64Table, StringTable, f64Bytes } from './writer';

export interface ModbusSections {
  sections: { id: number; bytes: Uint8Array }[];
  buses: number;
  devices: number;
  groups: number;
  reads: number;
  acq: number;
  /** Modbus device id of every acquired channel (ACQ row order), for the record tables. */
  acqDevice: string[];
}

interface PlannedRead {
  fc: number;
  address: number;
  quantity: number;
  row: number;
}

function locate(reads: PlannedRead[], fc: number, address: number): PlannedRead {
  for (const r of reads) if (r.fc === fc && address >= r.address && address < r.address + r.quantity) return r;
  throw codedError('PLAN_COMPILE', 'no read covers fc ' + fc + ' address ' + address);
}

function offsetIn(read: PlannedRead, address: number): number {
  const d = address - read.address;
  return read.fc <= 2 ? d : 2 * d;
}

function statusKind(s: ResolvedStatus): number {
  if (s.fc <= 2) return StatusWordKind.BITS;
  return s.count === 2 ? StatusWordKind.UINT32 : StatusWordKind.UINT16;
}

function parityCode(p: string): number {
  return p === 'even' ? Parity.EVEN : p === 'odd' ? Parity.ODD : Parity.NONE;
}

function pin(v: number | string | null): number {
  if (v === null) return -1;
  if (typeof v === 'number') return v;
  // ESP32 pins are GPIO numbers; Espruino also accepts "D17"
  const m = /^D?(\d+)$/.exec(v);
  if (!m) throw codedError('PLAN_COMPILE', 'pin ' + v + ' is not a GPIO number');
  return parseInt(m[1], 10);
}

/**
 * `channelIndex` maps a channel id to its engine channel (-1 when the engine does not use it). Strings go to `str`.
 */
export function modbusSections(buses: ResolvedBus[], channelIndex: (id: string) => number, str: StringTable): ModbusSections {
  const busT = new F64Table(Bus.FIELDS);
  const devT = new F64Table(Dev.FIELDS);
  const groupT = new F64Table(Group.FIELDS);
  const readT = new F64Table(Read.FIELDS);
  const acqT = new F64Table(Acq.FIELDS);
  const ruleT = new F64Table(Rule.FIELDS);
  const acqDevice: string[] = [];
  const adus: number[] = [];
  for (const bus of buses) {
    const b = busT.addRow();
    busT.set(b, Bus.ID, str.id(bus.id));
    busT.set(b, Bus.PORT, bus.port === 'Serial3' ? 3 : 2);
    busT.set(b, Bus.RX, pin(bus.rx));
    busT.set(b, Bus.TX, pin(bus.tx));
    busT.set(b, Bus.PATH, str.id(bus.path));
    busT.set(b, Bus.BAUD, bus.line.baud);
    busT.set(b, Bus.DATA_BITS, bus.line.dataBits);
    busT.set(b, Bus.PARITY, parityCode(bus.line.parity));
    busT.set(b, Bus.STOP_BITS, bus.line.stopBits);
    busT.set(b, Bus.DE_FROM_PIN, bus.direction === 'pin' && bus.dePin !== null ? 1 : 0);
    busT.set(b, Bus.DE_PIN, pin(bus.dePin));
    busT.set(b, Bus.DE_MARGIN_US, bus.deMarginUs);
    busT.set(b, Bus.RESPONSE_TIMEOUT_MS, bus.responseTimeoutMs);
    busT.set(b, Bus.SILENCE_TIMEOUT_MS, bus.silenceTimeoutMs);
    busT.set(b, Bus.INTER_FRAME_MS, bus.interFrameMs);
    busT.set(b, Bus.RETRIES, bus.retries);
    busT.set(b, Bus.OFFLINE_AFTER, bus.offlineAfter);
    busT.set(b, Bus.CHAR_BITS, charBits(bus.line));
    busT.set(b, Bus.FIRST_DEVICE, devT.rows);
    busT.set(b, Bus.N_DEVICES, bus.devices.length);
    busT.set(b, Bus.FIRST_GROUP, groupT.rows);
    let dataAt = 0;
    for (const dev of bus.devices) {
      const d = devT.addRow();
      devT.set(d, Dev.ID, str.id(dev.id));
      devT.set(d, Dev.BUS, b);
      devT.set(d, Dev.SLAVE, dev.slave);
      devT.set(d, Dev.PROFILE, str.id(dev.profile));
      devT.set(d, Dev.ZERO_WHILE_NOT_MEASURING, dev.zeroWhileNotMeasuring ? 1 : 0);
      // One poll group per distinct period, in ascending period order.
      const periods = dev.channels.map((c) => c.periodMs).filter((p, i, all) => all.indexOf(p) === i).sort((x, y) => x - y);
      for (const period of periods) {
        const chans: ResolvedChannel[] = dev.channels.filter((c) => c.periodMs === period);
        const needs: ReadNeed[] = [];
        for (const c of chans) {
          const r = c.register;
          needs.push({ fc: r.fc, address: r.address, count: r.type === 'bit' ? 1 : typeWords(r.type) });
          if (r.status !== null) needs.push({ fc: r.status.fc, address: r.status.address, count: r.status.count });
        }
        const g = groupT.addRow();
        groupT.set(g, Group.DEVICE, d);
        groupT.set(g, Group.PERIOD_MS, period);
        groupT.set(g, Group.FIRST_READ, readT.rows);
        const reads: PlannedRead[] = [];
        for (const block of planReads(needs, dev.limits)) {
          const row = readT.addRow();
          const adu = encodeRequest(readRequest(dev.slave, block.fc, block.address, block.quantity));
          const bc = readByteCount(block.fc, block.quantity);
          readT.set(row, Read.FC, block.fc);
          readT.set(row, Read.ADDRESS, block.address);
          readT.set(row, Read.QUANTITY, block.quantity);
          readT.set(row, Read.BYTE_COUNT, bc);
          readT.set(row, Read.ADU_AT, adus.length);
          readT.set(row, Read.ADU_LEN, adu.length);
          readT.set(row, Read.DATA_AT, dataAt);
          for (let i = 0; i < adu.length; i++) adus.push(adu[i]);
          dataAt += bc;
          reads.push({ fc: block.fc, address: block.address, quantity: block.quantity, row: row });
        }
        groupT.set(g, Group.N_READS, reads.length);
        groupT.set(g, Group.FIRST_ACQ, acqT.rows);
        groupT.set(g, Group.N_ACQ, chans.length);
        for (const c of chans) {
          const r = c.register;
          const read = locate(reads, r.fc, r.address);
          const a = acqT.addRow();
          acqDevice.push(dev.id);
          acqT.set(a, Acq.CHANNEL, channelIndex(c.id));
          acqT.set(a, Acq.ID, str.id(c.id));
          acqT.set(a, Acq.READ, read.row);
          acqT.set(a, Acq.OFFSET, offsetIn(read, r.address));
          acqT.set(a, Acq.TYPE, VALUE_TYPES.indexOf(r.type));
          acqT.set(a, Acq.ORDER, WORD_ORDERS.indexOf(r.order));
          acqT.set(a, Acq.SCALE, r.scale);
          acqT.set(a, Acq.DIVISOR, r.divisor);
          acqT.set(a, Acq.OFFSET_ADD, r.offset);
          acqT.set(a, Acq.FIRST_RULE, ruleT.rows);
          acqT.set(a, Acq.N_RULES, 0);
          acqT.set(a, Acq.STATUS_READ, -1);
          const st = r.status;
          if (st === null) continue;
          const sr = locate(reads, st.fc, st.address);
          acqT.set(a, Acq.STATUS_READ, sr.row);
          acqT.set(a, Acq.STATUS_AT, offsetIn(sr, st.address));
          acqT.set(a, Acq.STATUS_KIND, statusKind(st));
          acqT.set(a, Acq.STATUS_BITS, st.count);
          acqT.set(a, Acq.STATUS_ORDER, WORD_ORDERS.indexOf(st.order));
          acqT.set(a, Acq.N_RULES, st.rules.length);
          for (const rule of st.rules) {
            const k = ruleT.addRow();
            const equals = typeof rule.equals === 'number';
            ruleT.set(k, Rule.BIT, equals ? -1 : (rule.bit as number));
            ruleT.set(k, Rule.VALUE, equals ? (rule.equals as number) : rule.when === 0 ? 0 : 1);
            ruleT.set(k, Rule.STATUS, STATUS_LIST.indexOf(rule.status));
          }
        }
      }
    }
    busT.set(b, Bus.N_GROUPS, groupT.rows - busT.values[b * Bus.FIELDS + Bus.FIRST_GROUP]);
    busT.set(b, Bus.DATA_BYTES, dataAt);
  }
  return {
    sections: [
      { id: Section.BUSES, bytes: f64Bytes(busT.values) },
      { id: Section.DEVICES, bytes: f64Bytes(devT.values) },
      { id: Section.GROUPS, bytes: f64Bytes(groupT.values) },
      { id: Section.READS, bytes: f64Bytes(readT.values) },
      { id: Section.ADUS, bytes: new Uint8Array(adus) },
      { id: Section.ACQ, bytes: f64Bytes(acqT.values) },
      { id: Section.RULES, bytes: f64Bytes(ruleT.values.length ? ruleT.values : [0, 0, 0]) },
    ],
    buses: busT.rows,
    devices: devT.rows,
    groups: groupT.rows,
    reads: readT.rows,
    acq: acqT.rows,
    acqDevice: acqDevice,
  };
}
