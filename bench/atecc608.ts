// ATECC608 sign path: emulated throughput in Node, bytes on the I2C bus per signature, the expected device-side
// latency (I2C wire time at 100 kHz + wake delay + the chip's typical execution times), and the fixture plant's hourly
// records (two parts) sealed through the records service -> Atecc608Signer -> driver -> simulated I2C -> emulator.
// SandboxAtecc runs the bundled record path from dist/conformance.js (CONFORMANCE.atecc: the records service signed by
// the firmware's secure-element signer, firmware/signer.ts over the cems.se module) inside the Espruino-profile sandbox
// with the emulator on I2C1; bench/run.ts reports it and test/atecc608/bench.test.ts checks it.
import { Atecc608, atecc608Options } from '../protocol/atecc608/driver';
import { Atecc608Signer, KID_LENGTH, kidFromPublicKey, openAtecc608Signer } from '../protocol/atecc608/signer';
import { OP_NONCE, OP_RANDOM, OP_SIGN, WAKE_DELAY_US } from '../protocol/atecc608/constants';
import { typicalExecMs } from '../protocol/atecc608/exec-times';
import type { AteccSignDone, AteccSignResult } from '../test/kit/atecc608-vectors';
import { bytesEqual, fromHex, toHex } from '../protocol/bytes';
import { codedError } from '../protocol/errors';
import { decodeCose } from '../protocol/record/cose';
import { decodeRecordPayload, type RecordData } from '../protocol/record/schema';
import { SIGNER_HEADROOM } from '../protocol/record/signer';
import { VirtualTime } from '../host-sim/atecc608/clock';
import { SimI2cBus } from '../host-sim/atecc608/i2c-bus';
import { Atecc608Emulator } from '../host-sim/atecc608/emulator';
import { EspruinoMachine } from '../host-sim/espruino/sandbox';
import { VirtualTime as SandboxTime } from '../host-sim/espruino/time';
import { es256PublicKeyFromRaw } from '../host-sim/record/es256-signer';
import { nodeSha256 } from '../host-sim/record/node-sha256';
import { verifySign1 } from '../host-sim/verifier/es256';
import { bootedRecords, sealHours, type RecordKit } from '../test/kit/record-kit';

const BITRATE = 100_000;

interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/**
 * Checks a record the way a verifier does: tagged COSE_Sign1, kid derived from the chip's public key (64 bytes X || Y),
 * ES256 signature over the Sig_structure (node:crypto), strict schema decode. Throws with the reason otherwise.
 */
export function verifyAteccRecord(record: Uint8Array, publicKey: Uint8Array): RecordData {
  const msg = decodeCose(record, { requireTag: true });
  const kid = kidFromPublicKey(nodeSha256, publicKey, KID_LENGTH);
  if (msg.kid === null) throw codedError('COSE_KID_MISSING', 'record carries no kid');
  if (!bytesEqual(msg.kid, kid)) throw codedError('COSE_KID_UNKNOWN', 'record kid ' + toHex(msg.kid) + ' is not the chip key kid ' + toHex(kid));
  verifySign1(msg, es256PublicKeyFromRaw(publicKey.subarray(0, 32), publicKey.subarray(32)), null);
  return decodeRecordPayload(msg.payload);
}

/** Driver -> simulated 100 kHz bus -> emulator on a virtual clock: execution delays cost no wall time. */
function nodeRig() {
  const time = new VirtualTime();
  const bus = new SimI2cBus(time, BITRATE);
  const chip = new Atecc608Emulator({ clock: time, seed: null });
  bus.attach(chip);
  return { time, bus, chip, device: new Atecc608(bus, time, atecc608Options(chip.address)) };
}

