// Virtual stack analyzers: a register store shaped by an analyzer profile, filled with a realistic emission time
// series (diurnal load, slow drift, noise), periodic zero/span calibration cycles that set the profile's status
// bits, warm-up after power-on, and fault/maintenance episodes during which the analyzer writes 0.0 ("If not
// measuring: register = 0", SICK MARSIC300 Technical Information 8017585 §11.2). Deterministic for a given seed and
// request timeline.

import { codedError } from '../../protocol/errors';
import { Table, tableFc, toPduAddress } from '../../protocol/modbus/addressing';
import { EX_ILLEGAL_DATA_ADDRESS } from '../../protocol/modbus/codec';
import type { ProfileDef, RegisterDef, StatusDef } from '../../protocol/modbus/profile';
import { BUILTIN_PROFILES } from '../../protocol/modbus/profiles/index';
import { WordOrder, encodeRegisters, getBit, setBit, typeWords } from '../../protocol/modbus/registers';
import { RegisterStore, RtuSlave } from './slave';
import { Prng } from '../prng';

export type AnalyzerState = 'warmup' | 'normal' | 'zero' | 'span' | 'fault' | 'maintenance';

export interface SignalSpec {
  register: string;
  /** Mean value at average load. */
  base: number;
  /** Relative amplitude of the daily load swing (0.3 = ±30 %). */
  diurnal: number;
  /** Standard deviation of the measurement noise (absolute). */
  noise: number;
  /** Reading on zero gas and on span gas during a calibration cycle. */
  zero: number;
  span: number;
  /** Lowest value the quantity takes in operation; default 0 (concentrations). A suction pressure is negative. */
  min?: number;
}

export interface AnalyzerModel {
  profile: ProfileDef;
  /** PDU ranges (inclusive) the instrument answers; anything else gets exception 02. */
  mapped: { table: Table; start: number; end: number }[];
  signals: SignalSpec[];
  /** Registers with fixed values (ranges, coefficients, temperatures). */
  constants: { register: string; value: number }[];
  /** Native status value written to every status definition of the profile, per state. */
  statusNative: { [state: string]: number };
}

export interface AnalyzerSchedule {
  warmupMs: number;
  /** A zero phase then a span phase of calPhaseMs each, every calPeriodMs, first at calOffsetMs after power-on. */
  calPeriodMs: number;
  calOffsetMs: number;
  calPhaseMs: number;
  /** Episodes relative to power-on. */
  faults: { startMs: number; endMs: number }[];
  maintenance: { startMs: number; endMs: number }[];
}

export function defaultSchedule(): AnalyzerSchedule {
  return {
    warmupMs: 60000,
    calPeriodMs: 4 * 3600000,
    calOffsetMs: 2 * 3600000,
    calPhaseMs: 300000,
    faults: [],
    maintenance: [],
  };
}

const HOUR = 3600000;

function gm32Model(): AnalyzerModel {
  const signals: SignalSpec[] = [
    { register: 'c1', base: 120, diurnal: 0.3, noise: 1.5, zero: 0.2, span: 400 },
    { register: 'c2', base: 180, diurnal: 0.25, noise: 2, zero: 0.1, span: 500 },
    { register: 'c3', base: 12, diurnal: 0.2, noise: 0.3, zero: 0.05, span: 50 },
    { register: 'c4', base: 2.5, diurnal: 0.1, noise: 0.1, zero: 0.02, span: 20 },
  ];
  const constants: { register: string; value: number }[] = [];
  for (let n = 1; n <= 8; n++) {
    constants.push({ register: 'c' + n + 'RangeStart', value: 0 });
    constants.push({ register: 'c' + n + 'RangeEnd', value: 1000 });
    constants.push({ register: 'c' + n + 'C1', value: 1 });
  }
  return {
    profile: BUILTIN_PROFILES.SICK_GM32,
    mapped: [{ table: 'input', start: 5000, end: 5000 + 8 * 17 - 1 }],
    signals: signals,
    constants: constants,
    // bit 0 Failure, 1 Maintenance request, 2 Function check, 8 Check cycle
    statusNative: { normal: 0, warmup: 1 << 2, zero: 1 << 8, span: 1 << 8, fault: 1, maintenance: (1 << 2) | (1 << 1) },
  };
}

function xstreamModel(): AnalyzerModel {
  return {
    profile: BUILTIN_PROFILES.EMERSON_XSTREAM,
    mapped: [{ table: 'holding', start: 6000, end: 7998 }],
    signals: [
      { register: 'conc1', base: 9.5, diurnal: 0.15, noise: 0.05, zero: 0, span: 20 },
      { register: 'conc2', base: 6.5, diurnal: -0.1, noise: 0.05, zero: 0, span: 21 },
      { register: 'conc3', base: 35, diurnal: 0.3, noise: 1, zero: 0, span: 200 },
    ],
    constants: [],
    statusNative: {},
  };
}

