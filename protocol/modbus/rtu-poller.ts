// Poll scheduler for one RS-485 bus over the plan's poll groups: several slaves, channels grouped per device and
// poll period, each group's registers already coalesced into reads by the host (planner.ts), one transaction on the
// bus at a time (rtu-master.ts). Every due channel yields a sample, also when nothing could be read: then the value is
// NaN and the status says why, never a previous or default value. Per-device health is kept for the console.
import { Acq, Bus, Dev, Group, OrderCode, Read, Rule, StatusWordKind, ValueCode } from '../plan/format';
import type { UartTx } from '../ports';
import { S } from '../cems/codes';
import { C, DeviceState, H, M, Outcome, masterBytes, masterDeadline, masterTick, startRead, type RtuBus, type RtuPlan } from './rtu-master';

/** Exception codes that mean the slave refuses the register (a configuration fault, not a link problem). */
const EX_SLAVE_DEVICE_FAILURE = 4;

const SCRATCH = new Uint8Array(8);
const VIEW = new DataView(SCRATCH.buffer);

/** A bus at run time, ready to start(); `emit` receives every sample. */
export function createRtuBus(p: RtuPlan, bus: number, tx: UartTx, emit: RtuBus['emit']): RtuBus {
  const row = bus * Bus.FIELDS;
  const b = p.buses;
  const nDev = b[row + Bus.N_DEVICES];
  const r: RtuBus = {
    p: p,
    bus: bus,
    row: row,
    tx: tx,
    s: new Float64Array(M.FIELDS),
    c: new Float64Array(C.FIELDS),
    h: new Float64Array(nDev * H.FIELDS),
    firstDevice: b[row + Bus.FIRST_DEVICE],
    due: new Float64Array(b[row + Bus.N_GROUPS]),
    buf: new Uint8Array(512),
    data: new Uint8Array(b[row + Bus.DATA_BYTES]),
    outcome: new Uint8Array(p.reads.length / Read.FIELDS),
    exception: new Uint8Array(p.reads.length / Read.FIELDS),
    emit: emit,
  };
  r.s[M.READ] = -1;
  r.s[M.ACTIVE] = -1;
  r.due.fill(-1);
  for (let d = 0; d < nDev; d++) {
    r.h[d * H.FIELDS + H.LAST_OK_MS] = -1;
    r.h[d * H.FIELDS + H.LAST_FAIL_MS] = -1;
  }
  return r;
}

/** The group due first at `now` (absolute index), -1 when none; schedules its next round. */
function pickDue(r: RtuBus, now: number): number {
  const first = r.p.buses[r.row + Bus.FIRST_GROUP];
  let best = -1;
  for (let i = 0; i < r.due.length; i++) {
    if (r.due[i] < 0) r.due[i] = now;
    if (r.due[i] <= now && (best < 0 || r.due[i] < r.due[best])) best = i;
  }
  if (best < 0) return -1;
  const period = r.p.groups[(first + best) * Group.FIELDS + Group.PERIOD_MS];
  r.due[best] += period;
  if (r.due[best] <= now) {
    r.s[M.OVERRUNS]++;
    r.due[best] = now + period;
  }
  r.s[M.SKIP_REST] = 0;
  return first + best;
}

/** Status of a value whose read failed: a slave refusing the register is a FAULT, anything else lost communication. */
function failureStatus(r: RtuBus, read: number): number {
  if (r.outcome[read] !== Outcome.EXCEPTION) return S.COMMS_LOSS;
  const ex = r.exception[read];
  return ex >= 1 && ex <= EX_SLAVE_DEVICE_FAILURE ? S.FAULT : S.COMMS_LOSS;
}

/** Copies `words` registers from data[at..] into SCRATCH in big-endian value order (word order `order`). */
function gather(data: Uint8Array, at: number, words: number, order: number): void {
  const ws = order === OrderCode.CDAB || order === OrderCode.DCBA;
  const bs = order === OrderCode.BADC || order === OrderCode.DCBA;
  for (let w = 0; w < words; w++) {
    const src = at + 2 * (ws ? words - 1 - w : w);
    SCRATCH[2 * w] = bs ? data[src + 1] : data[src];
    SCRATCH[2 * w + 1] = bs ? data[src] : data[src + 1];
  }
}