/** Starts a callback-style operation, runs virtual time until nothing is pending, returns what the callback got. */
function settle<T>(time: VirtualTime, what: string, start: (done: (err: Error | null, value: T | null) => void) => void): T {
  const out: { err: Error | null; value: T | null; calls: number } = { err: null, value: null, calls: 0 };
  start((err, value) => {
    out.calls++;
    out.err = err;
    out.value = value;
  });
  time.run();
  if (out.calls !== 1 || out.err || out.value === null) {
    throw new Error('atecc608 bench: ' + what + ' failed' + (out.err ? ': ' + out.err.message : ' (callback ran ' + out.calls + ' times)'));
  }
  return out.value;
}

/** The device's record path on the Node rig: public key read, kid, records service booted (its reboot record signed). */
function nodeRecordChain() {
  const { time, chip, device } = nodeRig();
  const signer = settle<Atecc608Signer>(time, 'opening the signer', (done) => openAtecc608Signer(device, nodeSha256, 0, done));
  const kit = settle<RecordKit>(time, 'booting the chain', (done) => bootedRecords(nodeSha256, signer, (err, k) => done(err ? new Error(err) : null, k)));
  let hour = 0;
  const signHour = (): Uint8Array[] => settle<Uint8Array[]>(time, 'hour ' + hour++, (done) => sealHours(kit, 1, (err, recs) => done(err ? new Error(err) : null, recs)));
  return { chip, signHour };
}

function recordFigure(): { perSecond: number; bytes: number } {
  const { chip, signHour } = nodeRecordChain();
  const first = signHour();
  const quantities = first.map((r) => verifyAteccRecord(r, chip.publicKey(0)!)).reduce((n, d) => n + (d.period ? d.period.quantities.length : 0), 0);
  if (first.length !== 2 || quantities !== 38) throw new Error('atecc608 bench: not the fixture hour in two parts');
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000 && n < 2000) n += signHour().length;
  return { perSecond: (n / (performance.now() - t0)) * 1000, bytes: first[0].length };
}

export function runBench(): Figure[] {
  const { time, bus, chip, device } = nodeRig();
  const signer = new Atecc608Signer(device, nodeSha256, 0, new Uint8Array(8));
  const tbs = new Uint8Array(SIGNER_HEADROOM + 300).fill(0xa5); // only its digest reaches the chip: the size does not matter

  let failures = 0;
  const signOnce = () => {
    signer.sign(tbs, SIGNER_HEADROOM, tbs.length, (err) => {
      if (err) failures++;
    });
    time.run();
  };

  signOnce();
  bus.clearLog();
  signOnce();
  const bytes = bus.wireBytes();
  const wireMs = (bus.wireBits() / BITRATE) * 1000;
  if (chip.stats.signatures !== 2) throw new Error('atecc608 bench: the emulator made ' + chip.stats.signatures + ' signatures, expected 2');

  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000 && n < 2000) {
    signOnce();
    n++;
  }
  const perSecond = (n / (performance.now() - t0)) * 1000;
  if (failures) throw new Error('atecc608 bench: ' + failures + ' signatures failed');

  const records = recordFigure();
  const execMs = typicalExecMs(OP_RANDOM, 0) + typicalExecMs(OP_NONCE, 0) + typicalExecMs(OP_SIGN, 0);
  const wakeMs = WAKE_DELAY_US / 1000;
  const latencyMs = wireMs + wakeMs + execMs;
  return [
    { name: 'emulated signatures (driver + I2C sim + P-256)', value: perSecond, unit: 'sign/s', note: 'Node, virtual time' },
    { name: 'I2C bytes per signature', value: bytes, unit: 'B', note: 'wake, Random, Nonce, Sign, idle; address bytes included' },
    { name: 'I2C wire time per signature at 100 kHz', value: wireMs, unit: 'ms', note: '9 bits/byte + START/STOP' },
    { name: 'chip execution, typical (Random+Nonce+Sign)', value: execMs, unit: 'ms', note: '23 + 20 + 115 ms at clock divider M0' },
    {
      name: 'expected device-side sign latency',
      value: latencyMs,
      unit: 'ms',
      note: 'wire + 1.5 ms wake + execution; Espruino JS time not included',
    },
    {
      name: 'records built + ES256-signed, emulated chip',
      value: records.perSecond,
      unit: 'records/s',
      note:
        'host CPU; hourly parts of the fixture plant, records service + Atecc608Signer + driver + I2C sim + emulator P-256 on a virtual clock; ' +
        records.bytes + ' B COSE_Sign1 (first part), verified with node:crypto',
    },
    {
      name: 'records/s limited by chip execution time',
      value: 1000 / latencyMs,
      unit: 'records/s',
      note: '1000 / device-side sign latency; one chip signs one record at a time',
    },
  ];
}

