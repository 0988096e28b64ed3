// Poll scheduler for one RS-485 bus: several slaves, channels grouped per device and poll period, each group's
// registers coalesced into the fewest reads (planner), one transaction on the bus at a time (RtuMaster). Every due
// channel yields a Sample, also when nothing could be read: then valid=false with the reason as status and NaN as
// value, never a previous or default value. Per-device health is kept as a plain object for the console.

import type { Sample, Status } from '../sample';
import type { UartTx } from '../ports';
import { EX_ILLEGAL_DATA_ADDRESS, EX_ILLEGAL_DATA_VALUE, EX_ILLEGAL_FUNCTION, EX_SLAVE_DEVICE_FAILURE, ModbusRequest, encodeRequest, readRequest } from './codec';
import type { ResolvedBus, ResolvedChannel, ResolvedDevice, ResolvedStatus } from './config';
import { wireTimeMs } from './line';
import {
  MasterCounters,
  OUTCOME_EXCEPTION,
  OUTCOME_NAMES,
  OUTCOME_OK,
  OUTCOME_TIMEOUT,
  RtuMaster,
  newMasterCounters,
} from './master';
import { ReadNeed, planReads } from './planner';
import { decodeRegisters, getBit, scaleValue, typeWords } from './registers';
import { evaluateStatus } from './status';

/** A read skipped because the device already failed to answer in this poll. */
export const OUTCOME_SKIPPED = 7;

export type DeviceState = 'UNKNOWN' | 'OK' | 'DEGRADED' | 'OFFLINE';

export interface DeviceHealth {
  id: string;
  slave: number;
  profile: string;
  state: DeviceState;
  /** Reads finished (after retries). */
  reads: number;
  /** Reads that finally failed (timeout, CRC, invalid) or were skipped. */
  failedReads: number;
  /** Attempt-level counts (each request frame sent ends in exactly one of ok/exceptions/timeouts/crcErrors/invalid). */
  sent: number;
  ok: number;
  exceptions: number;
  timeouts: number;
  crcErrors: number;
  invalid: number;
  retries: number;
  lastException: number;
  lastOutcome: string;
  /** Time of the last successful read, -1 never. */
  lastOkMs: number;
  lastFailMs: number;
  consecutiveFailures: number;
}

export interface BusHealth {
  id: string;
  counters: MasterCounters;
  /** Poll groups that started later than one period after they were due. */
  overruns: number;
  devices: DeviceHealth[];
}

interface PlannedRead {
  req: ModbusRequest;
  adu: Uint8Array;
  data: Uint8Array | null;
  outcome: number;
  exception: number;
}

interface ChannelPlan {
  channel: ResolvedChannel;
  read: number;
  /** Byte offset (registers) or bit index (coils/discrete inputs) inside the read's data. */
  offset: number;
  statusRead: number;
  statusAt: number;
}

interface DeviceRuntime {
  dev: ResolvedDevice;
  health: DeviceHealth;
  source: string;
}

interface PollGroup {
  device: DeviceRuntime;
  periodMs: number;
  reads: PlannedRead[];
  channels: ChannelPlan[];
  nextDue: number;
  /** A read timed out in this round: the remaining reads of the device are skipped. */
  skipRest: boolean;
}

function statusNeed(s: ResolvedStatus): ReadNeed {
  return { fc: s.fc, address: s.address, count: s.count };
}

function locate(reads: PlannedRead[], fc: number, address: number): number {
  for (let i = 0; i < reads.length; i++) {
    const r = reads[i].req;
    if (r.fc === fc && address >= r.address && address < r.address + r.quantity) return i;
  }
  return -1;
}

function offsetIn(read: PlannedRead, address: number): number {
  const d = address - read.req.address;
  return read.req.fc <= 2 ? d : 2 * d;
}

function buildGroup(device: DeviceRuntime, periodMs: number, channels: ResolvedChannel[]): PollGroup {
  const needs: ReadNeed[] = [];
  for (let i = 0; i < channels.length; i++) {
    const r = channels[i].register;
    needs.push({ fc: r.fc, address: r.address, count: r.type === 'bit' ? 1 : typeWords(r.type) });
    if (r.status !== null) needs.push(statusNeed(r.status));
  }
  const blocks = planReads(needs, device.dev.limits);
  const reads: PlannedRead[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const req = readRequest(device.dev.slave, b.fc, b.address, b.quantity);
    reads.push({ req: req, adu: encodeRequest(req), data: null, outcome: 0, exception: 0 });
  }
  const plans: ChannelPlan[] = [];
  for (let i = 0; i < channels.length; i++) {
    const r = channels[i].register;
    const ri = locate(reads, r.fc, r.address);
    const plan: ChannelPlan = { channel: channels[i], read: ri, offset: offsetIn(reads[ri], r.address), statusRead: -1, statusAt: 0 };
    if (r.status !== null) {
      plan.statusRead = locate(reads, r.status.fc, r.status.address);
      plan.statusAt = offsetIn(reads[plan.statusRead], r.status.address);
    }
    plans.push(plan);
  }
  return { device: device, periodMs: periodMs, reads: reads, channels: plans, nextDue: -1, skipRest: false };
}

