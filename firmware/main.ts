// Boot sequence of the CEMS data-output module on Espruino (ESP32). This bundle is the resident part (.bootcde):
// acquisition, the engine's minute path, the record queue, the console's line reader. Everything rare (period close,
// record sealing, console commands, the secure element) is a Storage module loaded on demand (firmware/modules/).
import { openModulePlan } from '../protocol/plan/reader';
import { enginePlan, rtuPlan } from '../protocol/plan/views';
import { Meta, Section } from '../protocol/plan/format';
import { planF64 } from '../protocol/plan/reader';
import { errorText } from '../protocol/errors';
import { createEngine, type Closer } from '../protocol/cems/engine';
import { createStatusWindows } from '../protocol/module/status-window';
import {
  clockIsSet,
  createRecords,
  recordsBoot,
  recordsSample,
  recordsSigner,
  recordsTick,
  type RecordInfo,
  type Records,
  type SealModule,
} from '../protocol/module/records';
import { CONSOLE_BAUD, IS_LINUX, SAFE_MODE_PIN, consoleSerial } from './board';
import { PROMPT, consoleLines, startConsole, type ConsoleLines } from './console';
import { HELD_BYTES, type Device } from './device';
import { MODULE_CLOSE, MODULE_SEAL, load, release } from './modules';
import { clock, sha256 } from './platform';
import { SIGNER_RETRY_MS, kidText, openSigner } from './signer';
import { chainSlots, readEngineState, readPlanFile, saveEngineState, type SlotStore } from './storage-state';
import { startAcquisition } from './acquisition';
import { fromHex } from '../protocol/bytes';

declare const FIRMWARE_VERSION: string;
declare const FIRMWARE_HASH: string;

const TICK_MS = 1000;
/** The JS event loop must tick at least this often or the ESP32 task watchdog resets the module. */
const WATCHDOG_S = 20;
/** Queued records held in RAM while the signer is away (a period job holds ~6 KB of engine rows). */
const MAX_QUEUE = 4;

function closer(): Closer {
  return load<Closer>(MODULE_CLOSE);
}

/** Live memory (after a garbage collection) when a record is sealed or the engine snapshot saved: modules loaded. */
function notePeak(dev: Device): void {
  const used = process.memory().usage;
  if (used > dev.peakVars) dev.peakVars = used;
}

/** Keeps the newest sealed records for the console within HELD_BYTES. */
function hold(dev: Device, record: Uint8Array, info: RecordInfo): void {
  notePeak(dev);
  dev.sealed++;
  dev.held.push({ seq: info.seq, kind: info.kind, bytes: record });
  let bytes = 0;
  for (let i = 0; i < dev.held.length; i++) bytes += dev.held[i].bytes.length;
  while (dev.held.length > 1 && bytes > HELD_BYTES) bytes -= (dev.held.shift() as { bytes: Uint8Array }).bytes.length;
}

/**
 * Tries the signer again later. A function of its own so that the timer's closure does not hold the failure: an
 * Espruino Error keeps its stack trace as text, and one raised during boot, with the minified bundle's long lines in
 * every frame, held some 2,300 variables until the retry.
 */
function retrySigner(dev: Device, svc: Records, out: ConsoleLines): void {
  setTimeout(function (): void {
    useSigner(dev, svc, out);
  }, SIGNER_RETRY_MS);
}

function useSigner(dev: Device, svc: Records, out: ConsoleLines): void {
  dev.signerState = 'opening';
  openSigner(dev.plan as NonNullable<Device['plan']>, function (err, signer, retry) {
    if (err || !signer) {
      dev.signerState = 'failed';
      dev.signerError = err ? errorText(err) : 'no signer';
      out.line('records: signer not available: ' + dev.signerError + (retry ? ' (retrying)' : ''));
      if (retry) retrySigner(dev, svc, out);
      return;
    }
    dev.signerState = 'ready';
    dev.signerError = '';
    dev.kid = kidText(signer);
    recordsSigner(svc, signer);
  });
}

function tick(svc: Records, store: SlotStore): void {
  E.kickWatchdog();
  const now = clock.nowMs();
  if (!svc.booted && clockIsSet(now)) recordsBoot(svc, 'unknown', store.persisted, null, readEngineState());
  recordsTick(svc, now);
  release(MODULE_CLOSE);
}

