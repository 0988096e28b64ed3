// An ATECC608A/B emulator on the simulated I2C bus. It speaks the chip's byte protocol: wake by SDA low >= 60 us,
// 1.5 ms until the wake status 04 11 33 43 can be read, NACK while asleep / idle / waking / executing, word
// addresses 0x00 reset, 0x01 sleep, 0x02 idle, 0x03 command, CRC-checked command packets (status 0xFF on a bad
// CRC), execution delays in emulated time, status packets, and the watchdog that puts an awake device to sleep
// 1.3 s after its wake. Keys are real P-256 keys; Sign produces a real ECDSA signature over the message digest
// buffer. Faults can be injected (see Atecc608Faults).
//
// Emulated commands: Info (revision), Random, Nonce pass-through, Sign external, GenKey (public key / create),
// Read (config, OTP, data). Anything else answers status 0x03 (parse error).
import { createHash, randomBytes } from 'node:crypto';
import {
  ATECC608_DEFAULT_ADDRESS,
  CONFIG_ZONE_SIZE,
  GENKEY_MODE_PRIVATE,
  GENKEY_MODE_PUBLIC,
  NONCE_MODE_INPUT_64,
  NONCE_MODE_PASSTHROUGH,
  OP_GENKEY,
  OP_INFO,
  OP_NONCE,
  OP_RANDOM,
  OP_READ,
  OP_SIGN,
  READ_32_BYTES,
  READ_ZONE_CONFIG,
  READ_ZONE_DATA,
  READ_ZONE_OTP,
  SIGN_MODE_EXTERNAL,
  SIGN_MODE_SOURCE_MSGDIGBUF,
  WAKE_DELAY_US,
  WAKE_LOW_MIN_US,
  WAKE_TOKEN,
  WORD_ADDRESS_COMMAND,
  WORD_ADDRESS_IDLE,
  WORD_ADDRESS_RESET,
  WORD_ADDRESS_SLEEP,
} from '../../protocol/atecc608/constants';
import { allowsExternalSign, isP256PrivateKeySlot, slotConfig } from '../../protocol/atecc608/config-zone';
import { crcMatches, putCrc } from '../../protocol/atecc608/crc';
import { typicalExecMs } from '../../protocol/atecc608/exec-times';
import {
  STATUS_CRC_ERROR,
  STATUS_EXECUTION_ERROR,
  STATUS_PARSE_ERROR,
  STATUS_SUCCESS,
  STATUS_WATCHDOG_EXPIRE,
} from '../../protocol/atecc608/status';
import type { EmuClock } from './clock';
import type { SimI2cDevice } from './i2c-bus';
import { bytesToBigInt, isValidPrivateKey, N, publicKeyOf, rfc6979Nonce, signDigest } from './p256';

export type Atecc608Variant = 'ATECC608A' | 'ATECC608B';
export type PowerState = 'sleep' | 'idle' | 'awake';

export interface Atecc608EmulatorOptions {
  clock: EmuClock;
  /** 7-bit address, default 0x60. */
  address?: number;
  variant?: Atecc608Variant;
  /**
   * Deterministic mode: RNG output (Random, GenKey create, default keys) from SHA-256(seed || counter) and RFC 6979
   * signature nonces. Omitted or null: node:crypto randomness and random nonces, like the chip.
   */
  seed?: Uint8Array | null;
  /** 9-byte serial number; default 01 23, six RNG bytes, EE. */
  serialNumber?: Uint8Array;
  configLocked?: boolean;
  dataLocked?: boolean;
  /** Private keys (32-byte scalars) by slot; slot 0 gets an RNG key when not given. */
  privateKeys?: { [slot: number]: Uint8Array };
  /** Slots GenKey create may not replace once the data zone is locked (Trust&GO slot 0 is permanent). */
  permanentSlots?: number[];
  /** Execution time overrides in ms by opcode (default: the typical M0 times). */
  execTimesMs?: { [opcode: number]: number };
  wakeDelayUs?: number;
  watchdogMs?: number;
}