function teledyneModel(): AnalyzerModel {
  const ok = 1 << 19;
  return {
    profile: BUILTIN_PROFILES.TELEDYNE_T,
    mapped: [
      { table: 'input', start: 0, end: 57 },
      { table: 'discrete', start: 0, end: 26 },
    ],
    signals: [
      { register: 'so2Range1', base: 150, diurnal: 0.3, noise: 2, zero: 0.5, span: 450 },
      { register: 'so2Range2', base: 150, diurnal: 0.3, noise: 2, zero: 0.5, span: 450 },
    ],
    constants: [{ register: 'reactionCellTemp', value: 50 }],
    // 15 invalid concentration, 16 zero cal, 17 span cal, 19 system OK, 5 reaction cell temperature warning
    statusNative: {
      normal: ok,
      warmup: (1 << 15) | (1 << 5),
      zero: ok | (1 << 16),
      span: ok | (1 << 17),
      fault: 1 << 15,
      maintenance: 1 << 15,
    },
  };
}

function float32BlockModel(): AnalyzerModel {
  const signals: SignalSpec[] = [];
  for (let i = 1; i <= 16; i++) signals.push({ register: 'v' + i, base: 10 * i, diurnal: 0.2, noise: 0.1, zero: 0, span: 100 });
  return {
    profile: BUILTIN_PROFILES.FLOAT32_BLOCK,
    mapped: [{ table: 'input', start: 0, end: 31 }],
    signals: signals,
    constants: [],
    statusNative: {},
  };
}

/** The simulator's model of each built-in profile. */
export function modelFor(profileId: string): AnalyzerModel {
  if (profileId === 'SICK_GM32') return gm32Model();
  if (profileId === 'EMERSON_XSTREAM') return xstreamModel();
  if (profileId === 'TELEDYNE_T') return teledyneModel();
  if (profileId === 'FLOAT32_BLOCK') return float32BlockModel();
  throw codedError('SIM_PROFILE', 'no simulator model for profile ' + profileId);
}

export interface AnalyzerOptions {
  address: number;
  model: AnalyzerModel;
  schedule: AnalyzerSchedule;
  seed: number;
  powerOnMs: number;
  wordOrder?: WordOrder;
  addressOffset?: number;
}

function inEpisode(t: number, eps: { startMs: number; endMs: number }[]): boolean {
  for (let i = 0; i < eps.length; i++) if (t >= eps[i].startMs && t < eps[i].endMs) return true;
  return false;
}

export class VirtualAnalyzer implements RegisterStore {
  readonly address: number;
  readonly model: AnalyzerModel;
  readonly slave: RtuSlave;
  schedule: AnalyzerSchedule;
  /** Values last written, by register name (what a correct master must decode). */
  readonly current: { [register: string]: number } = {};
  readonly nativeStatus: { [status: string]: number } = {};
  /** The last few values served per register, newest last (a late answer to a retried request is one of them). */
  readonly history: { [register: string]: number[] } = {};
  lastState: AnalyzerState = 'warmup';
  /** Time of the request being served; set by the bus before it hands the analyzer bytes. */
  clock = -1;
  private readonly rng: Prng;
  private readonly powerOnMs: number;
  private readonly order: WordOrder;
  private readonly offset: number;
  private readonly regs: { [fc: number]: Uint8Array } = {};
  private readonly bits: { [fc: number]: Uint8Array } = {};
  private readonly mapped: { [fc: number]: Uint8Array } = {};
  private drift = 0;
  private lastUpdate = -1;

  constructor(o: AnalyzerOptions) {
    this.address = o.address;
    this.model = o.model;
    this.schedule = o.schedule;
    this.rng = new Prng(o.seed);
    this.powerOnMs = o.powerOnMs;
    this.order = o.wordOrder !== undefined ? o.wordOrder : o.model.profile.wordOrder;
    this.offset = o.addressOffset !== undefined ? o.addressOffset : 0;
    for (let fc = 1; fc <= 4; fc++) {
      this.mapped[fc] = new Uint8Array(65536);
      if (fc <= 2) this.bits[fc] = new Uint8Array(8192);
      else this.regs[fc] = new Uint8Array(131072);
    }
    for (const m of o.model.mapped) {
      const fc = tableFc(m.table);
      for (let a = m.start + this.offset; a <= m.end + this.offset; a++) this.mapped[fc][a] = 1;
    }
    this.slave = new RtuSlave(o.address, this);
    for (const c of o.model.constants) this.writeValue(this.def(c.register), c.value);
  }

  private def(name: string): RegisterDef {
    const p = this.model.profile;
    for (const r of p.registers) if (r.name === name) return r;
    throw codedError('SIM_PROFILE', 'profile ' + p.id + ' has no register ' + name);
  }

  private pdu(table: Table, address: number): number {
    return toPduAddress(table, address, this.model.profile.addressing) + this.offset;
  }

  private writeValue(r: RegisterDef, value: number): void {
    const fc = tableFc(r.table);
    const a = this.pdu(r.table, r.address);
    if (r.type === 'bit') setBit(this.bits[fc], a, value);
    else encodeRegisters(value, r.type, r.wordOrder !== undefined ? r.wordOrder : this.order, this.regs[fc], 2 * a);
    const v = r.type === 'float32' ? Math.fround(value) : value;
    this.current[r.name] = v;
    const h = this.history[r.name] ?? (this.history[r.name] = []);
    h.push(v);
    if (h.length > 8) h.shift();
  }

