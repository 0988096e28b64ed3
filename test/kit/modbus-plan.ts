// Modbus plan tables (protocol/plan/format.ts) for one bus with one device and one poll group, filled field by field:
// what the host compiler (protocol/plan/compile-modbus.ts) produces for such a device, without the compiler, which
// is host code and not part of the Espruino bundles. Runs on Espruino (conformance bundle) and in Node (tests).
import { encodeRequest, readByteCount, readRequest } from '../../protocol/modbus/codec';
import type { RtuBus, RtuPlan } from '../../protocol/modbus/rtu-master';
import { pollerBytes, pollerTick } from '../../protocol/modbus/rtu-poller';
import { Acq, Bus, Dev, Group, Read, Rule } from '../../protocol/plan/format';

/** Line and timing of the bus. */
export interface KitLine {
  baud: number;
  /** Bits per character on the wire: 10 for 8N1, 11 for 8E1. */
  charBits: number;
  responseTimeoutMs: number;
  silenceTimeoutMs: number;
  interFrameMs: number;
  retries: number;
  offlineAfter: number;
}

function addRow(table: number[], fields: number): number {
  for (let i = 0; i < fields; i++) table.push(0);
  return table.length / fields - 1;
}

export class KitPlan {
  slave: number;
  line: KitLine;
  periodMs: number;
  zeroWhileNotMeasuring: boolean;
  reads: number[];
  acq: number[];
  rules: number[];
  adus: number[];
  dataBytes: number;

  constructor(slave: number, line: KitLine, periodMs: number) {
    this.slave = slave;
    this.line = line;
    this.periodMs = periodMs;
    this.zeroWhileNotMeasuring = false;
    this.reads = [];
    this.acq = [];
    this.rules = [];
    this.adus = [];
    this.dataBytes = 0;
  }

  /** Adds a read (fc 1..4) to the group; returns its index. */
  read(fc: number, address: number, quantity: number): number {
    const row = addRow(this.reads, Read.FIELDS);
    const at = row * Read.FIELDS;
    const adu = encodeRequest(readRequest(this.slave, fc, address, quantity));
    const bc = readByteCount(fc, quantity);
    this.reads[at + Read.FC] = fc;
    this.reads[at + Read.ADDRESS] = address;
    this.reads[at + Read.QUANTITY] = quantity;
    this.reads[at + Read.BYTE_COUNT] = bc;
    this.reads[at + Read.ADU_AT] = this.adus.length;
    this.reads[at + Read.ADU_LEN] = adu.length;
    this.reads[at + Read.DATA_AT] = this.dataBytes;
    for (let i = 0; i < adu.length; i++) this.adus.push(adu[i]);
    this.dataBytes += bc;
    return row;
  }

  /**
   * Adds an acquired channel: a ValueCode `type` in OrderCode `order` at byte `offset` (bit index for coils) of read
   * `read`, scaled raw * scale / divisor + add. Returns its index.
   */
  channel(read: number, offset: number, type: number, order: number, scale: number, divisor: number, add: number): number {
    const row = addRow(this.acq, Acq.FIELDS);
    const a = row * Acq.FIELDS;
    this.acq[a + Acq.CHANNEL] = -1;
    this.acq[a + Acq.READ] = read;
    this.acq[a + Acq.OFFSET] = offset;
    this.acq[a + Acq.TYPE] = type;
    this.acq[a + Acq.ORDER] = order;
    this.acq[a + Acq.SCALE] = scale;
    this.acq[a + Acq.DIVISOR] = divisor;
    this.acq[a + Acq.OFFSET_ADD] = add;
    this.acq[a + Acq.STATUS_READ] = -1;
    this.acq[a + Acq.FIRST_RULE] = this.rules.length / Rule.FIELDS;
    return row;
  }

  /**
   * Gives channel `acq` a status word: StatusWordKind `kind` at byte `at` (bit index for coils, `bits` of them) of read
   * `read`, and its rules as [bit, value, status] triples in priority order (bit -1: the word equals value).
   */
  status(acq: number, read: number, at: number, kind: number, bits: number, order: number, rules: number[]): void {
    const a = acq * Acq.FIELDS;
    this.acq[a + Acq.STATUS_READ] = read;
    this.acq[a + Acq.STATUS_AT] = at;
    this.acq[a + Acq.STATUS_KIND] = kind;
    this.acq[a + Acq.STATUS_BITS] = bits;
    this.acq[a + Acq.STATUS_ORDER] = order;
    this.acq[a + Acq.FIRST_RULE] = this.rules.length / Rule.FIELDS;
    this.acq[a + Acq.N_RULES] = rules.length / Rule.FIELDS;
    for (let i = 0; i < rules.length; i++) this.rules.push(rules[i]);
  }

  /** The tables, as views of a compiled plan would give them. */
  tables(): RtuPlan {
    const l = this.line;
    const bus: number[] = [];
    addRow(bus, Bus.FIELDS);
    bus[Bus.PORT] = 2;
    bus[Bus.RX] = -1;
    bus[Bus.TX] = -1;
    bus[Bus.BAUD] = l.baud;
    bus[Bus.DATA_BITS] = 8;
    bus[Bus.STOP_BITS] = 1;
    bus[Bus.DE_PIN] = -1;
    bus[Bus.RESPONSE_TIMEOUT_MS] = l.responseTimeoutMs;
    bus[Bus.SILENCE_TIMEOUT_MS] = l.silenceTimeoutMs;
    bus[Bus.INTER_FRAME_MS] = l.interFrameMs;
    bus[Bus.RETRIES] = l.retries;
    bus[Bus.OFFLINE_AFTER] = l.offlineAfter;
    bus[Bus.CHAR_BITS] = l.charBits;
    bus[Bus.DATA_BYTES] = this.dataBytes;
    bus[Bus.N_DEVICES] = 1;
    bus[Bus.N_GROUPS] = 1;
    const dev: number[] = [];
    addRow(dev, Dev.FIELDS);
    dev[Dev.SLAVE] = this.slave;
    dev[Dev.ZERO_WHILE_NOT_MEASURING] = this.zeroWhileNotMeasuring ? 1 : 0;
    const group: number[] = [];
    addRow(group, Group.FIELDS);
    group[Group.PERIOD_MS] = this.periodMs;
    group[Group.N_READS] = this.reads.length / Read.FIELDS;
    group[Group.N_ACQ] = this.acq.length / Acq.FIELDS;
    return {
      buses: new Float64Array(bus),
      devices: new Float64Array(dev),
      groups: new Float64Array(group),
      reads: new Float64Array(this.reads),
      adus: new Uint8Array(this.adus),
      acq: new Float64Array(this.acq),
      rules: new Float64Array(this.rules),
    };
  }
}

/**
 * One poll round of the (single) group of `r` from time `t`: read i is answered by responses[i] in one chunk 10 ms
 * after it was started, each read starting once the previous one's inter-frame gap is over. Samples go to r.emit.
 */
export function pollRound(r: RtuBus, responses: Uint8Array[], t: number): void {
  for (let i = 0; i < responses.length; i++) {
    pollerTick(r, t);
    pollerBytes(r, responses[i], t + 10);
    t += 10 + r.p.buses[Bus.INTER_FRAME_MS];
  }
}