export interface SandboxSignRun {
  /** Record parts sealed: two per fixture hour. */
  records: number;
  bytes: number;
  kid: string;
  /** The last record signed, COSE_Sign1 bytes. */
  last: Uint8Array;
  /** Wall time the host spent (sandbox interpreter, emulator, timers). */
  hostMs: number;
  /** Simulated time from the call to its callback: chip execution, wake delay, busy polls, clock reads. */
  simulatedMs: number;
}

/**
 * dist/conformance.js booted under virtual time with an ATECC608 emulator on I2C1 (0x60; the wake is the
 * general-call write, which the sandbox bus delivers as an SDA-low pulse). sign(n) runs CONFORMANCE.atecc.signRecords
 * (the next n fixture hours, two record parts each; the first call also opens the signer and seals the boot record)
 * and advances virtual time until its callback fires. The sandbox bus takes no wire time.
 */
export class SandboxAtecc {
  readonly machine: EspruinoMachine;
  readonly chip: Atecc608Emulator;
  private readonly time: SandboxTime;

  constructor(code: string, seed: Uint8Array | null) {
    this.time = new SandboxTime(Date.UTC(2026, 8, 1));
    this.machine = new EspruinoMachine({ time: this.time });
    const machineTime = this.time;
    this.chip = new Atecc608Emulator({ clock: { nowUs: () => machineTime.nowMs() * 1000 }, seed });
    this.machine.i2c.I2C1.connect(this.chip.address, this.chip);
    this.machine.boot(code, 'dist/conformance.js');
  }

  publicKey(): Uint8Array {
    return this.chip.publicKey(0)!;
  }

  sign(n: number): SandboxSignRun {
    const signRecords = this.machine.evaluate('CONFORMANCE.atecc.signRecords') as (n: number, done: AteccSignDone) => void;
    const out: { calls: number; err: string | null; result: AteccSignResult | null; atMs: number } = { calls: 0, err: null, result: null, atMs: 0 };
    const startMs = this.time.nowMs();
    const host0 = performance.now();
    signRecords(n, (err, result) => {
      out.calls++;
      out.err = err;
      out.result = result;
      out.atMs = this.time.nowMs();
    });
    // Generous bound in simulated time (a record part takes ~160 ms): a stuck driver fails instead of spinning.
    const limitMs = startMs + 10000 + n * 4000;
    while (out.calls === 0 && this.time.nowMs() < limitMs) this.time.advance(100);
    const hostMs = performance.now() - host0;
    const what = 'CONFORMANCE.atecc.signRecords(' + n + ')';
    if (out.calls === 0) throw new Error(what + ' did not finish; uncaught: ' + JSON.stringify(this.machine.uncaught));
    if (out.calls > 1) throw new Error(what + ' called back ' + out.calls + ' times');
    if (out.err !== null || out.result === null) throw new Error(what + ' failed: ' + out.err);
    return {
      records: out.result.records,
      bytes: out.result.bytes,
      kid: out.result.kid,
      last: fromHex(out.result.last),
      hostMs,
      simulatedMs: out.atMs - startMs,
    };
  }

  shutdown(): void {
    this.machine.shutdown();
  }
}
