// ATECC608A/B transport over the I2cBus port: wake / idle / sleep, one command at a time with busy polling, and
// sessions (wake -> commands -> idle) queued so that callers never interleave on the bus.
// Waits of more than a few hundred microseconds go through the Scheduler: the interpreter is never blocked for a
// command's execution time, only for the 1.5 ms wake delay.
import { copyBytes, toHex } from '../bytes';
import { codedError, errorCode, errorMessage, type CodedError } from '../errors';
import type { I2cBus, Scheduler } from '../ports';
import {
  COMMAND_MAX,
  COMMAND_OVERHEAD,
  RESPONSE_MAX,
  RESPONSE_OVERHEAD,
  STATUS_PACKET_SIZE,
  WAKE_ADDRESS,
  WAKE_DELAY_US,
  WAKE_TOKEN,
  WORD_ADDRESS_IDLE,
  WORD_ADDRESS_RESET,
  WORD_ADDRESS_SLEEP,
} from './constants';
import { crcMatches } from './crc';
import { maxExecMs, opcodeName, typicalExecMs, type ClockDivider } from './exec-times';
import { encodeCommand, isPlausibleCount } from './packet';
import {
  ERR_BAD_ARG,
  ERR_I2C,
  ERR_NO_DEVICE,
  ERR_RX_CRC,
  ERR_RX_LENGTH,
  ERR_TIMEOUT,
  ERR_WAKE_TOKEN,
  ERR_WRITE_NACK,
  STATUS_AFTER_WAKE,
  hex2,
  statusError,
} from './status';

export interface Atecc608Options {
  /** 7-bit I2C address (0x60 default; Trust&GO TNGTLS 0x35). */
  address: number;
  /** ChipMode clock divider the device is configured with: selects the execution times. */
  clockDivider: ClockDivider;
  /** Delay between busy polls (cryptoauthlib ATCA_POLLING_FREQUENCY_TIME_MSEC = 2). */
  pollIntervalMs: number;
  /** Wake pulses tried before ATECC_NO_DEVICE. */
  wakeAttempts: number;
  /** Command writes tried (one poll interval apart) before ATECC_WRITE_NACK. */
  writeAttempts: number;
  /** Extra reads of a response that fails its CRC (word address 0x00 rewinds the device's output buffer). */
  crcRetries: number;
}

/** Defaults for a device at `address` (7-bit): clock divider M0, 2 ms polls, 3 wakes, 3 writes, 2 CRC re-reads. */
export function atecc608Options(address: number): Atecc608Options {
  return { address: address, clockDivider: 0, pollIntervalMs: 2, wakeAttempts: 3, writeAttempts: 3, crcRetries: 2 };
}

export type ResponseCallback = (err: CodedError | null, payload: Uint8Array | null) => void;
export type SessionFinish<T> = (err: CodedError | null, result: T | null) => void;
/** The body of a session: runs commands on the awake device and calls `finish` exactly once. */
export type SessionWork<T> = (finish: SessionFinish<T>) => void;

// Second byte of the wake write: cryptoauthlib sends 0x01 so that a general-call listener does not read it as an
// address-programming command. The device itself never acknowledges address 0x00.
const WAKE_PULSE = new Uint8Array([0x01]);
const RESET_WRITE = new Uint8Array([WORD_ADDRESS_RESET]);
const IDLE_WRITE = new Uint8Array([WORD_ADDRESS_IDLE]);
const SLEEP_WRITE = new Uint8Array([WORD_ADDRESS_SLEEP]);
const EMPTY = new Uint8Array(0);

/** Whatever a bus or callback threw, as a CodedError (foreign exceptions become ATECC_I2C). */
function asAteccError(e: unknown): CodedError {
  if (errorCode(e) !== 'EXCEPTION') return e as CodedError;
  return codedError(ERR_I2C, errorMessage(e));
}

function isWakeToken(b: Uint8Array): boolean {
  return b.length === 4 && b[0] === WAKE_TOKEN[0] && b[1] === WAKE_TOKEN[1] && b[2] === WAKE_TOKEN[2] && b[3] === WAKE_TOKEN[3];
}

function wakeTokenError(token: Uint8Array): CodedError {
  // A device that fails its power-on self test answers the wake with a valid status packet carrying 0x07.
  if (token.length === 4 && token[0] === STATUS_PACKET_SIZE && token[1] !== STATUS_AFTER_WAKE && crcMatches(token, 0, 2)) {
    const e = statusError(token[1], 'Wake');
    if (e) return e;
  }
  return codedError(ERR_WAKE_TOKEN, 'wake answered ' + toHex(token) + ', expected ' + toHex(new Uint8Array(WAKE_TOKEN)));
}

