// The device's record path for vectors, benchmark loops and tests: the records service (protocol/module/records.ts)
// with its seal module linked in instead of loaded on demand, over the fixture plan (record-plan.ts), driven by fixed
// engine output instead of samples. Espruino subset: the conformance bundle runs this on the device.
import { codedError } from '../../protocol/errors';
import type { Sha256 } from '../../protocol/ports';
import { closeDay, emitPeriod } from '../../protocol/cems/close';
import { createEngine, type Closer, type EngineOutput } from '../../protocol/cems/engine';
import { Meta, Qt, Section } from '../../protocol/plan/format';
import { openPlan, planF64, planStringBytes, type Plan } from '../../protocol/plan/reader';
import { enginePlan, rtuPlan } from '../../protocol/plan/views';
import { bytesToAscii, fromHex } from '../../protocol/bytes';
import { createRecords, recordsBoot, recordsClockSynced, recordsSigner, recordsTick, type Records } from '../../protocol/module/records';
import * as SEAL from '../../protocol/module/seal';
import { createStatusWindows } from '../../protocol/module/status-window';
import type { RebootReason } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';
import { FIXTURE_START_MS, HOUR_MS, fixtureFirmware, fixtureHourOutput, fixtureTime } from './record-fixtures';
import { FIXTURE_PLAN_HEX } from './record-plan';

export interface RecordKit {
  plan: Plan;
  svc: Records;
  clock: { t: number; nowMs(): number };
  /** Records sealed (in chain order) and chain states saved, in order. */
  sealed: Uint8Array[];
  saved: Uint8Array[];
  /** Next fixture hour sealHours() closes. */
  hour: number;
  /** Waiting for the queue to settle (whenSettled). */
  waiting: ((err: string | null) => void) | null;
}

const CLOSER: Closer = { emitPeriod: emitPeriod, closeDay: closeDay };

function closer(): Closer {
  return CLOSER;
}

function seal(): typeof SEAL {
  return SEAL;
}

function keepLoaded(): void {}

/** The fixture plan, opened as the device opens its plan file. */
export function fixturePlan(sha256: Sha256): Plan {
  return openPlan(fromHex(FIXTURE_PLAN_HEX), sha256);
}

/** Engine output index of record quantity `id` ("co2.dry"). */
export function outputOf(plan: Plan, id: string): number {
  const qt = planF64(plan, Section.QUANTITIES);
  for (let r = 0; r < qt.length / Qt.FIELDS; r++) {
    if (bytesToAscii(planStringBytes(plan, qt[r * Qt.FIELDS + Qt.ID])) === id) return qt[r * Qt.FIELDS + Qt.OUT];
  }
  throw codedError('KIT_OUTPUT', 'no record quantity ' + id);
}

/** Number of engine outputs of the plan. */
export function outputCount(kit: RecordKit): number {
  return kit.svc.o.engine.nOut;
}

/** Decides a pending whenSettled() once nothing is being sealed. */
function settle(kit: RecordKit): void {
  const svc = kit.svc;
  const done = kit.waiting;
  if (!done || svc.pumping || svc.inFlight) return;
  kit.waiting = null;
  done(svc.queue.length === 0 ? null : svc.lastError || 'RECORDS_WAITING: ' + svc.queue.length + ' job(s) not sealed');
}

/** `signer`, telling the kit when a signature (synchronous or not) has been handled. */
function observed(kit: RecordKit, signer: Signer): Signer {
  return {
    alg: signer.alg,
    kid: signer.kid,
    sign: function (buf, start, end, done) {
      signer.sign(buf, start, end, function (err, signature) {
        done(err, signature);
        settle(kit);
      });
    },
  };
}

/**
 * A records service over `plan` with a capturing sink and chain store, the fixture firmware, the plan's reserve block
 * and the fixture clock synchronization. Not booted.
 */
