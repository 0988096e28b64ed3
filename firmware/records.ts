// The record side of the module on the device: opens the configured signer (ATECC608 over I2C, or HMAC with the
// provisioned key), runs the RecordPipeline (engine → records → chain → signature) on a 1 s tick, keeps the chain
// state and engine snapshot in Storage, and holds the newest sealed records for the console until the journal and
// uplink take them over.
import type { ModuleConfig } from '../protocol/module/config-types';
import type { ConsoleLines } from '../protocol/console/command-console';
import type { Sample } from '../protocol/sample';
import type { Signer } from '../protocol/record/signer';
import { RecordPipeline, type PipelineStatus, type RecordInfo } from '../protocol/module/pipeline';
import { createHmacSigner } from '../protocol/record/hmac-signer';
import { errorMessage } from '../protocol/errors';
import { fromHex, toHex } from '../protocol/bytes';
import { clock, sha256 } from './platform';
import { openSecureElement } from './atecc608/secure-element';
import { StorageChainStore, readEngineState, readHmacKey, saveEngineState } from './storage-state';

declare const FIRMWARE_VERSION: string;
declare const FIRMWARE_HASH: string;

/** Sealed records kept in RAM for the console (each is up to 4 KiB; the ESP32 has ~12k 14-byte JsVars in all). */
export const RECORD_RING = 4;
/** Samples held while the signer is being opened (11 channels every 2 s: about 30 s). */
const PENDING_SAMPLES_MAX = 160;
const TICK_MS = 1000;
const SIGNER_RETRY_MS = 30000;
/** The JS event loop must tick at least this often or the ESP32 task watchdog resets the module. */
const WATCHDOG_S = 20;
const DEFAULT_HMAC_KEY_FILE = 'cems.key';
/**
 * A wall clock before 2025-01-01T00:00:00Z has not been set (an ESP32 starts at 1970 without network time): records
 * made with it would carry invented timestamps, so sealing waits until the clock is set.
 */
export const CLOCK_VALID_AFTER_MS = 1735689600000;

export function clockIsSet(nowMs: number): boolean {
  return nowMs >= CLOCK_VALID_AFTER_MS;
}

export interface HeldRecord {
  seq: number;
  kind: string;
  periodStartMs: number;
  bytes: Uint8Array;
}

export class RecordsService {
  pipeline: RecordPipeline | null = null;
  signerState: 'opening' | 'ready' | 'failed' = 'opening';
  signerError = '';
  signerAttempts = 0;
  kid = '';
  readonly held: HeldRecord[] = [];
  sealed = 0;
  samplesBeforeReady = 0;
  samplesDroppedBeforeReady = 0;
  /** Samples taken while the clock was not set: their timestamps mean nothing, so they are not recorded. */
  samplesBeforeClock = 0;
  private signer: Signer | null = null;
  private pending: Sample[] = [];

  constructor(
    private readonly config: ModuleConfig,
    private readonly out: ConsoleLines,
  ) {}

  start(): void {
    E.enableWatchdog(WATCHDOG_S, false);
    setInterval(() => this.tick(), TICK_MS);
    if (!clockIsSet(clock.nowMs())) this.out.line('records: clock not set; sealing waits for the time (console: time <UTC ISO 8601>)');
    this.openSigner();
  }

  /** The clock was set or stepped by `stepMs` (technician command, later NTP). */
  clockSet(stepMs: number): void {
    this.startPipeline();
    // Records from now on say the time was set by hand, when, and by how much (a time-set event for real steps).
    if (this.pipeline) this.pipeline.clockSynced(clock.nowMs(), 'manual', stepMs);
  }

  onSample(s: Sample): void {
    if (!clockIsSet(s.tMs)) {
      this.samplesBeforeClock++;
      return;
    }
    if (this.pipeline) {
      this.pipeline.onSample(s);
      return;
    }
    this.samplesBeforeReady++;
    if (this.pending.length < PENDING_SAMPLES_MAX) this.pending.push(s);
    else this.samplesDroppedBeforeReady++;
  }

  status(): PipelineStatus | null {
    return this.pipeline ? this.pipeline.status() : null;
  }

  private tick(): void {
    E.kickWatchdog();
    if (this.pipeline) this.pipeline.tick(clock.nowMs());
    else this.startPipeline();
  }

  private openSigner(): void {
    this.signerAttempts++;
    const r = this.config.records;
    if (r.signer === 'hmac') {
      const key = readHmacKey(r.hmacKeyFile || DEFAULT_HMAC_KEY_FILE);
      if (!key) {
        this.signerFailed('no HMAC key provisioned in Storage "' + (r.hmacKeyFile || DEFAULT_HMAC_KEY_FILE) + '"', false);
        return;
      }
      try {
        this.signerReady(createHmacSigner(sha256, key, fromHex(r.kid || '')));
      } catch (e) {
        this.signerFailed(errorMessage(e), false);
      }
      return;
    }
    const se = r.atecc608!;
    openSecureElement(
      { i2c: se.bus === 'I2C2' ? I2C2 : I2C1, scl: se.scl, sda: se.sda, address: se.address, slot: se.slot, gpioWake: se.gpioWake },
      (err, signer) => {
        if (err || !signer) this.signerFailed(err ? err.message : 'no signer', true);
        else this.signerReady(signer);
      },
    );
  }

  private signerFailed(message: string, retry: boolean): void {
    this.signerState = 'failed';
    this.signerError = message;
    this.out.line('records: signer not available: ' + message + (retry ? ' (retrying)' : ''));
    if (retry) setTimeout(() => this.openSigner(), SIGNER_RETRY_MS);
  }

  private signerReady(signer: Signer): void {
    this.signerState = 'ready';
    this.signerError = '';
    this.kid = toHex(signer.kid);
    this.signer = signer;
    this.startPipeline();
  }

  /** Starts the pipeline once both the signer and the clock are ready. */
  private startPipeline(): void {
    if (this.pipeline || !this.signer || !clockIsSet(clock.nowMs())) return;
    const store = new StorageChainStore(sha256);
    const pipeline = new RecordPipeline({
      config: this.config,
      signer: this.signer,
      sha256: sha256,
      clock: clock,
      store: store,
      sink: (cose: Uint8Array, info: RecordInfo) => this.hold(cose, info),
      firmware: { hash: fromHex(FIRMWARE_HASH), version: FIRMWARE_VERSION },
      engineState: readEngineState(),
      saveEngineState: saveEngineState,
    });
    pipeline.boot({ reason: 'unknown', persisted: store.boot.bytes, journalTail: null });
    this.pipeline = pipeline;
    const pending = this.pending;
    this.pending = [];
    for (let i = 0; i < pending.length; i++) pipeline.onSample(pending[i]);
  }

  private hold(cose: Uint8Array, info: RecordInfo): void {
    this.sealed++;
    this.held.push({ seq: info.seq, kind: info.kind, periodStartMs: info.periodStartMs, bytes: cose });
    if (this.held.length > RECORD_RING) this.held.shift();
  }
}