export class Atecc608 {
  readonly address: number;
  private readonly tx = new Uint8Array(COMMAND_MAX + 1);
  private readonly rx = new Uint8Array(RESPONSE_MAX);
  private readonly queue: (() => void)[] = [];
  private sessionActive = false;
  private commandActive = false;
  private lastNack = '';

  constructor(
    private readonly bus: I2cBus,
    private readonly scheduler: Scheduler,
    private readonly options: Atecc608Options,
  ) {
    const a = options.address;
    if (!(a >= 0x08 && a <= 0x77 && Math.floor(a) === a)) {
      throw codedError(ERR_BAD_ARG, 'I2C address 0x' + hex2(a) + ' is not a 7-bit device address (8-bit 0xC0 is 0x60)');
    }
    this.address = a;
  }

  /**
   * Wakes the device: general-call write (SDA low for the address byte, NACK expected), tWLO + tWHI = 1500 us,
   * then read the 4-byte wake status and expect 04 11 33 43. Throws ATECC_NO_DEVICE / ATECC_WAKE_TOKEN / a status
   * error (0x07 self-test failure).
   */
  wake(): void {
    let last = 'no attempt';
    for (let i = 0; i < this.options.wakeAttempts; i++) {
      try {
        this.bus.write(WAKE_ADDRESS, WAKE_PULSE);
      } catch (e) {
        // Nobody acknowledges the general-call address: the exception is the normal outcome of the wake pulse.
      }
      this.bus.delayUs(WAKE_DELAY_US);
      let token: Uint8Array | null = null;
      try {
        token = this.bus.read(this.address, 4);
      } catch (e) {
        last = errorMessage(e);
      }
      if (token) {
        if (isWakeToken(token)) return;
        throw wakeTokenError(token);
      }
    }
    throw codedError(
      ERR_NO_DEVICE,
      'no ATECC608 answered at 0x' + hex2(this.address) + ' after ' + this.options.wakeAttempts +
        ' wake pulses (' + last + '); check wiring, address and a bus speed of at most 100 kHz',
    );
  }

  /** Idle (word address 0x02): low power, keeps TempKey / message digest buffer and RNG state; needs a wake. */
  idle(): void {
    this.writeControl(IDLE_WRITE, 'Idle');
  }

  /** Sleep (word address 0x01): lowest power, clears all volatile state; needs a wake. */
  sleep(): void {
    this.writeControl(SLEEP_WRITE, 'Sleep');
  }

  private writeControl(bytes: Uint8Array, name: string): void {
    try {
      this.bus.write(this.address, bytes);
    } catch (e) {
      throw codedError(ERR_WRITE_NACK, name + ' not acknowledged at 0x' + hex2(this.address) + ' (' + errorMessage(e) + ')');
    }
  }

  /**
   * Sends one command to the awake device and delivers its response payload (`responseLength` bytes; 0 for
   * commands that answer with status 0x00 only). Polls from the typical execution time to the maximum.
   */
  command(
    opcode: number,
    param1: number,
    param2: number,
    data: Uint8Array | null,
    responseLength: number,
    done: ResponseCallback,
  ): void {
    const name = opcodeName(opcode);
    if (this.commandActive) {
      done(codedError('ATECC_IN_USE', name + ': another command is still running (use sessions)'), null);
      return;
    }
    if (data && data.length > COMMAND_MAX - COMMAND_OVERHEAD) {
      done(codedError(ERR_BAD_ARG, name + ': ' + data.length + ' data bytes, at most ' + (COMMAND_MAX - COMMAND_OVERHEAD)), null);
      return;
    }
    this.commandActive = true;
    const length = encodeCommand(this.tx, opcode, param1, param2, data);
    const typical = typicalExecMs(opcode, this.options.clockDivider);
    const max = maxExecMs(opcode, this.options.clockDivider);
    const interval = this.options.pollIntervalMs;
    const self = this;
    let writes = 0;
    let waited = 0;

    function finish(err: CodedError | null, payload: Uint8Array | null): void {
      self.commandActive = false;
      done(err, payload);
    }

    function poll(): void {
      let ready = false;
      try {
        ready = self.readFrame(name);
      } catch (e) {
        finish(asAteccError(e), null);
        return;
      }
      if (!ready) {
        if (waited >= max) {
          finish(
            codedError(
              ERR_TIMEOUT,
              name + ': no response ' + waited + ' ms after the command (device busy, asleep or gone; ' + self.lastNack + ')',
            ),
            null,
          );
          return;
        }
        // The last poll lands exactly on the maximum.
        const step = max - waited < interval ? max - waited : interval;
        waited += step;
        self.scheduler.after(step, poll);
        return;
      }
      const count = self.rx[0];
      if (count === STATUS_PACKET_SIZE) {
        const err = statusError(self.rx[1], name);
        if (err) finish(err, null);
        else if (responseLength === 0) finish(null, EMPTY);
        else finish(codedError(ERR_RX_LENGTH, name + ': status 0x00 only, expected ' + responseLength + ' data bytes'), null);
        return;
      }
      if (count - RESPONSE_OVERHEAD !== responseLength) {
        finish(
          codedError(ERR_RX_LENGTH, name + ': ' + (count - RESPONSE_OVERHEAD) + ' data bytes, expected ' + responseLength),
          null,
        );
        return;
      }
      finish(null, copyBytes(self.rx, 1, count - 2));
    }

    function send(): void {
      writes++;
      try {
        self.bus.write(self.address, self.tx.subarray(0, length));
      } catch (e) {
        if (writes < self.options.writeAttempts) {
          self.scheduler.after(interval, send);
          return;
        }
        finish(
          codedError(ERR_WRITE_NACK, name + ': command not acknowledged after ' + writes + ' writes (' + errorMessage(e) + ')'),
          null,
        );
        return;
      }
      waited = typical;
      self.scheduler.after(typical, poll);
    }

    send();
  }

