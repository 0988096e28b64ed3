import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../protocol/bytes';
import {
  encodeExceptionResponse,
  encodeReadResponse,
  encodeRequest,
  encodeWriteResponse,
  readRequest,
  writeRegisterRequest,
} from '../../protocol/modbus/codec';
import {
  OUTCOME_BROADCAST,
  OUTCOME_CRC,
  OUTCOME_EXCEPTION,
  OUTCOME_INVALID,
  OUTCOME_OK,
  OUTCOME_TIMEOUT,
} from '../../protocol/modbus/master';
import { attemptsBalance, bytesBalance, harness, split } from './helpers';

const REQ = readRequest(3, 4, 5000, 3);
const ADU = encodeRequest(REQ);
const RES = encodeReadResponse(3, 4, fromHex('42f6e9790100'));

describe('RTU master transactions', () => {
  it('frames a response split at every possible point', () => {
    for (let a = 0; a <= RES.length; a++) {
      for (let b = a; b <= RES.length; b++) {
        const h = harness();
        h.master.start(REQ, ADU, 0, 0);
        expect(toHex(h.written[0])).toBe(toHex(ADU));
        let done = false;
        for (const c of split(RES, [a, b])) done = h.master.onBytes(c, 20) || done;
        expect(done).toBe(true);
        expect(h.master.outcome).toBe(OUTCOME_OK);
        expect(toHex(h.master.response!.data!)).toBe('42f6e9790100');
        expect(attemptsBalance(h.counters, 0) && bytesBalance(h.counters, 0)).toBe(true);
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
    const h = harness();
    h.master.start(REQ, ADU, 0, 0);
    expect(h.master.onBytes(stream, 30)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_OK);
    expect(h.counters.crcRejects).toBeGreaterThanOrEqual(1);
    expect(h.counters.bytesFramed).toBe(RES.length);
    expect(h.counters.bytesDiscarded).toBe(stream.length - RES.length);
    expect(h.counters.resyncs).toBeGreaterThanOrEqual(1);
    expect(bytesBalance(h.counters, 0)).toBe(true);
  });

  it('times out without a response, retries, and counts every attempt', () => {
    const h = harness();
    h.master.start(REQ, ADU, 2, 0);
    expect(h.master.tick(508)).toBe(false); // 9 ms request wire time + 500 ms not yet over
    expect(h.master.tick(509)).toBe(false); // timeout -> waits the inter-frame gap
    expect(h.counters.timeouts).toBe(1);
    expect(h.master.nextDeadline()).toBe(513);
    h.master.tick(513);
    expect(h.written.length).toBe(2);
    h.master.tick(1100);
    h.master.tick(1104);
    expect(h.written.length).toBe(3);
    expect(h.master.tick(2000)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_TIMEOUT);
    expect(h.counters.sent).toBe(3);
    expect(h.counters.retries).toBe(2);
    expect(h.counters.timeouts).toBe(3);
    expect(attemptsBalance(h.counters, 0)).toBe(true);
  });

  it('succeeds on a retry after a corrupted response; a late answer to the first attempt is discarded', () => {
    const h = harness();
    h.master.start(REQ, ADU, 1, 0);
    const bad = RES.slice();
    bad[4] ^= 1;
    h.master.onBytes(bad, 30);
    expect(h.master.tick(100)).toBe(false);
    expect(h.master.tick(111)).toBe(false); // 80 ms silence after a CRC failure ends the attempt
    expect(h.counters.crcErrors).toBe(1);
    h.master.onBytes(fromHex('0304'), 112); // stray bytes while waiting to resend
    h.master.tick(115);
    expect(h.written.length).toBe(2);
    expect(h.master.onBytes(RES, 140)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_OK);
    expect(h.counters.unsolicitedBytes).toBe(2);
    expect(attemptsBalance(h.counters, 0) && bytesBalance(h.counters, 0)).toBe(true);
  });

  it('gives up on a partial frame after the silence timeout', () => {
    const h = harness();
    h.master.start(REQ, ADU, 0, 0);
    h.master.onBytes(RES.subarray(0, 6), 30);
    expect(h.master.tick(109)).toBe(false);
    expect(h.master.tick(110)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_TIMEOUT);
    expect(bytesBalance(h.counters, 0)).toBe(true);
    expect(h.counters.bytesDiscarded).toBe(6);
  });

  it('finds the frame behind a false start that announces more bytes than ever come', () => {
    const h = harness();
    h.master.start(REQ, ADU, 0, 0);
    // 03 04 06 looks like the start of an 11-byte answer; the real answer is a 5-byte exception and then silence.
    h.master.onBytes(concatBytes([fromHex('030406'), encodeExceptionResponse(3, 4, 6)]), 30);
    expect(h.master.busy).toBe(true);
    expect(h.master.tick(110)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_EXCEPTION);
    expect(h.master.response!.exception).toBe(6);
    expect(h.counters.bytesDiscarded).toBe(3);
  });

  it('reports a CRC error when the only candidate fails its CRC', () => {
    const h = harness();
    h.master.start(REQ, ADU, 0, 0);
    const bad = RES.slice();
    bad[bad.length - 1] ^= 0xff;
    h.master.onBytes(bad, 30);
    expect(h.master.tick(200)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_CRC);
  });

  it('returns exceptions without retrying', () => {
    const h = harness();
    h.master.start(REQ, ADU, 2, 0);
    expect(h.master.onBytes(encodeExceptionResponse(3, 4, 2), 20)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_EXCEPTION);
    expect(h.master.response!.exception).toBe(2);
    expect(h.counters.sent).toBe(1);
  });

  it('checks write echoes and treats a wrong echo as invalid', () => {
    const req = writeRegisterRequest(3, 10, 0x1234);
    const h = harness();
    h.master.start(req, encodeRequest(req), 0, 0);
    expect(h.master.onBytes(encodeWriteResponse(3, 6, 10, 0x1235), 20)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_INVALID);
    expect(h.master.invalidReason).toBe('MODBUS_RESPONSE');
    h.master.start(req, encodeRequest(req), 0, 100);
    expect(h.master.onBytes(encodeWriteResponse(3, 6, 10, 0x1234), 120)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_OK);
  });

  it('does not wait for an answer to a broadcast', () => {
    const req = writeRegisterRequest(0, 10, 1);
    const h = harness();
    h.master.start(req, encodeRequest(req), 2, 0);
    expect(h.master.onBytes(fromHex('00060000'), 5)).toBe(false);
    expect(h.master.tick(108)).toBe(false);
    expect(h.master.tick(109)).toBe(true);
    expect(h.master.outcome).toBe(OUTCOME_BROADCAST);
    expect(h.counters.sent).toBe(1);
    expect(attemptsBalance(h.counters, 0) && bytesBalance(h.counters, 0)).toBe(true);
  });
});
