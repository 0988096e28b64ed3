import { describe, expect, it } from 'vitest';
import { encodeCommand, responseCrcOk } from '../../protocol/atecc608/packet';
import { COMMAND_MAX } from '../../protocol/atecc608/constants';
import { statusError } from '../../protocol/atecc608/status';
import { maxExecMs, opcodeName, typicalExecMs } from '../../protocol/atecc608/exec-times';
import { deviceVariant, summarizeConfig, isP256PrivateKeySlot, allowsExternalSign } from '../../protocol/atecc608/config-zone';
import { errorCode } from '../../protocol/errors';
import { DEVICE_STATUSES } from './statuses';

function packet(opcode: number, p1: number, p2: number, data: Uint8Array | null): string {
  const out = new Uint8Array(COMMAND_MAX + 1);
  const n = encodeCommand(out, opcode, p1, p2, data);
  return Buffer.from(out.subarray(0, n)).toString('hex');
}

describe('command packets: as cryptoauthlib builds them (calib_command.c, atCalcCrc), byte for byte', () => {
  it.each([
    ['Info (revision)', 0x30, 0x00, 0, null, '030730000000035d'],
    ['Random (seed update)', 0x1b, 0x00, 0, null, '03071b00000024cd'],
    ['GenKey public key of slot 0', 0x40, 0x00, 0, null, '0307400000000005'],
    ['Read config block 0, 32 bytes', 0x02, 0x80, 0, null, '03070280000009ad'],
    ['Sign external, msg-digest buffer, slot 0', 0x41, 0xa0, 0, null, '030741a000007b85'],
    ['Nonce pass-through to msg-digest buffer', 0x16, 0x43, 0, new Uint8Array(32), '032716430000' + '00'.repeat(32) + '143a'],
  ])('%s', (_name, op, p1, p2, data, expected) => {
    expect(packet(op, p1, p2, data)).toBe(expected);
  });

  it('puts param2 little-endian (key id 2 -> 02 00) and covers it with the CRC', () => {
    const p = packet(0x41, 0xa0, 0x0102, null);
    expect(p.slice(8, 12)).toBe('0201');
    expect(p).not.toBe(packet(0x41, 0xa0, 0x0201, null));
  });
});

describe('response frames', () => {
  it('accepts the wake token and a status packet, rejects a bad CRC or count', () => {
    expect(responseCrcOk(Uint8Array.from([0x04, 0x11, 0x33, 0x43]))).toBe(true);
    expect(responseCrcOk(Uint8Array.from([0x04, 0x00, 0x03, 0x40]))).toBe(true);
    expect(responseCrcOk(Uint8Array.from([0x04, 0x00, 0x03, 0x41]))).toBe(false);
    expect(responseCrcOk(Uint8Array.from([0x03, 0x00, 0x03]))).toBe(false);
    expect(responseCrcOk(Uint8Array.from([0x07, 0x00, 0x03, 0x40]))).toBe(false);
  });
});

describe('status codes', () => {
  it.each([...DEVICE_STATUSES, [0x42, 'ATECC_STATUS_UNKNOWN']])('status %d maps to %s', (status, code) => {
    const e = statusError(status, 'Sign');
    expect(errorCode(e)).toBe(code);
    expect(e!.message.startsWith('Sign: ')).toBe(true);
  });

  it('0x00 is success', () => {
    expect(statusError(0x00, 'Sign')).toBeNull();
  });
});

describe('execution times (cryptoauthlib calib_execution.c, 608 M0/M1/M2)', () => {
  it('waits the typical time of the clock divider and polls up to max(2 x typical, M2 time)', () => {
    expect(typicalExecMs(0x41, 0)).toBe(115);
    expect(typicalExecMs(0x41, 1)).toBe(220);
    expect(typicalExecMs(0x41, 2)).toBe(665);
    expect(maxExecMs(0x41, 0)).toBe(665);
    expect(maxExecMs(0x41, 2)).toBe(1330);
    expect(typicalExecMs(0x1b, 0) + typicalExecMs(0x16, 0) + typicalExecMs(0x41, 0)).toBe(23 + 20 + 115);
    expect(maxExecMs(0x30, 0)).toBe(10);
    expect(opcodeName(0x40)).toBe('GenKey');
    expect(opcodeName(0x99)).toBe('opcode 0x99');
  });
});

describe('revision and config zone', () => {
  it('tells the 608A from the 608B by the Info revision', () => {
    expect(deviceVariant(Uint8Array.from([0, 0, 0x60, 0x02]))).toBe('ATECC608A');
    expect(deviceVariant(Uint8Array.from([0, 0, 0x60, 0x03]))).toBe('ATECC608B');
    expect(deviceVariant(Uint8Array.from([0, 0, 0x50, 0x00]))).toBe('UNKNOWN');
  });

  it('reads serial number, locks, ChipMode and key slot config from fixed offsets', () => {
    const c = new Uint8Array(128);
    c.set([0x01, 0x23, 0xaa, 0xbb], 0);
    c.set([0xcc, 0xdd, 0xee, 0xff, 0xee], 8);
    c[16] = 0x6a;
    c[19] = 0x0d << 3 | 0x04;
    c[86] = 0x55;
    c[87] = 0x00;
    c.set([0x87, 0x20], 20);
    c.set([0x33, 0x00], 96);
    const s = summarizeConfig(c);
    expect(Buffer.from(s.serialNumber).toString('hex')).toBe('0123aabbccddeeffee');
    expect(s.serialNumberValid).toBe(true);
    expect(s.configLocked).toBe(true);
    expect(s.dataLocked).toBe(false);
    expect(s.i2cAddress8).toBe(0x6a);
    expect(s.clockDivider).toBe(1);
    expect(s.longWatchdog).toBe(true);
    expect(isP256PrivateKeySlot(c, 0)).toBe(true);
    expect(allowsExternalSign(c, 0)).toBe(true);
    expect(isP256PrivateKeySlot(c, 1)).toBe(false);
    expect(errorCode(catchError(() => summarizeConfig(new Uint8Array(127))))).toBe('ATECC_BAD_ARG');
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}
