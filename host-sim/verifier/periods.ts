// Period coverage for the verifier: period records must follow each other without holes (unless a gap event declares
// the time) and without overlaps. Two kinds of record legitimately share a period with another record:
//   - parts (period key 6 = [index, count]): one period whose quantities did not fit into one record; the parts must
//     not repeat a quantity, and all of them must be in the capture unless a gap event declares the period;
//   - supplements (period key 7 = true): substitutes, and nothing else, for a period recorded earlier in the capture
//     or lying in a declared gap; every quantity SUBSTITUTED with method and code.
// Both get an info finding; a quantity recorded twice for the same period by records that are not supplements (or a
// period record starting inside the previous one) stays a PERIOD_OVERLAP warning.
import type { PeriodData } from '../../protocol/record/schema';
import type { DeclaredGap, RecordResult, Severity } from './verify';

function add(r: RecordResult, code: string, severity: Severity, message: string): void {
  r.findings.push({ code, severity, message });
}

const span = (p: PeriodData): string => p.startMs + '..' + p.endMs;

/** The records of one split period or supplement, as far as the capture has them. */
interface PartGroup {
  period: PeriodData;
  count: number;
  seen: boolean[];
  /** Quantity ids of the parts so far (for supplements: other records of the period are not compared with them). */
  ids: Set<string>;
  last: RecordResult;
}

export class PeriodChecker {
  private lastEnd: number | null = null;
  /** Key of the last period record that is not a supplement (parts after the first continue it). */
  private lastKey: string | null = null;
  /** Quantity ids recorded per period ("start/end") by records that are not supplements. */
  private recorded = new Map<string, Set<string>>();
  /** The group a further part joins, by period key and kind. */
  private openGroups = new Map<string, PartGroup>();
  private groups: PartGroup[] = [];
  private unanchored: { r: RecordResult; p: PeriodData }[] = [];

  /** `gaps` is the verifier's list of declared gaps, read as it grows. */
  constructor(private gaps: DeclaredGap[]) {}

  /** A new chain (the device lost its state): coverage starts again. */
  restart(): void {
    this.lastEnd = null;
    this.lastKey = null;
  }

  check(r: RecordResult, p: PeriodData): void {
    const key = p.startMs + '/' + p.endMs;
    const ids = p.quantities.map((q) => q.id);
    const group = p.part ? this.joinGroup(r, p, key) : null;
    if (p.supplement === true) {
      const repeated = group ? ids.filter((id) => group.ids.has(id)) : [];
      if (group) for (const id of ids) group.ids.add(id);
      this.checkSupplement(r, p, key, repeated);
    } else this.checkRecord(r, p, key, ids);
  }

  /** Findings that need the whole capture: incomplete parts, supplements that refer to nothing. */
  finish(): void {
    for (const g of this.groups) {
      const missing: number[] = [];
      g.seen.forEach((s, i) => {
        if (!s) missing.push(i + 1);
      });
      if (missing.length > 0 && !this.declared(g.period)) {
        add(g.last, 'PERIOD_PART_MISSING', 'warning', 'part(s) ' + missing.join(', ') + ' of ' + g.count + ' of ' +
          (g.period.supplement ? 'a supplement for ' : '') + 'the period ' + span(g.period) + ' are not in the capture and no gap event declares the period');
      }
    }
    for (const u of this.unanchored) {
      if (!this.declared(u.p)) {
        add(u.r, 'PERIOD_SUPPLEMENT_UNANCHORED', 'warning', 'supplement for the period ' + span(u.p) + ', which has no earlier period record in the capture and lies in no declared gap');
      }
    }
  }

  private joinGroup(r: RecordResult, p: PeriodData, key: string): PartGroup {
    const part = p.part!;
    const gk = key + (p.supplement ? '/s' : '/p');
    let g = this.openGroups.get(gk);
    // a first part, another number of parts or a part seen already (a replay) begins a new group
    if (!g || part.index === 0 || g.count !== part.count || g.seen[part.index]) {
      g = { period: p, count: part.count, seen: new Array<boolean>(part.count).fill(false), ids: new Set(), last: r };
      this.openGroups.set(gk, g);
      this.groups.push(g);
    }
    g.seen[part.index] = true;
    g.last = r;
    return g;
  }

  private checkRecord(r: RecordResult, p: PeriodData, key: string, ids: string[]): void {
    const continues = p.part !== undefined && p.part.index > 0 && key === this.lastKey;
    let startsInside = false;
    if (!continues) {
      if (this.lastEnd !== null && p.startMs < this.lastEnd) startsInside = true;
      else if (this.lastEnd !== null && p.startMs > this.lastEnd) {
        const from = this.lastEnd;
        const covered = this.gaps.some((d) => d.detail.fromMs >= 0 && d.detail.fromMs <= from && d.detail.toMs >= p.startMs);
        if (!covered) add(r, 'PERIOD_GAP_UNDECLARED', 'warning', 'no period record and no gap event for ' + from + '..' + p.startMs);
      }
      // a record replayed from the past does not move coverage back
      this.lastEnd = this.lastEnd === null ? p.endMs : Math.max(this.lastEnd, p.endMs);
      this.lastKey = key;
    }
    let seen = this.recorded.get(key);
    if (!seen) this.recorded.set(key, (seen = new Set()));
    const repeated = ids.filter((id) => seen.has(id));
    for (const id of ids) seen.add(id);
    if (repeated.length > 0) {
      add(r, 'PERIOD_OVERLAP', 'warning', 'quantities ' + repeated.join(', ') + ' were already recorded for the period ' + span(p));
    } else if (startsInside) {
      add(r, 'PERIOD_OVERLAP', 'warning', 'period starts before the previous period ended');
    } else if (p.part !== undefined && p.part.index > 0) {
      add(r, 'PERIOD_PART', 'info', 'part ' + (p.part.index + 1) + ' of ' + p.part.count + ' of the period ' + span(p));
    }
  }

  private checkSupplement(r: RecordResult, p: PeriodData, key: string, repeated: string[]): void {
    const bad = p.quantities
      .filter((q) => q.status !== 'SUBSTITUTED' || (q.substitution !== null && (q.substitution.method === '' || q.substitution.code === '')))
      .map((q) => q.id);
    if (p.quantities.length === 0) add(r, 'PERIOD_SUPPLEMENT_CONTENT', 'error', 'supplement without quantities');
    else if (bad.length > 0) add(r, 'PERIOD_SUPPLEMENT_CONTENT', 'error', 'supplement carries ' + bad.join(', ') + ' without status SUBSTITUTED, method and code');
    if (repeated.length > 0) add(r, 'PERIOD_OVERLAP', 'warning', 'quantities ' + repeated.join(', ') + ' appear in two parts of a supplement for the period ' + span(p));
    if (!this.recorded.has(key)) this.unanchored.push({ r, p });
    const part = p.part ? ' (part ' + (p.part.index + 1) + ' of ' + p.part.count + ')' : '';
    add(r, 'PERIOD_SUPPLEMENT', 'info', 'substitutes ' + p.quantities.map((q) => q.id).join(', ') + ' for the period ' + span(p) + part);
  }

  private declared(p: PeriodData): boolean {
    return this.gaps.some((d) => d.detail.fromMs >= 0 && d.detail.fromMs <= p.startMs && d.detail.toMs >= p.endMs);
  }
}
