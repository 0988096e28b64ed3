// The driver against the emulator, asserted on the bytes that cross the simulated I2C bus.
import { describe, expect, it } from 'vitest';
import { readConfigZone, readPublicKey, readRandom, readRevision, signDigest } from '../../protocol/atecc608/operations';
import { infoRevision, signMsgDigest } from '../../protocol/atecc608/commands';
import { Atecc608, atecc608Options } from '../../protocol/atecc608/driver';
import { putCrc } from '../../protocol/atecc608/crc';
import type { I2cTransfer } from '../../host-sim/atecc608/i2c-bus';
import { hex, rig, settle } from './rig';
import { DEVICE_STATUSES } from './statuses';

type Rig = ReturnType<typeof rig>;

/** The transcript as 'W60 0307...' / 'R60 07' / 'W00 01 NACK' lines. */
function transcript(transfers: I2cTransfer[]): string[] {
  return transfers.map(
    (t) => (t.op === 'write' ? 'W' : 'R') + t.address.toString(16).padStart(2, '0') + ' ' + hex(t.data) + (t.ack ? '' : ' NACK'),
  );
}

const WAKE = ['W00 01 NACK', 'R60 04113343'];
const IDLE = 'W60 02';
const SLEEP = 'W60 01';

function commandWrites(r: Rig): string[] {
  return r.bus.transfers.filter((t) => t.op === 'write' && t.data[0] === 0x03 && t.ack).map((t) => hex(t.data));
}

describe('wake, idle, sleep', () => {
  it('wakes with a general-call write, waits 1500 us, reads 04 11 33 43, and idles after the session', () => {
    const r = rig({ variant: 'ATECC608A' });
    const out = settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb));
    expect(out.err).toBeNull();
    expect(hex(out.value)).toBe('00006002');
    expect(transcript(r.bus.transfers)).toEqual([
      ...WAKE,
      'W60 030730000000035d',
      'R60 07',
      'R60 000060028038',
      IDLE,
    ]);
    const t = r.bus.transfers;
    expect(t[1].atUs - t[0].atUs).toBe(1500);
    // The count byte is read after Info's 5 ms typical execution time, not before.
    expect(t[3].atUs - t[2].atUs).toBe(5000);
    expect(r.chip.state).toBe('idle');
  });

  it('reads the ATECC608B revision', () => {
    const r = rig({ variant: 'ATECC608B' });
    expect(hex(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).value)).toBe('00006003');
  });

  it('puts the device to sleep (word address 0x01) after a failed session', () => {
    const r = rig();
    r.chip.faults.forcedStatus = 0x0f;
    r.chip.faults.forcedStatusCount = 1;
    const out = settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb));
    expect(out.err?.code).toBe('ATECC_EXECUTION_ERROR');
    expect(transcript(r.bus.transfers).at(-1)).toBe(SLEEP);
    expect(r.chip.state).toBe('sleep');
  });

  it('wake/idle/sleep as direct calls produce exactly their bus writes', () => {
    const r = rig();
    r.dev.wake();
    r.dev.idle();
    r.dev.wake();
    r.dev.sleep();
    expect(transcript(r.bus.transfers)).toEqual([...WAKE, IDLE, ...WAKE, SLEEP]);
  });

  it('reports ATECC_NO_DEVICE after three wake pulses when nothing answers at the address', () => {
    const r = rig();
    const dev = new Atecc608(r.bus, r.time, atecc608Options(0x61));
    const out = settle<Uint8Array>(r.time, (cb) => readRevision(dev, cb));
    expect(out.err?.code).toBe('ATECC_NO_DEVICE');
    expect(out.err?.message).toContain('0x61 after 3 wake pulses');
    expect(transcript(r.bus.transfers.slice(0, 6))).toEqual(['W00 01 NACK', 'R61  NACK', 'W00 01 NACK', 'R61  NACK', 'W00 01 NACK', 'R61  NACK']);
  });

  it('cannot wake the device on a 400 kHz bus: the address byte holds SDA low for only 20 us', () => {
    const r = rig({ bitrateHz: 400_000 });
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err?.code).toBe('ATECC_NO_DEVICE');
    expect(r.chip.stats.wakes).toBe(0);
  });

  it('rejects a wrong wake token with the bytes it got', () => {
    const r = rig();
    r.chip.faults.wakeToken = Uint8Array.from([0x04, 0x11, 0x33, 0x44]);
    const out = settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb));
    expect(out.err?.code).toBe('ATECC_WAKE_TOKEN');
    expect(out.err?.message).toContain('wake answered 04113344, expected 04113343');
  });

  it('maps a self-test failure reported at wake (status 0x07) to ATECC_SELF_TEST_ERROR', () => {
    const r = rig();
    const token = Uint8Array.from([0x04, 0x07, 0, 0]);
    putCrc(token, 0, 2);
    r.chip.faults.wakeToken = token;
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err?.code).toBe('ATECC_SELF_TEST_ERROR');
  });

  it('uses a configured address (Trust&GO TNGTLS: 7-bit 0x35 = 8-bit 0x6A) and refuses 8-bit addresses', () => {
    const r = rig({ address: 0x35 });
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err).toBeNull();
    expect(r.bus.transfers.slice(1).every((t) => t.address === 0x35)).toBe(true);
    expect(() => new Atecc608(r.bus, r.time, atecc608Options(0xc0))).toThrow(expect.objectContaining({ code: 'ATECC_BAD_ARG' }));
  });
});

