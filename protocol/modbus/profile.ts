// Analyzer profiles as data: which registers hold which values, how to decode them, where the status word is and
// what its bits mean, and what the analyzer forbids the reader to do. Built-in profiles live in profiles/; users add
// their own in the configuration with the same shape.

import type { Addressing, Table } from './addressing';
import type { ValueType, WordOrder } from './registers';
import type { StatusRule } from './status';

/** One named value in an analyzer's map. */
export interface RegisterDef {
  name: string;
  table: Table;
  /** In the profile's addressing convention. */
  address: number;
  /** 'bit' for coils/discrete inputs, a register type otherwise. */
  type: ValueType;
  /** Defaults to the profile's word order. */
  wordOrder?: WordOrder;
  /** Engineering value = raw * scale / divisor + offset (defaults 1, 1, 0). */
  scale?: number;
  divisor?: number;
  offset?: number;
  unit?: string;
  /** Name of the StatusDef that qualifies this value. */
  status?: string;
}

/** A status word: one or two registers (read as uint16/uint32 in the profile's word order), or 1..32 bits. */
export interface StatusDef {
  name: string;
  table: Table;
  address: number;
  /** Registers (1 or 2) or bits (1..32); default 1. */
  count?: number;
  rules: StatusRule[];
}

/** Addresses that must not be read (the analyzer answers with an exception), inclusive, in the profile's addressing. */
export interface ForbiddenDef {
  table: Table;
  start: number;
  end: number;
}

export interface ProfileDef {
  id: string;
  title: string;
  /** The manual the map comes from (document, edition, section). */
  source: string;
  addressing: Addressing;
  wordOrder: WordOrder;
  /** The analyzer writes 0.0 while not measuring: a zero with a non-normal status is no value at all. */
  zeroWhileNotMeasuring: boolean;
  maxRegistersPerRead?: number;
  maxBitsPerRead?: number;
  /** Unneeded addresses one read may bridge (default: any). */
  maxGap?: number;
  forbidden?: ForbiddenDef[];
  statuses: StatusDef[];
  registers: RegisterDef[];
}