export interface Atecc608Faults {
  /** Reads that deliver a garbled response CRC on the wire (the stored response stays intact). */
  corruptResponseReads: number;
  /** Transfers to the device address that are NACKed whatever the state (a NACK storm). */
  nackTransfers: number;
  /** An accepted command never finishes: the device NACKs until its watchdog puts it to sleep. */
  stuckBusy: boolean;
  /** Bytes answered to a wake instead of 04 11 33 43. */
  wakeToken: Uint8Array | null;
  /** Status the next `forcedStatusCount` commands answer (after their execution time) instead of executing. */
  forcedStatus: number;
  forcedStatusCount: number;
  /** Only commands with this opcode get the forced status; null = any command. */
  forcedStatusOpcode: number | null;
  /** Output of Random instead of the RNG (a stuck RNG). */
  randomOutput: Uint8Array | null;
}

export interface Atecc608Stats {
  wakes: number;
  commands: number;
  signatures: number;
  watchdogSleeps: number;
}

const SLOT_SIZES = [36, 36, 36, 36, 36, 36, 36, 36, 416, 72, 72, 72, 72, 72, 72, 72];
const LOCKED = 0x00;
const UNLOCKED = 0x55;
// Config of the key slots 0-4: SlotConfig 87 20 (IsSecret, external + internal Sign, ECDH), KeyConfig 33 00
// (private P-256 key, public info, lockable). Slots 5-15 are plain data slots (SlotConfig 00 00, KeyConfig 3C 00).
const KEY_SLOTS = 5;

class EmuRng {
  private counter = 0;
  constructor(private readonly seed: Uint8Array | null) {}

  bytes(n: number): Uint8Array {
    if (!this.seed) return new Uint8Array(randomBytes(n));
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, this.counter++);
      const block = createHash('sha256').update(this.seed).update(c).digest();
      out.set(block.subarray(0, Math.min(32, n - o)), o);
    }
    return out;
  }

  get deterministic(): boolean {
    return this.seed !== null;
  }
}

function buildConfigZone(sn: Uint8Array, variant: Atecc608Variant, address: number, configLocked: boolean, dataLocked: boolean): Uint8Array {
  const c = new Uint8Array(CONFIG_ZONE_SIZE);
  c.set(sn.subarray(0, 4), 0);
  c.set([0x00, 0x00, 0x60, variant === 'ATECC608A' ? 0x02 : 0x03], 4);
  c.set(sn.subarray(4, 9), 8);
  c[13] = 0x01; // AES enabled
  c[14] = 0x01; // I2C interface
  c[16] = address << 1;
  c[19] = 0x00; // ChipMode: clock divider M0, 1.3 s watchdog
  for (let s = 0; s < 16; s++) {
    const key = s < KEY_SLOTS;
    c[20 + 2 * s] = key ? 0x87 : 0x00;
    c[21 + 2 * s] = key ? 0x20 : 0x00;
    c[96 + 2 * s] = key ? 0x33 : 0x3c;
    c[97 + 2 * s] = 0x00;
  }
  c[86] = dataLocked ? LOCKED : UNLOCKED;
  c[87] = configLocked ? LOCKED : UNLOCKED;
  c[88] = 0xff; // SlotLocked: no slot individually locked
  c[89] = 0xff;
  return c;
}

interface Result {
  status: number;
  data: Uint8Array | null;
}

function status(s: number): Result {
  return { status: s, data: null };
}

function data(d: Uint8Array): Result {
  return { status: STATUS_SUCCESS, data: d };
}

export class Atecc608Emulator implements SimI2cDevice {
  readonly address: number;
  readonly variant: Atecc608Variant;
  readonly config: Uint8Array;
  readonly otp = new Uint8Array(64);
  readonly faults: Atecc608Faults = {
    corruptResponseReads: 0,
    nackTransfers: 0,
    stuckBusy: false,
    wakeToken: null,
    forcedStatus: STATUS_SUCCESS,
    forcedStatusCount: 0,
    forcedStatusOpcode: null,
    randomOutput: null,
  };
  readonly stats: Atecc608Stats = { wakes: 0, commands: 0, signatures: 0, watchdogSleeps: 0 };

  private readonly clock: EmuClock;
  private readonly rng: EmuRng;
  private readonly keys: (Uint8Array | null)[] = [];
  private readonly slotData: Uint8Array[] = [];
  private readonly permanentSlots: number[];
  private readonly execTimesMs: { [opcode: number]: number };
  private readonly wakeDelayUs: number;
  private readonly watchdogUs: number;

