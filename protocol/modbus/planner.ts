// Request planner: coalesces the registers (or coils/discrete inputs) a poll needs into the fewest reads. A read may
// bridge unneeded addresses only when the analyzer allows it: at most `maxGap` of them, never a forbidden range
// (addresses that answer with an exception), and never past the per-read limit.

import { MAX_READ_BITS, MAX_READ_REGISTERS } from './codec';

/** Addresses a poll needs: fc (1..4), PDU address, count of registers or bits. */
export interface ReadNeed {
  fc: number;
  address: number;
  count: number;
}

/** A forbidden PDU range, inclusive. */
export interface ForbiddenRange {
  fc: number;
  start: number;
  end: number;
}

export interface PlanLimits {
  /** Registers per read, <= 125. */
  maxRegisters: number;
  /** Coils/discrete inputs per read, <= 2000. */
  maxBits: number;
  /** Unneeded addresses a read may bridge between two needed ones. */
  maxGap: number;
  forbidden: ForbiddenRange[];
}

export interface PlannedBlock {
  fc: number;
  address: number;
  quantity: number;
}

export function defaultLimits(): PlanLimits {
  return { maxRegisters: MAX_READ_REGISTERS, maxBits: MAX_READ_BITS, maxGap: MAX_READ_BITS, forbidden: [] };
}

function blockLimit(fc: number, limits: PlanLimits): number {
  return fc <= 2 ? Math.min(limits.maxBits, MAX_READ_BITS) : Math.min(limits.maxRegisters, MAX_READ_REGISTERS);
}

/** True when [from, to) touches a forbidden range of that table. */
export function touchesForbidden(fc: number, from: number, to: number, forbidden: ForbiddenRange[]): boolean {
  for (let i = 0; i < forbidden.length; i++) {
    const f = forbidden[i];
    if (f.fc === fc && f.start < to && f.end >= from) return true;
  }
  return false;
}

/**
 * Plans reads covering every need. Needs are sorted by table then address; a block grows greedily while the next
 * need fits, which gives the fewest blocks for interval constraints of this kind. Blocks come out in table/address
 * order. A need larger than the per-read limit cannot be planned (the validator rejects such definitions).
 */
export function planReads(needs: ReadNeed[], limits: PlanLimits): PlannedBlock[] {
  const order: number[] = [];
  for (let i = 0; i < needs.length; i++) order.push(i);
  order.sort(function (a, b) {
    const x = needs[a];
    const y = needs[b];
    if (x.fc !== y.fc) return x.fc - y.fc;
    if (x.address !== y.address) return x.address - y.address;
    if (x.count !== y.count) return y.count - x.count;
    return a - b;
  });
  const blocks: PlannedBlock[] = [];
  let cur: PlannedBlock | null = null;
  for (let k = 0; k < order.length; k++) {
    const n = needs[order[k]];
    if (cur !== null && cur.fc === n.fc) {
      const curEnd = cur.address + cur.quantity;
      const end = Math.max(curEnd, n.address + n.count);
      const gap = n.address - curEnd;
      if (
        gap <= limits.maxGap &&
        end - cur.address <= blockLimit(n.fc, limits) &&
        (gap <= 0 || !touchesForbidden(n.fc, curEnd, n.address, limits.forbidden))
      ) {
        cur.quantity = end - cur.address;
        continue;
      }
    }
    cur = { fc: n.fc, address: n.address, quantity: n.count };
    blocks.push(cur);
  }
  return blocks;
}
