// A self-contained decode loop for benchmarking the acquisition hot path on both Node and Espruino: a GM32-style
// response poll after poll through the device's runtime (framing by length + CRC, float32 value and status word
// decoding, the sample hand-over). Returns a checksum so the work cannot be skipped.
import { encodeReadResponse } from '../../protocol/modbus/codec';
import { encodeRegisters } from '../../protocol/modbus/registers';
import { createRtuBus, pollerBytes, pollerTick } from '../../protocol/modbus/rtu-poller';
import { OrderCode, StatusWordKind, ValueCode } from '../../protocol/plan/format';
import { KitPlan } from './modbus-plan';

const SLAVE = 3;
const VARIANTS = 4;
const PERIOD_MS = 10;

/** Decodes n GM32 component responses (value + status + zero/span, 7 registers); returns a checksum, -1 on failure. */
export function decodeLoop(n: number): number {
  const kit = new KitPlan(
    SLAVE,
    { baud: 9600, charBits: 10, responseTimeoutMs: 1000, silenceTimeoutMs: 100, interFrameMs: 4, retries: 0, offlineAfter: 3 },
    PERIOD_MS,
  );
  const read = kit.read(4, 5000, 7);
  kit.status(kit.channel(read, 0, ValueCode.FLOAT32, OrderCode.ABCD, 1, 1, 0), read, 4, StatusWordKind.UINT16, 0, OrderCode.ABCD, []);
  const frames: Uint8Array[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    const regs = new Uint8Array(14);
    encodeRegisters((1000 + 37 * v) / 8, 'float32', 'ABCD', regs, 0);
    encodeRegisters(v === 3 ? 256 : 0, 'uint16', 'ABCD', regs, 4);
    encodeRegisters(v, 'float32', 'ABCD', regs, 6);
    encodeRegisters(400 + v, 'float32', 'ABCD', regs, 10);
    frames.push(encodeReadResponse(SLAVE, 4, regs));
  }
  let sum = 0;
  let samples = 0;
  const r = createRtuBus(kit.tables(), 0, { write: function (): void {} }, function (_acq: number, _tMs: number, value: number, status: number, native: number): void {
    if (status !== 0) sum = -1;
    if (sum < 0) return;
    sum = (sum + Math.floor(value * 8) + native) % 1000000007;
    samples++;
  });
  for (let i = 0; i < n; i++) {
    pollerTick(r, i * PERIOD_MS);
    pollerBytes(r, frames[i % VARIANTS], i * PERIOD_MS);
  }
  return samples === n ? sum : -1;
}