function newHealth(dev: ResolvedDevice): DeviceHealth {
  return {
    id: dev.id,
    slave: dev.slave,
    profile: dev.profile,
    state: 'UNKNOWN',
    reads: 0,
    failedReads: 0,
    sent: 0,
    ok: 0,
    exceptions: 0,
    timeouts: 0,
    crcErrors: 0,
    invalid: 0,
    retries: 0,
    lastException: 0,
    lastOutcome: 'none',
    lastOkMs: -1,
    lastFailMs: -1,
    consecutiveFailures: 0,
  };
}

/** Status of a value that could not be read. */
function failureStatus(read: PlannedRead): Status {
  if (read.outcome !== OUTCOME_EXCEPTION) return 'COMMS_LOSS';
  const ex = read.exception;
  if (ex === EX_ILLEGAL_FUNCTION || ex === EX_ILLEGAL_DATA_ADDRESS || ex === EX_ILLEGAL_DATA_VALUE) return 'FAULT';
  return ex === EX_SLAVE_DEVICE_FAILURE ? 'FAULT' : 'COMMS_LOSS';
}

function nativeStatus(s: ResolvedStatus, data: Uint8Array, at: number): number {
  if (s.fc <= 2) {
    let v = 0;
    for (let i = 0; i < s.count; i++) if (getBit(data, at + i)) v |= 1 << i;
    return v >>> 0;
  }
  return decodeRegisters(data, at, s.count === 2 ? 'uint32' : 'uint16', s.order);
}

export class Poller {
  bus: ResolvedBus;
  master: RtuMaster;
  groups: PollGroup[];
  devices: DeviceRuntime[];
  overruns: number;
  private onSample: (s: Sample) => void;
  private active: PollGroup | null;
  private readIndex: number;
  private busFreeAt: number;
  private before: MasterCounters;

  constructor(bus: ResolvedBus, tx: UartTx, onSample: (s: Sample) => void) {
    this.bus = bus;
    this.onSample = onSample;
    const line = bus.line;
    this.master = new RtuMaster(
      tx,
      {
        responseTimeoutMs: bus.responseTimeoutMs,
        silenceTimeoutMs: bus.silenceTimeoutMs,
        interFrameMs: bus.interFrameMs,
        broadcastDelayMs: bus.broadcastDelayMs,
        wireMs: function (n: number): number {
          return wireTimeMs(n, line);
        },
      },
      newMasterCounters(),
    );
    this.before = newMasterCounters();
    this.groups = [];
    this.devices = [];
    this.overruns = 0;
    this.active = null;
    this.readIndex = 0;
    this.busFreeAt = 0;
    for (let i = 0; i < bus.devices.length; i++) {
      const dev = bus.devices[i];
      const rt: DeviceRuntime = { dev: dev, health: newHealth(dev), source: 'rtu:' + bus.id + ':' + dev.slave + ':' + dev.profile };
      this.devices.push(rt);
      // One poll group per distinct period, in ascending period order.
      const periods: number[] = [];
      for (let k = 0; k < dev.channels.length; k++) {
        if (periods.indexOf(dev.channels[k].periodMs) < 0) periods.push(dev.channels[k].periodMs);
      }
      periods.sort(function (a, b) {
        return a - b;
      });
      for (let k = 0; k < periods.length; k++) {
        const chans: ResolvedChannel[] = [];
        for (let j = 0; j < dev.channels.length; j++) if (dev.channels[j].periodMs === periods[k]) chans.push(dev.channels[j]);
        this.groups.push(buildGroup(rt, periods[k], chans));
      }
    }
  }

  /** Advances timeouts and starts due polls. */
  tick(now: number): void {
    if (this.master.busy) {
      if (!this.master.tick(now)) return;
      this.finishRead(now);
    }
    this.advance(now);
  }

  /** Bytes received from the bus, in whatever chunks they came. */
  onBytes(chunk: Uint8Array, now: number): void {
    if (this.master.onBytes(chunk, now)) {
      this.finishRead(now);
      this.advance(now);
    }
  }

  /** The next time tick() should run (ms), for shells that sleep between events. */
  nextWakeMs(): number {
    if (this.master.busy) return this.master.nextDeadline();
    if (this.active !== null) return this.busFreeAt;
    let t = -1;
    for (let i = 0; i < this.groups.length; i++) {
      const d = this.groups[i].nextDue;
      if (t < 0 || d < t) t = d;
    }
    return Math.max(t, this.busFreeAt);
  }