describe('command bytes on the bus', () => {
  it('the sign flow sends Random, Nonce pass-through and Sign exactly as cryptoauthlib calib_sign does', () => {
    const r = rig();
    const out = settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, new Uint8Array(32), cb));
    expect(out.err).toBeNull();
    expect(out.value).toHaveLength(64);
    expect(commandWrites(r)).toEqual(['03071b00000024cd', '032716430000' + '00'.repeat(32) + '143a', '030741a000007b85']);
    const lines = transcript(r.bus.transfers);
    expect(lines.slice(0, 2)).toEqual(WAKE);
    expect(lines.at(-1)).toBe(IDLE);
    // Random -> 32 bytes (count 0x23), Nonce -> status 00 (04 00 03 40), Sign -> 64 bytes (count 0x43).
    expect(lines).toContain('R60 23');
    expect(lines).toContain('R60 000340');
    expect(lines).toContain('R60 43');
  });

  it('GenKey mode 0 and the four config block reads carry the right modes and addresses', () => {
    const r = rig();
    expect(settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 0, cb)).value).toHaveLength(64);
    expect(settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 2, cb)).err?.code).toBe('ATECC_EXECUTION_ERROR');
    const config = settle<Uint8Array>(r.time, (cb) => readConfigZone(r.dev, cb));
    expect(config.value).toEqual(r.chip.config);
    const writes = commandWrites(r);
    expect(writes[0]).toBe('0307400000000005');
    expect(writes[1].slice(0, 12)).toBe('030740000200');
    expect(writes.slice(2).map((w) => w.slice(0, 12))).toEqual(['030702800000', '030702800800', '030702801000', '030702801800']);
    expect(writes[2]).toBe('03070280000009ad');
  });

  it('refuses bad arguments without touching the bus', () => {
    const r = rig();
    expect(settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, new Uint8Array(31), cb)).err?.code).toBe('ATECC_BAD_ARG');
    const slot = settle<Uint8Array>(r.time, (cb) => readPublicKey(r.dev, 16, cb));
    expect(slot.err?.code).toBe('ATECC_BAD_ARG');
    expect(commandWrites(r)).toEqual([]);
  });
});