  private writeStatus(s: StatusDef, native: number): void {
    const fc = tableFc(s.table);
    const a = this.pdu(s.table, s.address);
    const count = s.count !== undefined ? s.count : 1;
    if (fc <= 2) for (let i = 0; i < count; i++) setBit(this.bits[fc], a + i, (native >>> i) & 1);
    else encodeRegisters(native >>> 0, count === 2 ? 'uint32' : 'uint16', this.order, this.regs[fc], 2 * a);
    this.nativeStatus[s.name] = native;
  }

  state(tMs: number): AnalyzerState {
    const t = tMs - this.powerOnMs;
    const s = this.schedule;
    if (t < s.warmupMs) return 'warmup';
    if (inEpisode(t, s.faults)) return 'fault';
    if (inEpisode(t, s.maintenance)) return 'maintenance';
    if (s.calPeriodMs > 0 && t >= s.calOffsetMs) {
      const phase = (t - s.calOffsetMs) % s.calPeriodMs;
      if (phase < s.calPhaseMs) return 'zero';
      if (phase < 2 * s.calPhaseMs) return 'span';
    }
    return 'normal';
  }

  /** Daily load factor: low at night, peak in the afternoon. */
  static load(tMs: number, amplitude: number): number {
    const hour = (tMs % (24 * HOUR)) / HOUR;
    return 1 + amplitude * Math.sin((2 * Math.PI * (hour - 9)) / 24);
  }

  /** Brings every register to time tMs. */
  update(tMs: number): void {
    const st = this.state(tMs);
    this.lastState = st;
    const dt = this.lastUpdate < 0 ? 1000 : Math.max(0, tMs - this.lastUpdate);
    this.lastUpdate = tMs;
    // Slow process drift, a bounded random walk.
    this.drift = Math.max(-0.1, Math.min(0.1, this.drift * Math.exp(-dt / HOUR) + 0.002 * Math.sqrt(dt / 1000) * this.rng.gauss()));
    for (const sig of this.model.signals) {
      let v = 0;
      if (st === 'normal') v = Math.max(sig.min ?? 0, sig.base * VirtualAnalyzer.load(tMs, sig.diurnal) * (1 + this.drift) + sig.noise * this.rng.gauss());
      else if (st === 'zero') v = sig.zero + (sig.noise / 4) * this.rng.gauss();
      else if (st === 'span') v = sig.span + (sig.noise / 4) * this.rng.gauss();
      this.writeValue(this.def(sig.register), v);
    }
    const native = this.model.statusNative[st];
    if (native !== undefined) for (const s of this.model.profile.statuses) this.writeStatus(s, native);
  }

  private rangeMapped(fc: number, address: number, quantity: number): boolean {
    const m = this.mapped[fc];
    for (let a = address; a < address + quantity; a++) if (!m[a]) return false;
    return true;
  }

  /** Reads see the time series at the request's time, once per request time. */
  private refresh(): void {
    if (this.clock >= 0 && this.clock !== this.lastUpdate) this.update(this.clock);
  }

  readBits(fc: number, address: number, quantity: number, out: Uint8Array): number {
    this.refresh();
    if (!this.rangeMapped(fc, address, quantity)) return EX_ILLEGAL_DATA_ADDRESS;
    for (let i = 0; i < quantity; i++) setBit(out, i, getBit(this.bits[fc], address + i));
    return 0;
  }

  readRegisters(fc: number, address: number, quantity: number, out: Uint8Array): number {
    this.refresh();
    if (!this.rangeMapped(fc, address, quantity)) return EX_ILLEGAL_DATA_ADDRESS;
    out.set(this.regs[fc].subarray(2 * address, 2 * (address + quantity)));
    return 0;
  }

  writeCoils(address: number, quantity: number, packed: Uint8Array): number {
    if (!this.rangeMapped(1, address, quantity)) return EX_ILLEGAL_DATA_ADDRESS;
    for (let i = 0; i < quantity; i++) setBit(this.bits[1], address + i, getBit(packed, i));
    return 0;
  }

  writeRegisters(address: number, quantity: number, words: Uint8Array): number {
    if (!this.rangeMapped(3, address, quantity)) return EX_ILLEGAL_DATA_ADDRESS;
    this.regs[3].set(words.subarray(0, 2 * quantity), 2 * address);
    return 0;
  }

  /** Raw register bytes as served (for tests comparing what a master decoded). */
  registerBytes(fc: number, address: number, quantity: number): Uint8Array {
    return this.regs[fc].slice(2 * address, 2 * (address + quantity));
  }

  /** Words a register definition occupies, at its PDU address (for tests). */
  locate(name: string): { fc: number; address: number; words: number } {
    const r = this.def(name);
    return { fc: tableFc(r.table), address: this.pdu(r.table, r.address), words: r.type === 'bit' ? 1 : typeWords(r.type) };
  }
}