  private pickDue(now: number): PollGroup | null {
    let best: PollGroup | null = null;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i];
      if (g.nextDue < 0) g.nextDue = now;
      if (g.nextDue <= now && (best === null || g.nextDue < best.nextDue)) best = g;
    }
    if (best !== null) {
      best.nextDue += best.periodMs;
      if (best.nextDue <= now) {
        this.overruns++;
        best.nextDue = now + best.periodMs;
      }
      best.skipRest = false;
    }
    return best;
  }

  private advance(now: number): void {
    for (;;) {
      if (this.master.busy) return;
      const g = this.active;
      if (g !== null && this.readIndex >= g.reads.length) {
        // Samples go out as soon as the last read is in; only the next request waits for the bus gap.
        this.emit(g, now);
        this.active = null;
        continue;
      }
      if (g !== null && g.skipRest) {
        const skipped = g.reads[this.readIndex++];
        skipped.outcome = OUTCOME_SKIPPED;
        skipped.data = null;
        g.device.health.failedReads++;
        continue;
      }
      if (now < this.busFreeAt) return;
      if (g === null) {
        this.active = this.pickDue(now);
        this.readIndex = 0;
        if (this.active === null) return;
        continue;
      }
      const read = g.reads[this.readIndex];
      const c = this.master.counters;
      const b = this.before;
      b.sent = c.sent;
      b.ok = c.ok;
      b.exceptions = c.exceptions;
      b.timeouts = c.timeouts;
      b.crcErrors = c.crcErrors;
      b.invalid = c.invalid;
      b.retries = c.retries;
      this.master.start(read.req, read.adu, g.device.health.state === 'OFFLINE' ? 0 : this.bus.retries, now);
      return;
    }
  }

  private finishRead(now: number): void {
    const g = this.active as PollGroup;
    const read = g.reads[this.readIndex];
    const m = this.master;
    const h = g.device.health;
    const c = m.counters;
    const b = this.before;
    h.sent += c.sent - b.sent;
    h.ok += c.ok - b.ok;
    h.exceptions += c.exceptions - b.exceptions;
    h.timeouts += c.timeouts - b.timeouts;
    h.crcErrors += c.crcErrors - b.crcErrors;
    h.invalid += c.invalid - b.invalid;
    h.retries += c.retries - b.retries;
    h.reads++;
    h.lastOutcome = OUTCOME_NAMES[m.outcome];
    read.outcome = m.outcome;
    read.exception = m.response !== null ? m.response.exception : 0;
    read.data = m.outcome === OUTCOME_OK && m.response !== null ? m.response.data : null;
    if (m.outcome === OUTCOME_OK || m.outcome === OUTCOME_EXCEPTION) {
      // The device answered: the link works even when it refuses a register.
      h.consecutiveFailures = 0;
      h.lastOkMs = now;
      h.state = 'OK';
      if (m.outcome === OUTCOME_EXCEPTION) h.lastException = read.exception;
    } else {
      h.failedReads++;
      h.lastFailMs = now;
      h.consecutiveFailures++;
      h.state = h.consecutiveFailures >= this.bus.offlineAfter ? 'OFFLINE' : 'DEGRADED';
      if (m.outcome === OUTCOME_TIMEOUT) g.skipRest = true;
    }
    this.readIndex++;
    this.busFreeAt = now + this.bus.interFrameMs;
  }

  private emit(g: PollGroup, now: number): void {
    for (let i = 0; i < g.channels.length; i++) this.onSample(this.sampleOf(g, g.channels[i], now));
  }

  private sampleOf(g: PollGroup, p: ChannelPlan, now: number): Sample {
    const reg = p.channel.register;
    const s: Sample = { channel: p.channel.id, tMs: Math.floor(now), value: NaN, valid: false, status: 'COMMS_LOSS', native: -1, source: g.device.source };
    const read = g.reads[p.read];
    if (read.data === null) {
      s.status = failureStatus(read);
      return s;
    }
    let status: Status = 'VALID';
    if (reg.status !== null) {
      const sr = g.reads[p.statusRead];
      if (sr.data === null) {
        s.status = failureStatus(sr);
        return s;
      }
      s.native = nativeStatus(reg.status, sr.data, p.statusAt);
      status = evaluateStatus(s.native, reg.status.rules);
    }
    const raw = reg.type === 'bit' ? getBit(read.data, p.offset) : decodeRegisters(read.data, p.offset, reg.type, reg.order);
    let value = scaleValue(raw, reg.scale, reg.divisor, reg.offset);
    if (!isFinite(value)) {
      value = NaN;
      if (status === 'VALID') status = 'FAULT';
    } else if (raw === 0 && status !== 'VALID' && g.device.dev.zeroWhileNotMeasuring) {
      // "0.0 while not measuring" (cems.md section 8): a zero outside normal operation is no reading at all.
      value = NaN;
    }
    s.value = value;
    s.status = status;
    s.valid = status === 'VALID';
    return s;
  }

  /** Plain-object health report for the technician console. */
  health(): BusHealth {
    const c = this.master.counters;
    const counters = newMasterCounters();
    for (const k in c) (counters as unknown as { [k: string]: number })[k] = (c as unknown as { [k: string]: number })[k];
    const devices: DeviceHealth[] = [];
    for (let i = 0; i < this.devices.length; i++) {
      const h = this.devices[i].health;
      const copy = newHealth(this.devices[i].dev);
      for (const k in h) (copy as unknown as { [k: string]: unknown })[k] = (h as unknown as { [k: string]: unknown })[k];
      devices.push(copy);
    }
    return { id: this.bus.id, counters: counters, overruns: this.overruns, devices: devices };
  }
}