/** A register-typed value at data[at] (big-endian register bytes as received). */
export function decodeValue(data: Uint8Array, at: number, type: number, order: number): number {
  if (type === ValueCode.FLOAT64) {
    gather(data, at, 4, order);
    return VIEW.getFloat64(0, false);
  }
  if (type === ValueCode.FLOAT32 || type === ValueCode.INT32 || type === ValueCode.UINT32) {
    gather(data, at, 2, order);
    if (type === ValueCode.FLOAT32) return VIEW.getFloat32(0, false);
    return type === ValueCode.INT32 ? VIEW.getInt32(0, false) : VIEW.getUint32(0, false);
  }
  gather(data, at, 1, order);
  return type === ValueCode.INT16 ? VIEW.getInt16(0, false) : VIEW.getUint16(0, false);
}

function bit(data: Uint8Array, index: number): number {
  return (data[index >> 3] >> (index & 7)) & 1;
}

/** The native status word of acquired channel row `a` (its status read succeeded). */
function nativeStatus(r: RtuBus, a: number): number {
  const acq = r.p.acq;
  const read = acq[a + Acq.STATUS_READ];
  const at = r.p.reads[read * Read.FIELDS + Read.DATA_AT] + acq[a + Acq.STATUS_AT];
  const kind = acq[a + Acq.STATUS_KIND];
  if (kind === StatusWordKind.BITS) {
    const bitsAt = r.p.reads[read * Read.FIELDS + Read.DATA_AT] * 8 + acq[a + Acq.STATUS_AT];
    let v = 0;
    for (let i = 0; i < acq[a + Acq.STATUS_BITS]; i++) if (bit(r.data, bitsAt + i)) v |= 1 << i;
    return v >>> 0;
  }
  return decodeValue(r.data, at, kind === StatusWordKind.UINT32 ? ValueCode.UINT32 : ValueCode.UINT16, acq[a + Acq.STATUS_ORDER]);
}

/** The first status rule of row `a` that matches `native` gives the status; none: the analyzer reports normal operation. */
function ruleStatus(r: RtuBus, a: number, native: number): number {
  const rules = r.p.rules;
  const first = r.p.acq[a + Acq.FIRST_RULE];
  const n = r.p.acq[a + Acq.N_RULES];
  for (let i = first; i < first + n; i++) {
    const k = i * Rule.FIELDS;
    const b = rules[k + Rule.BIT];
    const hit = b < 0 ? native === rules[k + Rule.VALUE] : ((native >>> b) & 1) === rules[k + Rule.VALUE];
    if (hit) return rules[k + Rule.STATUS];
  }
  return S.VALID;
}

/** Decodes and hands over one acquired channel of a finished group. */
function sample(r: RtuBus, acqIndex: number, device: number, now: number): void {
  const acq = r.p.acq;
  const a = acqIndex * Acq.FIELDS;
  const t = Math.floor(now);
  const read = acq[a + Acq.READ];
  if (r.outcome[read] !== Outcome.OK) {
    r.emit(acqIndex, t, NaN, failureStatus(r, read), -1);
    return;
  }
  let status: number = S.VALID;
  let native = -1;
  const sr = acq[a + Acq.STATUS_READ];
  if (sr >= 0) {
    if (r.outcome[sr] !== Outcome.OK) {
      r.emit(acqIndex, t, NaN, failureStatus(r, sr), -1);
      return;
    }
    native = nativeStatus(r, a);
    status = ruleStatus(r, a, native);
  }
  const type = acq[a + Acq.TYPE];
  const base = r.p.reads[read * Read.FIELDS + Read.DATA_AT];
  const raw = type === ValueCode.BIT ? bit(r.data, base * 8 + acq[a + Acq.OFFSET]) : decodeValue(r.data, base + acq[a + Acq.OFFSET], type, acq[a + Acq.ORDER]);
  // Engineering value = raw * scale / divisor + offset; identity parameters leave raw untouched.
  let value = raw;
  const scale = acq[a + Acq.SCALE];
  const divisor = acq[a + Acq.DIVISOR];
  const offset = acq[a + Acq.OFFSET_ADD];
  if (scale !== 1) value = value * scale;
  if (divisor !== 1) value = value / divisor;
  if (offset !== 0) value = value + offset;
  if (!isFinite(value)) {
    value = NaN;
    if (status === S.VALID) status = S.FAULT;
  } else if (raw === 0 && status !== S.VALID && r.p.devices[device * Dev.FIELDS + Dev.ZERO_WHILE_NOT_MEASURING]) {
    // "0.0 while not measuring": a zero outside normal operation is no reading at all.
    value = NaN;
  }
  r.emit(acqIndex, t, value, status, native);
}

function emitGroup(r: RtuBus, group: number, now: number): void {
  const g = group * Group.FIELDS;
  const first = r.p.groups[g + Group.FIRST_ACQ];
  const device = r.p.groups[g + Group.DEVICE];
  for (let i = 0; i < r.p.groups[g + Group.N_ACQ]; i++) sample(r, first + i, device, now);
}

