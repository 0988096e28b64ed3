// The resident state of the running module, shared by the boot code, the tick and the console command module.
import type { Plan } from '../protocol/plan/reader';
import type { RtuPlan } from '../protocol/modbus/rtu-master';
import type { Records } from '../protocol/module/records';
import type { UartBus } from './uart-bus';

/** A sealed record held for the console until the journal takes records over. */
export interface HeldRecord {
  seq: number;
  kind: string;
  bytes: Uint8Array;
}

/** Latest value per acquired channel (Device.latest rows). */
export const enum Latest {
  T,
  VALUE,
  STATUS,
  NATIVE,
  FIELDS,
}

export interface Device {
  bootMs: number;
  /** Where the plan came from ('provisioned', 'embedded default'), and why none runs ('' when one does). */
  planSource: string;
  planError: string;
  plan: Plan | null;
  rp: RtuPlan | null;
  buses: UartBus[];
  latest: Float64Array;
  svc: Records | null;
  held: HeldRecord[];
  sealed: number;
  signerState: string;
  signerError: string;
  kid: string;
  /** Samples whose consumer threw: acquisition goes on, the console shows the count and the last message. */
  consumerErrors: number;
  lastConsumerError: string;
  /** Highest interpreter memory use seen while records were sealed, in variables. */
  peakVars: number;
}

/** Sealed records kept for the console: at most this many bytes (the journal replaces this ring). */
export const HELD_BYTES = 8192;