/** Starts acquisition, the engine and the record side on a verified plan. */
function run(dev: Device, out: ConsoleLines): void {
  const plan = dev.plan as NonNullable<Device['plan']>;
  const rp = rtuPlan(plan);
  dev.rp = rp;
  const meta = planF64(plan, Section.META);
  const engine = createEngine(enginePlan(plan), closer);
  const store = chainSlots(sha256);
  const svc = createRecords({
    plan: plan,
    engine: engine,
    windows: createStatusWindows(plan, rp.acq, rp.groups, rp.devices),
    sha256: sha256,
    clock: clock,
    store: store,
    sink: function (record: Uint8Array, info: RecordInfo): void {
      hold(dev, record, info);
    },
    firmware: { hash: fromHex(FIRMWARE_HASH), version: FIRMWARE_VERSION },
    seal: function (): SealModule {
      return load<SealModule>(MODULE_SEAL);
    },
    releaseSeal: function (): void {
      release(MODULE_SEAL);
    },
    saveEngineState: function (snapshot: Uint8Array): void {
      notePeak(dev);
      saveEngineState(snapshot);
    },
    timeSource: (['none', 'rtc', 'ntp', 'gnss', 'manual'] as ('none' | 'rtc' | 'ntp' | 'gnss' | 'manual')[])[meta[Meta.TIME_SOURCE]],
    reserveBlock: meta[Meta.RESERVE_BLOCK],
    maxQueue: MAX_QUEUE,
  });
  dev.svc = svc;
  startAcquisition(dev, plan, rp, function (acq: number, ch: number, t: number, value: number, status: number, native: number): void {
    // a sample that starts a new period may load the close module: the next tick releases it (not every sample)
    recordsSample(svc, acq, ch, t, value, status, native);
  }, out);
  if (!clockIsSet(clock.nowMs())) out.line('records: clock not set; sealing waits for the time (console: time <UTC ISO 8601>)');
  useSigner(dev, svc, out);
  E.enableWatchdog(WATCHDOG_S, false);
  // Out of memory, Espruino interrupts what runs and removes the timer or 'data' handler it ran in
  // (src/jsinteractive.c, src/jswrap_stream.c): the tick, a bus or the console may be gone and any state half
  // updated. A reset is the way back (the watchdog does the same once the tick is gone, not when only a bus is).
  // Nothing is printed first: that could need the memory that is missing.
  E.on('errorFlag', function (flags: string[]): void {
    if (flags.indexOf('MEMORY') >= 0) E.reboot();
  });
  setInterval(function (): void {
    tick(svc, store);
  }, TICK_MS);
}

function boot(): void {
  // Espruino switches its unauthenticated Telnet console on at every boot (builds without Telnet have no module).
  try {
    require('TelnetServer').setOptions({ mode: 'off' });
  } catch (e) {
    print('no TelnetServer module: nothing to switch off');
  }
  if (!IS_LINUX && digitalRead(SAFE_MODE_PIN) === 0) {
    print('safe mode: ' + SAFE_MODE_PIN + ' held low, firmware not started');
    return;
  }
  // Move the REPL to a loopback device so the console port carries only the technician console.
  E.setConsole('LoopbackA', { force: true });
  const port = consoleSerial();
  if (!IS_LINUX) port.setup(CONSOLE_BAUD);
  const out = consoleLines(port);
  const dev: Device = {
    bootMs: clock.nowMs(), planSource: '', planError: '', plan: null, rp: null, buses: [], latest: new Float64Array(0),
    svc: null, held: [], sealed: 0, signerState: 'none', signerError: '', kid: '', consumerErrors: 0, lastConsumerError: '',
    peakVars: 0,
  };
  startConsole(dev, port, out);
  out.line('CEMS data-output module ' + FIRMWARE_VERSION + ' bundle ' + FIRMWARE_HASH.slice(0, 16));
  const file = readPlanFile();
  if (!file.bytes) dev.planError = 'no plan in Storage (npm run flash installs the default, npm run provision a site plan)';
  else {
    try {
      dev.plan = openModulePlan(file.bytes, sha256);
      dev.planSource = file.source;
    } catch (e) {
      dev.planError = file.source + ' plan rejected: ' + errorText(e);
    }
  }
  if (dev.plan) {
    out.line('plan: ' + dev.planSource);
    try {
      run(dev, out);
    } catch (e) {
      // a plan with a valid hash that this firmware cannot run (a section missing or malformed)
      dev.planError = dev.planSource + ' plan not runnable: ' + errorText(e);
      out.line('plan: ' + dev.planError + '; nothing is acquired or recorded');
    }
  } else out.line('plan: ' + dev.planError + '; nothing is acquired or recorded');
  port.write(PROMPT);
}

boot();