  private power: PowerState = 'sleep';
  private readyAtUs = 0;
  private watchdogAtUs = 0;
  private busyUntilUs = 0;
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  private outIsResponse = false;
  private tempKey: Uint8Array | null = null;
  private msgDigBuf: Uint8Array | null = null;

  constructor(options: Atecc608EmulatorOptions) {
    this.clock = options.clock;
    this.address = options.address ?? ATECC608_DEFAULT_ADDRESS;
    this.variant = options.variant ?? 'ATECC608B';
    this.rng = new EmuRng(options.seed ?? null);
    const sn = options.serialNumber ?? Uint8Array.of(0x01, 0x23, ...this.rng.bytes(6), 0xee);
    if (sn.length !== 9) throw new Error('emulator: serial number must be 9 bytes');
    const dataLocked = options.dataLocked ?? true;
    this.config = buildConfigZone(sn, this.variant, this.address, options.configLocked ?? true, dataLocked);
    for (let s = 0; s < 16; s++) {
      this.keys.push(null);
      this.slotData.push(new Uint8Array(SLOT_SIZES[s]));
    }
    const given = options.privateKeys ?? {};
    for (const k of Object.keys(given)) {
      const slot = Number(k);
      if (!isValidPrivateKey(given[slot])) throw new Error('emulator: slot ' + slot + ' key is not a P-256 scalar');
      this.keys[slot] = given[slot].slice();
    }
    if (!this.keys[0]) this.keys[0] = this.newPrivateKey();
    this.permanentSlots = options.permanentSlots ?? [0];
    this.execTimesMs = options.execTimesMs ?? {};
    this.wakeDelayUs = options.wakeDelayUs ?? WAKE_DELAY_US;
    this.watchdogUs = (options.watchdogMs ?? 1300) * 1000;
  }

  /** Power state after applying the watchdog at the current emulated time. */
  get state(): PowerState {
    this.settle();
    return this.power;
  }

  /** Public key X || Y of a slot's private key (for tests that check the emulator itself). */
  publicKey(slot: number): Uint8Array | null {
    const d = this.keys[slot];
    return d ? publicKeyOf(d) : null;
  }

  private newPrivateKey(): Uint8Array {
    for (;;) {
      const d = this.rng.bytes(32);
      if (isValidPrivateKey(d)) return d;
    }
  }

  private get configLocked(): boolean {
    return this.config[87] === LOCKED;
  }

  private get dataLocked(): boolean {
    return this.config[86] === LOCKED;
  }

  private now(): number {
    return this.clock.nowUs();
  }

  private enterSleep(): void {
    this.power = 'sleep';
    this.busyUntilUs = 0;
    this.tempKey = null;
    this.msgDigBuf = null;
    this.out = new Uint8Array(0);
    this.outPos = 0;
  }

  private settle(): void {
    if (this.power === 'awake' && this.now() >= this.watchdogAtUs) {
      this.enterSleep();
      this.stats.watchdogSleeps++;
    }
  }

  private setOutput(bytes: Uint8Array, isResponse: boolean): void {
    this.out = bytes;
    this.outPos = 0;
    this.outIsResponse = isResponse;
  }

  wakePulse(lowUs: number): void {
    this.settle();
    if (lowUs < WAKE_LOW_MIN_US || this.power === 'awake') return;
    const now = this.now();
    this.power = 'awake';
    this.readyAtUs = now + this.wakeDelayUs;
    this.watchdogAtUs = now + this.watchdogUs;
    this.busyUntilUs = 0;
    this.setOutput(this.faults.wakeToken ? this.faults.wakeToken.slice() : Uint8Array.from(WAKE_TOKEN), false);
    this.stats.wakes++;
  }

  /** Whether the device acknowledges its address right now. */
  private acknowledges(): boolean {
    this.settle();
    if (this.faults.nackTransfers > 0) {
      this.faults.nackTransfers--;
      return false;
    }
    if (this.power !== 'awake') return false;
    // Readiness latches once observed, so a host clock that steps back a little cannot make it NACK again.
    const now = this.now();
    if (now < this.readyAtUs || now < this.busyUntilUs) return false;
    this.readyAtUs = 0;
    this.busyUntilUs = 0;
    return true;
  }