describe('busy polling', () => {
  it('polls every 2 ms after the typical time while the device NACKs, then reads the response', () => {
    const r = rig({ execTimesMs: { 0x41: 130 } });
    const out = settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, new Uint8Array(32), cb));
    expect(out.err).toBeNull();
    const signWrite = r.bus.transfers.findIndex((t) => t.op === 'write' && t.data[2] === 0x41);
    const polls = r.bus.transfers.slice(signWrite + 1).filter((t) => t.op === 'read');
    const t0 = r.bus.transfers[signWrite].atUs;
    const nacked = polls.filter((t) => !t.ack);
    expect(nacked.map((t) => (t.atUs - t0) / 1000)).toEqual([115, 117, 119, 121, 123, 125, 127, 129]);
    expect((polls[nacked.length].atUs - t0) / 1000).toBe(131);
    expect(hex(polls[nacked.length].data)).toBe('43');
  });

  it('gives up with ATECC_TIMEOUT at the maximum execution time of a stuck device, and recovers after its watchdog', () => {
    const r = rig();
    r.chip.faults.stuckBusy = true;
    const out = settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, new Uint8Array(32), cb));
    expect(out.err?.code).toBe('ATECC_TIMEOUT');
    expect(out.err?.code).toBe('ATECC_TIMEOUT');
    expect(out.err?.message).toMatch(/^Random: no response 46 ms after the command \(device busy, asleep or gone; I2C readFrom 0x60: slave doesn't ACK/);
    const write = r.bus.transfers.find((t) => t.op === 'write' && t.data[2] === 0x1b)!;
    expect((out.atUs - write.atUs) / 1000).toBe(46);
    // Still executing: the wake is not answered until the 1.3 s watchdog puts the device to sleep.
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err?.code).toBe('ATECC_NO_DEVICE');
    r.chip.faults.stuckBusy = false;
    r.time.delayUs(1_300_000);
    expect(hex(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).value)).toBe('00006003');
    expect(r.chip.stats.watchdogSleeps).toBe(1);
  });

  it('waits the M2 clock-divider times when the device is configured for them', () => {
    const r = rig({ execTimesMs: { 0x41: 665 }, driver: { clockDivider: 2 } });
    expect(settle<Uint8Array>(r.time, (cb) => signDigest(r.dev, 0, new Uint8Array(32), cb)).err).toBeNull();
    expect(r.bus.transfers.filter((t) => !t.ack && t.op === 'read')).toEqual([]);
  });
});

describe('device status codes end to end', () => {
  it.each([...DEVICE_STATUSES, [0x66, 'ATECC_STATUS_UNKNOWN']])('status %d in a Sign response -> %s', (status, code) => {
    const r = rig();
    const out = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((finish) => {
        r.chip.faults.forcedStatus = status;
        r.chip.faults.forcedStatusCount = 1;
        signMsgDigest(r.dev, 0, finish);
      }, cb),
    );
    expect(out.err?.code).toBe(code);
    expect(out.err?.message).toContain('Sign: ');
    expect(transcript(r.bus.transfers).at(-1)).toBe(SLEEP);
  });

  it('real statuses from the device: unknown opcode 0x03, Sign without a loaded digest 0x0F, watchdog 0xEE', () => {
    const r = rig();
    const parse = settle<Uint8Array>(r.time, (cb) => r.dev.session<Uint8Array>((f) => r.dev.command(0x99, 0, 0, null, 4, f), cb));
    expect(parse.err?.code).toBe('ATECC_PARSE_ERROR');
    const exec = settle<Uint8Array>(r.time, (cb) => r.dev.session<Uint8Array>((f) => signMsgDigest(r.dev, 0, f), cb));
    expect(exec.err?.code).toBe('ATECC_EXECUTION_ERROR');
  });

  it('a command that would outlive the 1.3 s watchdog is answered with 0xEE, not run', () => {
    // This part signs in 200 ms; the session dawdles 1.1 s after the wake before asking.
    const r = rig({ execTimesMs: { 0x41: 200 } });
    const late = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((f) => r.time.after(1100, () => signMsgDigest(r.dev, 0, f)), cb),
    );
    expect(late.err?.code).toBe('ATECC_WATCHDOG');
    expect(r.chip.stats.signatures).toBe(0);
  });

  it('a device that fell asleep (watchdog) during a session NACKs the command: ATECC_WRITE_NACK, no hang', () => {
    const r = rig();
    const late = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((f) => r.time.after(1400, () => infoRevision(r.dev, f)), cb),
    );
    expect(late.err?.code).toBe('ATECC_WRITE_NACK');
    expect(r.chip.stats.watchdogSleeps).toBe(1);
  });

  it('rejects a response whose length is not what the command returns', () => {
    const r = rig();
    // Info answers 4 bytes; asking for 32 must not hand back the wrong data.
    const out = settle<Uint8Array>(r.time, (cb) => r.dev.session<Uint8Array>((f) => r.dev.command(0x30, 0, 0, null, 32, f), cb));
    expect(out.err?.code).toBe('ATECC_RX_LENGTH');
    const status = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((f) => r.dev.command(0x16, 0x43, 0, new Uint8Array(32), 32, f), cb),
    );
    expect(status.err?.message).toContain('status 0x00 only, expected 32 data bytes');
  });
});

