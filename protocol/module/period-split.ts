// Deterministic split of a period record that would not fit into one record (MAX_RECORD_BYTES with the signer's
// COSE overhead): the same period in several parts, each marked with its index and the number of parts.
import { encodeCbor } from '../record/cbor';
import { encodeQuantity, type PeriodData, type PeriodPart, type QuantityData } from '../record/schema';
import { cborHeadBytes } from './record-size';

function withQuantities(p: PeriodData, qs: QuantityData[], part: PeriodPart | null): PeriodData {
  const out: PeriodData = {
    startMs: p.startMs,
    endMs: p.endMs,
    averagingS: p.averagingS,
    analyzers: p.analyzers,
    quantities: qs,
    monitoringPlanVersion: p.monitoringPlanVersion,
  };
  if (part) out.part = part;
  if (p.supplement === true) out.supplement = true;
  return out;
}

/**
 * What the part marker adds to a period map: key 6, array(2), index, count (the map head stays one byte: a period
 * map has at most 8 keys).
 */
function partMarkerBytes(index: number, count: number): number {
  return 2 + cborHeadBytes(index) + cborHeadBytes(count);
}

/**
 * Greedy fill: the first quantity index of each part, for parts whose marker says `count` parts (only the size class
 * of `count` matters).
 */
function partStarts(base: number, sizes: number[], budget: number, count: number): number[] {
  const starts: number[] = [];
  let curBytes = 0;
  let curLen = 0;
  for (let i = 0; i < sizes.length; i++) {
    const index = starts.length > 0 ? starts.length - 1 : 0;
    const next = base + partMarkerBytes(index, count) + curBytes + sizes[i] + cborHeadBytes(curLen + 1) - cborHeadBytes(0);
    if (starts.length === 0 || (curLen > 0 && next > budget)) {
      starts.push(i);
      curBytes = 0;
      curLen = 0;
    }
    curBytes += sizes[i];
    curLen++;
  }
  return starts;
}

/**
 * Splits a period record whose payload would exceed `budget` bytes into parts for the same period: quantities stay
 * in order and fill each part greedily; every part carries the full analyzer list and its part marker. Sizes are
 * exact: the record without quantities (as `measure` gives it) plus the part marker plus each quantity's own
 * encoding plus the array head. The same input always gives the same parts. Nothing is dropped: a quantity that
 * alone exceeds the budget still gets its own part (and the chain reports RECORD_TOO_LARGE).
 */
export function splitPeriod(p: PeriodData, budget: number, measure: (p: PeriodData) => number): PeriodData[] {
  const base = measure(withQuantities(p, [], null));
  const sizes: number[] = [];
  let total = base + cborHeadBytes(p.quantities.length) - cborHeadBytes(0);
  for (let i = 0; i < p.quantities.length; i++) {
    sizes.push(encodeCbor(encodeQuantity(p.quantities[i], p.analyzers.length, 'period.quantities[' + i + ']')).length);
    total += sizes[i];
  }
  if (total <= budget) return [p];
  // the marker's size depends on the number of parts: grow the assumed count until its size class holds
  let count = 2;
  let starts = partStarts(base, sizes, budget, count);
  while (cborHeadBytes(starts.length) > cborHeadBytes(count)) {
    count = starts.length;
    starts = partStarts(base, sizes, budget, count);
  }
  if (starts.length < 2) return [p];
  const parts: PeriodData[] = [];
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1] : p.quantities.length;
    parts.push(withQuantities(p, p.quantities.slice(starts[k], end), { index: k, count: starts.length }));
  }
  return parts;
}