  write(bytes: Uint8Array): boolean {
    if (!this.acknowledges()) return false;
    if (bytes.length === 0) return true;
    switch (bytes[0]) {
      case WORD_ADDRESS_RESET:
        this.outPos = 0;
        return true;
      case WORD_ADDRESS_SLEEP:
        this.enterSleep();
        return true;
      case WORD_ADDRESS_IDLE:
        // Idle keeps TempKey, the message digest buffer and the RNG state; the watchdog stops.
        this.power = 'idle';
        return true;
      case WORD_ADDRESS_COMMAND:
        this.receiveCommand(bytes.subarray(1));
        return true;
      default:
        return false;
    }
  }

  read(length: number): Uint8Array | null {
    if (!this.acknowledges()) return null;
    const r = new Uint8Array(length);
    const start = this.outPos;
    for (let i = 0; i < length; i++) r[i] = this.outPos + i < this.out.length ? this.out[this.outPos + i] : 0xff;
    this.outPos += length;
    const last = this.out.length - 1;
    if (this.outIsResponse && this.faults.corruptResponseReads > 0 && start <= last && this.outPos > last) {
      r[last - start] ^= 0x5a;
      this.faults.corruptResponseReads--;
    }
    return r;
  }

  private respond(result: Result, execMs: number): void {
    const payload = result.data ?? Uint8Array.of(result.status);
    const frame = new Uint8Array(payload.length + 3);
    frame[0] = frame.length;
    frame.set(payload, 1);
    putCrc(frame, 0, frame.length - 2);
    this.setOutput(frame, true);
    this.busyUntilUs = this.faults.stuckBusy ? Infinity : this.now() + execMs * 1000;
  }

  private receiveCommand(packet: Uint8Array): void {
    this.stats.commands++;
    if (packet.length < 1 || packet[0] !== packet.length || !crcMatches(packet, 0, packet.length - 2)) {
      this.respond(status(STATUS_CRC_ERROR), 0);
      return;
    }
    if (packet.length < 7) {
      this.respond(status(STATUS_PARSE_ERROR), 0);
      return;
    }
    const opcode = packet[1];
    const execMs = this.execTimesMs[opcode] ?? typicalExecMs(opcode, 0);
    if (this.now() + execMs * 1000 > this.watchdogAtUs) {
      this.respond(status(STATUS_WATCHDOG_EXPIRE), 0);
      return;
    }
    const f = this.faults;
    if (f.forcedStatusCount > 0 && (f.forcedStatusOpcode === null || f.forcedStatusOpcode === opcode)) {
      this.faults.forcedStatusCount--;
      this.respond(status(this.faults.forcedStatus), execMs);
      return;
    }
    const param1 = packet[2];
    const param2 = packet[3] | (packet[4] << 8);
    const input = packet.subarray(5, packet.length - 2);
    this.respond(this.execute(opcode, param1, param2, input), execMs);
  }

  private execute(opcode: number, p1: number, p2: number, input: Uint8Array): Result {
    switch (opcode) {
      case OP_INFO:
        return this.info(p1, p2, input);
      case OP_RANDOM:
        return this.random(p1, input);
      case OP_NONCE:
        return this.nonce(p1, input);
      case OP_SIGN:
        return this.sign(p1, p2, input);
      case OP_GENKEY:
        return this.genKey(p1, p2, input);
      case OP_READ:
        return this.readZone(p1, p2, input);
      default:
        return status(STATUS_PARSE_ERROR);
    }
  }

  private info(p1: number, p2: number, input: Uint8Array): Result {
    if (p1 !== 0x00 || p2 !== 0 || input.length) return status(STATUS_PARSE_ERROR);
    return data(this.config.slice(4, 8));
  }

  private random(p1: number, input: Uint8Array): Result {
    if (p1 > 0x01 || input.length) return status(STATUS_PARSE_ERROR);
    if (this.faults.randomOutput) return data(this.faults.randomOutput.slice());
    // With the config zone unlocked the chip answers a fixed FF FF 00 00 pattern instead of random bytes.
    if (!this.configLocked) {
      const r = new Uint8Array(32);
      for (let i = 0; i < 32; i++) r[i] = (i & 3) < 2 ? 0xff : 0x00;
      return data(r);
    }
    return data(this.rng.bytes(32));
  }