export function createRecordKit(sha256: Sha256, plan: Plan, signer: Signer): RecordKit {
  const rp = rtuPlan(plan);
  const meta = planF64(plan, Section.META);
  const clock = {
    t: FIXTURE_START_MS,
    nowMs: function (): number {
      return clock.t;
    },
  };
  const sealed: Uint8Array[] = [];
  const saved: Uint8Array[] = [];
  const svc = createRecords({
    plan: plan,
    engine: createEngine(enginePlan(plan), closer),
    windows: createStatusWindows(plan, rp.acq, rp.groups, rp.devices),
    sha256: sha256,
    clock: clock,
    store: {
      save: function (state: Uint8Array): void {
        saved.push(state);
      },
    },
    sink: function (record: Uint8Array): void {
      sealed.push(record);
    },
    firmware: fixtureFirmware(sha256),
    seal: seal,
    releaseSeal: keepLoaded,
    saveEngineState: null,
    timeSource: 'ntp',
    reserveBlock: meta[Meta.RESERVE_BLOCK],
    maxQueue: 8,
  });
  const kit: RecordKit = { plan: plan, svc: svc, clock: clock, sealed: sealed, saved: saved, hour: 0, waiting: null };
  const time = fixtureTime();
  recordsClockSynced(svc, time.lastSyncMs, time.source, time.syncOffsetMs);
  recordsSigner(svc, observed(kit, signer));
  return kit;
}

/** Boots the chain at nowMs (no journal tail, no engine state) and seals the boot records. */
export function kitBoot(kit: RecordKit, nowMs: number, reason: RebootReason, persisted: Uint8Array | null): void {
  kit.clock.t = nowMs;
  recordsBoot(kit.svc, reason, persisted, null, null);
}

/** Hands `out` to the records service as the engine's output of a tick at nowMs, and seals what it makes. */
export function kitOutput(kit: RecordKit, out: EngineOutput, nowMs: number): void {
  kit.clock.t = nowMs;
  kit.svc.o.engine.out = out;
  recordsTick(kit.svc, nowMs);
}

/** Closes fixture hour `hour` 1.5 s after its end with the fixture rows of `variant` and no substitutes. */
export function kitHour(kit: RecordKit, hour: number, variant: number): void {
  kitOutput(kit, fixtureHourOutput(outputCount(kit), hour, variant, [], []), FIXTURE_START_MS + (hour + 1) * HOUR_MS + 1500);
}

/** Throws when anything is left unsealed (synchronous signers seal everything at once). */
export function expectSealed(kit: RecordKit): void {
  if (kit.svc.queue.length > 0) throw codedError('KIT_SEAL', kit.svc.lastError || kit.svc.queue.length + ' job(s) not sealed');
}

/** Calls `done` once nothing is being sealed: err null when the queue is empty, else the failure that stopped it. */
export function whenSettled(kit: RecordKit, done: (err: string | null) => void): void {
  kit.waiting = done;
  settle(kit);
}

/**
 * A kit over the fixture plan booted at FIXTURE_START_MS after a power-on; `done` once the boot record is sealed (at
 * once with a synchronous signer, after the signature otherwise, e.g. from a secure element).
 */
export function bootedRecords(sha256: Sha256, signer: Signer, done: (err: string | null, kit: RecordKit) => void): RecordKit {
  const kit = createRecordKit(sha256, fixturePlan(sha256), signer);
  kitBoot(kit, FIXTURE_START_MS, 'power-on', null);
  whenSettled(kit, function (err) {
    done(err, kit);
  });
  return kit;
}

/** Closes the next `n` fixture hours one after another; `done` with the records they gave (two parts per hour). */
export function sealHours(kit: RecordKit, n: number, done: (err: string | null, records: Uint8Array[]) => void): void {
  const first = kit.sealed.length;
  let left = n;
  function next(err: string | null): void {
    if (err !== null || left === 0) {
      done(err, kit.sealed.slice(first));
      return;
    }
    left--;
    kitHour(kit, kit.hour, kit.hour % 2);
    kit.hour++;
    whenSettled(kit, next);
  }
  next(null);
}
