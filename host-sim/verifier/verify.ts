// Record verifier (host side): for a capture of COSE records from one device, in emission order, checks
//   1. structure: size limit, tagged COSE_Sign1/COSE_Mac0, deterministic CBOR, headers (crit, alg, kid);
//   2. authenticity: the kid names a known key of the record's algorithm; ES256 signature or HMAC tag verifies over
//      the Sig_structure / MAC_structure rebuilt from the record;
//   3. schema: payload is a v1 record with no unknown keys;
//   4. chain: seq continuity and prev = SHA-256 of the previous record's COSE bytes; any jump in seq must be explained
//      by a gap event that declares exactly the skipped numbers and links back to the last record before them;
//   5. recomputation: what the record's own raw fields determine (availability from counts, period length from the
//      averaging interval, substitution present exactly when the status says so, unique quantity ids);
//   6. coverage (periods.ts): consecutive period records must abut unless a gap event covers the hole; parts of a
//      split period and supplements share their period legitimately, a quantity twice for one period does not.
// Every finding carries a stable code. Records that fail 1-3 are not trusted and take no part in the chain.
import { toHex, bytesEqual } from '../../protocol/bytes';
import { codedError, errorCode, errorMessage } from '../../protocol/errors';
import type { Sha256 } from '../../protocol/ports';
import { decodeCose, type CoseMessage } from '../../protocol/record/cose';
import { decodeRecordPayload, type GapDetail, type RecordData } from '../../protocol/record/schema';
import { nodeSha256 } from '../record/node-sha256';
import { verifySign1 } from './es256';
import { ALG_ES256, ALG_HMAC_256_256, type KeyRing } from './keys';
import { verifyMac0 } from './mac0';
import { PeriodChecker } from './periods';

/** The record size limit (docs/records.md, COSE profile). */
const MAX_RECORD_BYTES = 4096;
/** `prev` of seq 0. */
const GENESIS_HASH = new Uint8Array(32);

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
}

export interface RecordResult {
  /** Position in the capture. */
  index: number;
  bytes: number;
  recordHash: string;
  seq: number | null;
  kind: 'sign1' | 'mac0' | null;
  kid: string | null;
  /** 'period', or the event kind. */
  type: string | null;
  authentic: boolean;
  schemaOk: boolean;
  /** True when the prev link was checked against a record in the capture, false when it failed, null if unknowable. */
  linked: boolean | null;
  findings: Finding[];
  record: RecordData | null;
}

export interface DeclaredGap {
  atSeq: number;
  detail: GapDetail;
}

export interface VerificationReport {
  deviceId: string | null;
  records: number;
  trusted: number;
  errors: number;
  warnings: number;
  firstSeq: number | null;
  lastSeq: number | null;
  declaredGaps: DeclaredGap[];
  reboots: number;
  periods: { count: number; fromMs: number | null; toMs: number | null };
  results: RecordResult[];
  /** No error anywhere. */
  ok: boolean;
}

export interface VerifyOptions {
  keys: KeyRing;
  sha256?: Sha256;
  /** When set, every record must come from this device id. */
  deviceId?: string;
}

function add(r: RecordResult, code: string, severity: Severity, message: string): void {
  r.findings.push({ code, severity, message });
}

function authenticate(msg: CoseMessage, opts: VerifyOptions): void {
  if (msg.kid === null) throw codedError('COSE_KID_MISSING', 'record carries no kid');
  const key = opts.keys.get(msg.kid);
  if (!key) throw codedError('COSE_KID_UNKNOWN', 'no key for kid ' + toHex(msg.kid));
  if (key.alg !== msg.alg) {
    throw codedError('COSE_ALG_MISMATCH', 'kid ' + toHex(msg.kid) + ' is a key for alg ' + key.alg + ', record uses ' + String(msg.alg));
  }
  if (key.alg === ALG_HMAC_256_256) verifyMac0(msg, key.secret, null);
  else if (key.alg === ALG_ES256) verifySign1(msg, key.publicKey, null);
}