/** Books the finished read into the device's health. */
function finishRead(r: RtuBus, now: number): void {
  const s = r.s;
  const g = s[M.ACTIVE] * Group.FIELDS;
  const read = r.p.groups[g + Group.FIRST_READ] + s[M.READ_POS];
  const h = (r.p.groups[g + Group.DEVICE] - r.firstDevice) * H.FIELDS;
  const dh = r.h;
  const outcome = s[M.OUTCOME];
  dh[h + H.READS]++;
  dh[h + H.LAST_OUTCOME] = outcome;
  r.outcome[read] = outcome;
  r.exception[read] = outcome === Outcome.EXCEPTION ? s[M.EXCEPTION] : 0;
  if (outcome === Outcome.OK || outcome === Outcome.EXCEPTION) {
    // The device answered: the link works even when it refuses a register.
    dh[h + H.CONSECUTIVE_FAILURES] = 0;
    dh[h + H.LAST_OK_MS] = now;
    dh[h + H.STATE] = DeviceState.OK;
    if (outcome === Outcome.EXCEPTION) dh[h + H.LAST_EXCEPTION] = s[M.EXCEPTION];
  } else {
    dh[h + H.FAILED_READS]++;
    dh[h + H.LAST_FAIL_MS] = now;
    dh[h + H.CONSECUTIVE_FAILURES]++;
    dh[h + H.STATE] = dh[h + H.CONSECUTIVE_FAILURES] >= r.p.buses[r.row + Bus.OFFLINE_AFTER] ? DeviceState.OFFLINE : DeviceState.DEGRADED;
    if (outcome === Outcome.TIMEOUT) s[M.SKIP_REST] = 1;
  }
  s[M.READ_POS]++;
  s[M.BUS_FREE_AT] = now + r.p.buses[r.row + Bus.INTER_FRAME_MS];
}

/** Starts due reads until the bus is busy or nothing is due. */
function advance(r: RtuBus, now: number): void {
  const s = r.s;
  const groups = r.p.groups;
  for (;;) {
    if (s[M.BUSY]) return;
    const active = s[M.ACTIVE];
    const g = active * Group.FIELDS;
    if (active >= 0 && s[M.READ_POS] >= groups[g + Group.N_READS]) {
      // Samples go out as soon as the last read is in; only the next request waits for the bus gap.
      emitGroup(r, active, now);
      s[M.ACTIVE] = -1;
      continue;
    }
    if (active >= 0 && s[M.SKIP_REST]) {
      const skipped = groups[g + Group.FIRST_READ] + s[M.READ_POS];
      s[M.READ_POS]++;
      r.outcome[skipped] = Outcome.SKIPPED;
      r.h[(groups[g + Group.DEVICE] - r.firstDevice) * H.FIELDS + H.FAILED_READS]++;
      continue;
    }
    if (now < s[M.BUS_FREE_AT]) return;
    if (active < 0) {
      s[M.ACTIVE] = pickDue(r, now);
      s[M.READ_POS] = 0;
      if (s[M.ACTIVE] < 0) return;
      continue;
    }
    const offline = r.h[(groups[g + Group.DEVICE] - r.firstDevice) * H.FIELDS + H.STATE] === DeviceState.OFFLINE;
    startRead(r, groups[g + Group.FIRST_READ] + s[M.READ_POS], offline ? 0 : r.p.buses[r.row + Bus.RETRIES], now);
    return;
  }
}

/** Advances timeouts and starts due polls. */
export function pollerTick(r: RtuBus, now: number): void {
  if (r.s[M.BUSY]) {
    if (!masterTick(r, now)) return;
    finishRead(r, now);
  }
  advance(r, now);
}

/** Bytes received from the bus, in whatever chunks they came. */
export function pollerBytes(r: RtuBus, chunk: Uint8Array, now: number): void {
  if (masterBytes(r, chunk, now)) {
    finishRead(r, now);
    advance(r, now);
  }
}

/** The next time pollerTick() should run (ms), for shells that sleep between events. */
export function pollerWake(r: RtuBus): number {
  const s = r.s;
  if (s[M.BUSY]) return masterDeadline(r);
  if (s[M.ACTIVE] >= 0) return s[M.BUS_FREE_AT];
  let t = -1;
  for (let i = 0; i < r.due.length; i++) if (t < 0 || r.due[i] < t) t = r.due[i];
  return t > s[M.BUS_FREE_AT] ? t : s[M.BUS_FREE_AT];
}