describe('fault injection', () => {
  it('re-reads a response whose CRC was garbled on the wire (word address 0x00 rewinds the buffer)', () => {
    const r = rig();
    r.chip.faults.corruptResponseReads = 1;
    const out = settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb));
    expect(hex(out.value)).toBe('00006003');
    expect(transcript(r.bus.transfers).slice(2)).toEqual([
      'W60 030730000000035d',
      'R60 07',
      expect.stringMatching(/^R60 00006003(?!83bb)[0-9a-f]{4}$/),
      'W60 00',
      'R60 07',
      'R60 0000600383bb',
      IDLE,
    ]);
  });

  it('gives ATECC_RX_CRC when every read is garbled', () => {
    const r = rig();
    r.chip.faults.corruptResponseReads = Infinity;
    const out = settle<Uint8Array>(r.time, (cb) => readRandom(r.dev, cb));
    expect(out.err?.code).toBe('ATECC_RX_CRC');
    expect(out.err?.message).toContain('response CRC mismatch on 3 reads');
  });

  it('rides out a short NACK storm (wake retried, command write retried)', () => {
    const r = rig();
    r.chip.faults.nackTransfers = 2;
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err).toBeNull();
    expect(r.bus.transfers.filter((t) => t.address === 0x60 && !t.ack)).toHaveLength(2);
    const storm = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((f) => {
        r.chip.faults.nackTransfers = 2;
        infoRevision(r.dev, f);
      }, cb),
    );
    expect(hex(storm.value)).toBe('00006003');
  });

  it('ends a long NACK storm with a clear error, never a hang', () => {
    const r = rig();
    r.chip.faults.nackTransfers = 1000;
    expect(settle<Uint8Array>(r.time, (cb) => readRevision(r.dev, cb)).err?.code).toBe('ATECC_NO_DEVICE');
    r.chip.faults.nackTransfers = 0;
    const out = settle<Uint8Array>(r.time, (cb) =>
      r.dev.session<Uint8Array>((f) => {
        r.chip.faults.nackTransfers = 1000;
        infoRevision(r.dev, f);
      }, cb),
    );
    expect(out.err?.code).toBe('ATECC_WRITE_NACK');
    expect(out.err?.message).toContain('Info: command not acknowledged after 3 writes');
  });
});

describe('sessions', () => {
  it('queues concurrent operations: each runs its own wake ... idle, never interleaved', () => {
    const r = rig();
    const results: string[] = [];
    signDigest(r.dev, 0, new Uint8Array(32), (err, sig) => results.push('sign ' + (err ? err.code : sig!.length)));
    readRevision(r.dev, (err, rev) => results.push('info ' + (err ? err.code : hex(rev))));
    readRandom(r.dev, (err, rnd) => results.push('random ' + (err ? err.code : rnd!.length)));
    r.time.run();
    expect(results).toEqual(['sign 64', 'info 00006003', 'random 32']);
    const lines = transcript(r.bus.transfers);
    const wakes = lines.map((l, i) => (l === 'W00 01 NACK' ? i : -1)).filter((i) => i >= 0);
    const idles = lines.map((l, i) => (l === IDLE ? i : -1)).filter((i) => i >= 0);
    expect(wakes).toHaveLength(3);
    expect(idles).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(wakes[i]).toBeLessThan(idles[i]);
      if (i) expect(idles[i - 1]).toBeLessThan(wakes[i]);
    }
  });

  it('refuses a second command while one is running', () => {
    const r = rig();
    const codes: string[] = [];
    r.dev.wake();
    infoRevision(r.dev, (err) => codes.push(err ? err.code : 'ok'));
    infoRevision(r.dev, (err) => codes.push(err ? err.code : 'ok'));
    r.time.run();
    expect(codes).toEqual(['ATECC_IN_USE', 'ok']);
  });
});