function recompute(r: RecordResult, rec: RecordData): void {
  const p = rec.period;
  if (p !== null) {
    if (p.endMs - p.startMs !== p.averagingS * 1000) {
      add(r, 'RECOMPUTE_PERIOD', 'error', 'period is ' + (p.endMs - p.startMs) + ' ms but averaging is ' + p.averagingS + ' s');
    }
    if (rec.createdMs < p.endMs) add(r, 'TIME_ORDER', 'warning', 'record created before its period ended');
    const ids: { [id: string]: true } = {};
    for (const q of p.quantities) {
      if (ids[q.id]) add(r, 'SCHEMA_DUP_QUANTITY', 'error', 'quantity ' + q.id + ' appears twice');
      ids[q.id] = true;
      const expected = q.nTotal > 0 ? Math.floor((q.nValid * 10000) / q.nTotal) : 0;
      if (q.availabilityBp !== expected) {
        add(r, 'RECOMPUTE_AVAILABILITY', 'error', q.id + ': availability ' + q.availabilityBp + ' bp, counts give ' + expected + ' bp');
      }
      if ((q.status === 'SUBSTITUTED') !== (q.substitution !== null)) {
        add(r, 'STATUS_SUBSTITUTION', 'error', q.id + ': status ' + q.status + (q.substitution ? ' with' : ' without') + ' a substitution');
      }
      if (q.status === 'VALID' && (q.nValid === 0 || q.corrected.value === null)) {
        add(r, 'STATUS_INCONSISTENT', 'warning', q.id + ': VALID with no valid samples or no value');
      }
    }
  }
  const e = rec.event;
  if (e !== null && e.kind === 'gap' && e.detail.firstSeq < 0 && e.detail.fromMs < 0) {
    add(r, 'GAP_EMPTY', 'warning', 'gap event declares neither sequence numbers nor a time range');
  }
}