  private nonce(p1: number, input: Uint8Array): Result {
    if ((p1 & 0x03) !== NONCE_MODE_PASSTHROUGH) return status(STATUS_PARSE_ERROR);
    const length = p1 & NONCE_MODE_INPUT_64 ? 64 : 32;
    if (input.length !== length || p1 & 0x1c) return status(STATUS_PARSE_ERROR);
    // Targets TempKey (0) and the message digest buffer (1); the alternate key buffer is not emulated.
    const target = (p1 >> 6) & 0x03;
    if (target === 0) this.tempKey = input.slice();
    else if (target === 1) this.msgDigBuf = input.slice(0, 32);
    else return status(STATUS_PARSE_ERROR);
    return status(STATUS_SUCCESS);
  }

  private keySlotUsable(slot: number): boolean {
    return slot < 16 && isP256PrivateKeySlot(this.config, slot);
  }

  private sign(p1: number, p2: number, input: Uint8Array): Result {
    if (!(p1 & SIGN_MODE_EXTERNAL) || p1 & 0x1f || input.length || p2 > 15) return status(STATUS_PARSE_ERROR);
    const source = p1 & SIGN_MODE_SOURCE_MSGDIGBUF ? this.msgDigBuf : this.tempKey;
    const d = this.keys[p2];
    if (!source || !d || !this.keySlotUsable(p2) || !allowsExternalSign(this.config, p2)) {
      return status(STATUS_EXECUTION_ERROR);
    }
    const digest = source.slice(0, 32);
    const nonce = this.rng.deterministic
      ? () => rfc6979Nonce(d, digest)
      : () => bytesToBigInt(randomBytes(32)) % N;
    const signature = signDigest(d, digest, nonce);
    // The digest is consumed: a second Sign needs a new Nonce.
    if (p1 & SIGN_MODE_SOURCE_MSGDIGBUF) this.msgDigBuf = null;
    else this.tempKey = null;
    this.stats.signatures++;
    return data(signature);
  }

  private genKey(p1: number, p2: number, input: Uint8Array): Result {
    if (input.length || p2 > 15) return status(STATUS_PARSE_ERROR);
    if (!this.keySlotUsable(p2)) return status(STATUS_EXECUTION_ERROR);
    if (p1 === GENKEY_MODE_PUBLIC) {
      const d = this.keys[p2];
      return d ? data(publicKeyOf(d)) : status(STATUS_EXECUTION_ERROR);
    }
    if (p1 === GENKEY_MODE_PRIVATE) {
      if (this.dataLocked && this.permanentSlots.indexOf(p2) >= 0) return status(STATUS_EXECUTION_ERROR);
      const d = this.newPrivateKey();
      this.keys[p2] = d;
      return data(publicKeyOf(d));
    }
    return status(STATUS_PARSE_ERROR);
  }

  private readZone(p1: number, p2: number, input: Uint8Array): Result {
    if (input.length || p1 & 0x7c) return status(STATUS_PARSE_ERROR);
    const zone = p1 & 0x03;
    const size = p1 & READ_32_BYTES ? 32 : 4;
    const word = p2 & 0x07;
    if (size === 32 && word !== 0) return status(STATUS_PARSE_ERROR);
    if (zone === READ_ZONE_CONFIG || zone === READ_ZONE_OTP) {
      const area = zone === READ_ZONE_CONFIG ? this.config : this.otp;
      const start = ((p2 >> 3) & 0x1f) * 32 + word * 4;
      if (start + size > area.length) return status(STATUS_PARSE_ERROR);
      return data(area.slice(start, start + size));
    }
    if (zone !== READ_ZONE_DATA) return status(STATUS_PARSE_ERROR);
    const slot = (p2 >> 3) & 0x0f;
    const start = (p2 >> 8) * 32 + word * 4;
    if (start + size > SLOT_SIZES[slot]) return status(STATUS_PARSE_ERROR);
    // Secrets (IsSecret, SlotConfig bit 7) never leave the chip; nothing is readable before the data zone lock.
    if (!this.dataLocked || slotConfig(this.config, slot) & 0x80) return status(STATUS_EXECUTION_ERROR);
    return data(this.slotData[slot].slice(start, start + size));
  }
}
