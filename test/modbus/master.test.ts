import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../protocol/bytes';
import { S } from '../../protocol/cems/codes';
import { encodeExceptionResponse, encodeReadResponse, encodeRequest, readRequest } from '../../protocol/modbus/codec';
import { C, H, M, Outcome, masterBytes, masterDeadline, masterTick, startRead } from '../../protocol/modbus/rtu-master';
import { KitPlan } from '../kit/modbus-plan';
import { framerStream, modbusFramerVector } from '../kit/modbus-vectors';
import { attemptsBalance, bytesBalance, line9600, masterHarness, readData, split } from './helpers';

const ADU = encodeRequest(readRequest(3, 4, 5000, 3));
const RES = encodeReadResponse(3, 4, fromHex('42f6e9790100'));

/** Slave 3, one read: input registers 5000..5002. */
function gm32Read(): KitPlan {
  const k = new KitPlan(3, line9600(), 1000);
  k.read(4, 5000, 3);
  return k;
}

describe('RTU master transactions', () => {
  it('frames a response split at every possible point', () => {
    for (let a = 0; a <= RES.length; a++) {
      for (let b = a; b <= RES.length; b++) {
        const { r, written } = masterHarness(gm32Read());
        startRead(r, 0, 0, 0);
        expect(toHex(written[0])).toBe(toHex(ADU));
        let done = false;
        for (const c of split(RES, [a, b])) done = masterBytes(r, c, 20) || done;
        expect(done).toBe(true);
        expect(r.s[M.OUTCOME]).toBe(Outcome.OK);
        expect(toHex(readData(r, 0))).toBe('42f6e9790100');
        expect(attemptsBalance(r.c, 0) && bytesBalance(r.c, 0)).toBe(true);
      }
    }
  });

  it('resynchronises after garbage, a frame from another slave, a wrong function and a corrupted frame', () => {
    const corrupted = RES.slice();
    corrupted[5] ^= 0x40;
    const stream = concatBytes([
      fromHex('00ff0304'),
      encodeReadResponse(7, 4, fromHex('42f6e9790100')),
      encodeReadResponse(3, 3, fromHex('42f6e9790100')),
      corrupted,
      RES,
      fromHex('aa55'),
    ]);
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 0, 0);
    expect(masterBytes(r, stream, 30)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.OK);
    expect(r.c[C.CRC_REJECTS]).toBeGreaterThanOrEqual(1);
    expect(r.c[C.BYTES_FRAMED]).toBe(RES.length);
    expect(r.c[C.BYTES_DISCARDED]).toBe(stream.length - RES.length);
    expect(r.c[C.RESYNCS]).toBeGreaterThanOrEqual(1);
    expect(bytesBalance(r.c, 0)).toBe(true);
  });

  it('does not take a frame of the addressed slave and function with another byte count for the answer', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 0, 0);
    expect(masterBytes(r, encodeReadResponse(3, 4, fromHex('42f6e979')), 20)).toBe(false);
    expect(r.c[C.BYTES_DISCARDED]).toBe(9);
    expect(masterTick(r, 509)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.TIMEOUT);
  });

  it('times out without a response, retries, and counts every attempt', () => {
    const { r, written } = masterHarness(gm32Read());
    startRead(r, 0, 2, 0);
    expect(masterTick(r, 508)).toBe(false); // 9 ms request wire time + 500 ms not yet over
    expect(masterTick(r, 509)).toBe(false); // timeout -> waits the inter-frame gap
    expect(r.c[C.TIMEOUTS]).toBe(1);
    expect(masterDeadline(r)).toBe(513);
    masterTick(r, 513);
    expect(written.length).toBe(2);
    masterTick(r, 1100);
    masterTick(r, 1104);
    expect(written.length).toBe(3);
    expect(masterTick(r, 2000)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.TIMEOUT);
    expect(r.c[C.SENT]).toBe(3);
    expect(r.c[C.RETRIES]).toBe(2);
    expect(r.c[C.TIMEOUTS]).toBe(3);
    expect(masterDeadline(r)).toBe(-1);
    expect(attemptsBalance(r.c, 0)).toBe(true);
  });

  it('counts each attempt into the device being read as it happens', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 1, 0);
    expect([r.h[H.SENT], r.h[H.TIMEOUTS], r.h[H.RETRIES]]).toEqual([1, 0, 0]);
    masterTick(r, 509);
    expect([r.h[H.SENT], r.h[H.TIMEOUTS], r.h[H.RETRIES]]).toEqual([1, 1, 1]);
    masterTick(r, 513);
    expect(r.h[H.SENT]).toBe(2);
    masterBytes(r, RES, 540);
    expect([r.h[H.SENT], r.h[H.OK], r.h[H.TIMEOUTS]]).toEqual([2, 1, 1]);
  });

  it('succeeds on a retry after a corrupted response; a late answer to the first attempt is discarded', () => {
    const { r, written } = masterHarness(gm32Read());
    startRead(r, 0, 1, 0);
    const bad = RES.slice();
    bad[4] ^= 1;
    masterBytes(r, bad, 30);
    expect(masterTick(r, 100)).toBe(false);
    expect(masterTick(r, 111)).toBe(false); // 80 ms silence after a CRC failure ends the attempt
    expect(r.c[C.CRC_ERRORS]).toBe(1);
    masterBytes(r, fromHex('0304'), 112); // stray bytes while waiting to resend
    masterTick(r, 115);
    expect(written.length).toBe(2);
    expect(masterBytes(r, RES, 140)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.OK);
    expect(r.c[C.UNSOLICITED]).toBe(2);
    expect(attemptsBalance(r.c, 0) && bytesBalance(r.c, 0)).toBe(true);
  });

  it('gives up on a partial frame after the silence timeout', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 0, 0);
    masterBytes(r, RES.subarray(0, 6), 30);
    expect(masterTick(r, 109)).toBe(false);
    expect(masterTick(r, 110)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.TIMEOUT);
    expect(bytesBalance(r.c, 0)).toBe(true);
    expect(r.c[C.BYTES_DISCARDED]).toBe(6);
  });

  it('finds the frame behind a false start that announces more bytes than ever come', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 0, 0);
    // 03 04 06 looks like the start of an 11-byte answer; the real answer is a 5-byte exception and then silence.
    masterBytes(r, concatBytes([fromHex('030406'), encodeExceptionResponse(3, 4, 6)]), 30);
    expect(r.s[M.BUSY]).toBe(1);
    expect(masterTick(r, 110)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.EXCEPTION);
    expect(r.s[M.EXCEPTION]).toBe(6);
    expect(r.c[C.BYTES_DISCARDED]).toBe(3);
  });

  it('reports a CRC error when the only candidate fails its CRC', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 0, 0);
    const bad = RES.slice();
    bad[bad.length - 1] ^= 0xff;
    masterBytes(r, bad, 30);
    expect(masterTick(r, 200)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.CRC);
  });

  it('returns exceptions without retrying', () => {
    const { r } = masterHarness(gm32Read());
    startRead(r, 0, 2, 0);
    expect(masterBytes(r, encodeExceptionResponse(3, 4, 2), 20)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.EXCEPTION);
    expect(r.s[M.EXCEPTION]).toBe(2);
    expect(r.c[C.SENT]).toBe(1);
  });

  it('takes an exception response with code 0 as an invalid answer: retried, never an exception or a value', () => {
    const { r, written } = masterHarness(gm32Read());
    startRead(r, 0, 1, 0);
    expect(masterBytes(r, encodeExceptionResponse(3, 4, 0), 20)).toBe(false);
    expect(r.c[C.INVALID]).toBe(1);
    expect(r.c[C.EXCEPTIONS]).toBe(0);
    expect(r.c[C.RETRIES]).toBe(1);
    masterTick(r, 20 + line9600().interFrameMs);
    expect(written.length).toBe(2);
    expect(masterBytes(r, encodeExceptionResponse(3, 4, 0), 60)).toBe(true);
    expect(r.s[M.OUTCOME]).toBe(Outcome.INVALID);
    expect([r.c[C.SENT], r.c[C.INVALID], r.c[C.OK], r.c[C.EXCEPTIONS]]).toEqual([2, 2, 0, 0]);
    expect(attemptsBalance(r.c, 0)).toBe(true);
  });

  it('conformance framer vector: answers behind noise and false starts, a CRC error, a salvaged exception, a timeout', () => {
    const v = modbusFramerVector();
    const outcomes = v.reads.map((r) => r.split(' ').slice(0, 2).join(' '));
    const [ok, exception, crc, timeout] = [Outcome.OK, Outcome.EXCEPTION, Outcome.CRC, Outcome.TIMEOUT];
    expect(outcomes).toEqual([ok + ' 0', ok + ' 0', exception + ' 6', ...Array(12).fill(ok + ' 0'), crc + ' 0', exception + ' 4', timeout + ' 0']);
    expect(v.reads[0]).toBe('1 0 022b00000064');
    expect(v.reads[1]).toBe('1 0 cd6b05');
    // Exception 06 (busy) is a lost value, 04 (device failure) a fault; a CRC error and a timeout lose the value too.
    expect(v.samples.map((s) => Number(s.split(' ')[1]))).toEqual([
      S.VALID,
      S.VALID,
      S.COMMS_LOSS,
      ...Array(12).fill(S.VALID),
      S.COMMS_LOSS,
      S.FAULT,
      S.COMMS_LOSS,
    ]);
    const c = v.counters;
    expect(c.bytesIn).toBe(framerStream().length);
    expect(c.bytesFramed + c.bytesDiscarded + v.pending).toBe(c.bytesIn);
    expect([c.sent, c.ok, c.exceptions, c.crcErrors, c.timeouts, c.frames]).toEqual([18, 14, 2, 1, 1, 16]);
    expect(c.crcRejects).toBeGreaterThanOrEqual(3); // the corrupted copy, the FC01 false start, the corrupted answer
    expect(c.unsolicited).toBeGreaterThan(0);
  });
});