export function verifyRecords(messages: Uint8Array[], opts: VerifyOptions): VerificationReport {
  const sha256 = opts.sha256 ?? nodeSha256;
  const results: RecordResult[] = [];
  const hashBySeq = new Map<number, Uint8Array>();
  const declaredGaps: DeclaredGap[] = [];
  let last: RecordResult | null = null;
  const periods = new PeriodChecker(declaredGaps);
  let deviceId: string | null = opts.deviceId ?? null;
  let reboots = 0;
  let periodCount = 0;
  let periodFrom: number | null = null;
  let periodTo: number | null = null;

  messages.forEach((bytes, index) => {
    const hash = sha256(bytes);
    const r: RecordResult = {
      index, bytes: bytes.length, recordHash: toHex(hash), seq: null, kind: null, kid: null, type: null,
      authentic: false, schemaOk: false, linked: null, findings: [], record: null,
    };
    results.push(r);
    if (bytes.length > MAX_RECORD_BYTES) {
      add(r, 'RECORD_TOO_LARGE', 'error', bytes.length + ' bytes, limit ' + MAX_RECORD_BYTES);
      return;
    }
    let msg: CoseMessage;
    try {
      msg = decodeCose(bytes, { requireTag: true, strict: true, maxBytes: MAX_RECORD_BYTES });
      r.kind = msg.kind;
      r.kid = msg.kid ? toHex(msg.kid) : null;
      authenticate(msg, opts);
      r.authentic = true;
    } catch (e) {
      add(r, errorCode(e), 'error', errorMessage(e));
      return;
    }
    let rec: RecordData;
    try {
      rec = decodeRecordPayload(msg.payload);
      r.schemaOk = true;
      r.record = rec;
      r.seq = rec.seq;
      r.type = rec.period !== null ? 'period' : rec.event!.kind;
    } catch (e) {
      add(r, errorCode(e), 'error', errorMessage(e));
      return;
    }
    if (deviceId === null) deviceId = rec.device.id;
    else if (rec.device.id !== deviceId) add(r, 'DEVICE_MISMATCH', 'error', 'record from device ' + rec.device.id + ', expected ' + deviceId);
    recompute(r, rec);
    const gapEvent = rec.event !== null && rec.event.kind === 'gap' ? rec.event.detail : null;
    if (gapEvent) declaredGaps.push({ atSeq: rec.seq, detail: gapEvent });
    if (rec.event !== null && rec.event.kind === 'reboot') reboots++;

    // chain
    const isGenesisRestart =
      rec.seq === 0 && rec.event !== null && rec.event.kind === 'reboot' && rec.event.detail.resumedFrom === 'genesis';
    if (last === null) {
      if (rec.seq === 0) {
        r.linked = bytesEqual(rec.prev, GENESIS_HASH);
        if (!r.linked) add(r, 'CHAIN_GENESIS', 'error', 'seq 0 must have an all-zero prev');
      } else add(r, 'CHAIN_START', 'info', 'capture starts at seq ' + rec.seq + '; its predecessor is not in the capture');
    } else {
      const prev = last.record!;
      if (hashBySeq.has(rec.seq) && !isGenesisRestart) {
        add(r, 'SEQ_DUPLICATE', 'error', 'seq ' + rec.seq + ' was already used');
      } else if (rec.seq > prev.seq && gapEvent !== null && gapEvent.reason === 'unpersisted-seq') {
        // a gap event explains a jump: it must declare exactly the numbers up to itself and link to the last
        // record before them, which may lie before records that made it into the capture (crash window)
        const g = gapEvent;
        if (g.lastSeq !== rec.seq - 1 || g.firstSeq > prev.seq + 1) {
          add(r, 'SEQ_GAP_UNDECLARED', 'error', 'gap event declares ' + g.firstSeq + '..' + g.lastSeq + ' but the capture goes from ' + prev.seq + ' to ' + rec.seq);
        } else {
          const anchor = hashBySeq.get(g.firstSeq - 1);
          if (g.firstSeq === 0) r.linked = bytesEqual(rec.prev, GENESIS_HASH);
          else if (!anchor) {
            add(r, 'CHAIN_UNVERIFIABLE', 'error', 'gap event links to seq ' + (g.firstSeq - 1) + ', which is not in the capture');
          } else r.linked = bytesEqual(rec.prev, anchor);
          if (r.linked === false) add(r, 'CHAIN_BROKEN', 'error', 'gap event prev does not match seq ' + (g.firstSeq - 1));
          if (g.firstSeq <= prev.seq) {
            add(r, 'CHAIN_BRANCH', 'warning', 'seq ' + g.firstSeq + '..' + prev.seq + ' are in the capture but the chain resumed from seq ' + (g.firstSeq - 1) + ' after a reboot');
          }
        }
      } else if (rec.seq === prev.seq + 1) {
        r.linked = bytesEqual(rec.prev, hashBySeq.get(prev.seq)!);
        if (!r.linked) add(r, 'CHAIN_BROKEN', 'error', 'prev does not match the hash of seq ' + prev.seq);
      } else if (rec.seq > prev.seq + 1) {
        add(r, 'SEQ_GAP_UNDECLARED', 'error', 'seq jumps from ' + prev.seq + ' to ' + rec.seq + ' without a gap event declaring it');
      } else if (isGenesisRestart) {
        r.linked = bytesEqual(rec.prev, GENESIS_HASH);
        add(r, 'CHAIN_RESTART', 'warning', 'the device lost its chain state and started a new chain at seq 0');
        hashBySeq.clear();
        periods.restart();
      } else add(r, 'SEQ_REGRESSION', 'error', 'seq ' + rec.seq + ' after ' + prev.seq);
    }
    if (!hashBySeq.has(rec.seq)) hashBySeq.set(rec.seq, hash);

    const p = rec.period;
    if (p !== null) {
      periodCount++;
      periodFrom = periodFrom === null ? p.startMs : Math.min(periodFrom, p.startMs);
      periodTo = periodTo === null ? p.endMs : Math.max(periodTo, p.endMs);
      periods.check(r, p);
    }
    last = r;
  });
  periods.finish();

  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
    }
  }
  const trustedSeqs = results.filter((r) => r.schemaOk).map((r) => r.seq!);
  return {
    deviceId,
    records: results.length,
    trusted: trustedSeqs.length,
    errors,
    warnings,
    firstSeq: trustedSeqs.length ? trustedSeqs[0] : null,
    lastSeq: trustedSeqs.length ? trustedSeqs[trustedSeqs.length - 1] : null,
    declaredGaps,
    reboots,
    periods: { count: periodCount, fromMs: periodFrom, toMs: periodTo },
    results,
    ok: errors === 0,
  };
}