  /**
   * Reads one response frame into rx: the count byte, then count - 1 bytes (as cryptoauthlib does).
   * Returns false while the device NACKs the count read (still executing); throws a CodedError when the frame is
   * bad on every attempt.
   */
  private readFrame(name: string): boolean {
    for (let attempt = 0; ; attempt++) {
      let head: Uint8Array;
      try {
        head = this.bus.read(this.address, 1);
      } catch (e) {
        this.lastNack = errorMessage(e);
        if (attempt === 0) return false;
        throw codedError(ERR_I2C, name + ': response re-read not acknowledged (' + this.lastNack + ')');
      }
      const count = head[0];
      const plausible = isPlausibleCount(count);
      if (plausible) {
        let body: Uint8Array;
        try {
          body = this.bus.read(this.address, count - 1);
        } catch (e) {
          throw codedError(ERR_I2C, name + ': response body read failed (' + errorMessage(e) + ')');
        }
        this.rx[0] = count;
        this.rx.set(body.subarray(0, count - 1), 1);
        if (body.length === count - 1 && crcMatches(this.rx, 0, count - 2)) return true;
      }
      if (attempt >= this.options.crcRetries) {
        if (!plausible) throw codedError(ERR_RX_LENGTH, name + ': impossible response count 0x' + hex2(count));
        throw codedError(
          ERR_RX_CRC,
          name + ': response CRC mismatch on ' + (attempt + 1) + ' reads (' + toHex(this.rx.subarray(0, count)) + ')',
        );
      }
      // Word address 0x00 rewinds the output buffer: the same response is read again.
      try {
        this.bus.write(this.address, RESET_WRITE);
      } catch (e) {
        throw codedError(ERR_I2C, name + ': buffer reset not acknowledged (' + errorMessage(e) + ')');
      }
    }
  }

  /**
   * Runs `work` inside wake ... idle (sleep after an error, which also clears volatile state). Sessions queue:
   * a second caller waits for the first to finish.
   */
  session<T>(work: SessionWork<T>, done: SessionFinish<T>): void {
    const self = this;
    this.queue.push(function () {
      self.runSession(work, done);
    });
    if (!this.sessionActive) this.startNext();
  }

  private startNext(): void {
    const next = this.queue.shift();
    if (next) next();
  }

  private runSession<T>(work: SessionWork<T>, done: SessionFinish<T>): void {
    this.sessionActive = true;
    const self = this;
    let finished = false;
    function finish(err: CodedError | null, result: T | null): void {
      if (finished) return;
      finished = true;
      try {
        if (err) self.sleep();
        else self.idle();
      } catch (e) {
        // A device that is stuck or gone cannot be idled; the watchdog puts it to sleep within 1.3 s.
      }
      self.sessionActive = false;
      if (self.queue.length) {
        self.scheduler.after(0, function () {
          if (!self.sessionActive) self.startNext();
        });
      }
      done(err, result);
    }
    try {
      this.wake();
    } catch (e) {
      finish(asAteccError(e), null);
      return;
    }
    try {
      work(finish);
    } catch (e) {
      finish(asAteccError(e), null);
    }
  }
}
