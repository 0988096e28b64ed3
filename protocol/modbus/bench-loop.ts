// A self-contained decode loop for benchmarking the acquisition hot path on both Node and the Espruino sandbox:
// frame a GM32-style response out of a byte stream through the master (length + CRC), parse it against its request
// and decode the float32 value and status word. Pure protocol code; returns a checksum so the work cannot be skipped.

import { encodeReadResponse, encodeRequest, readRequest } from './codec';
import { MasterTiming, OUTCOME_OK, RtuMaster, newMasterCounters } from './master';
import { decodeRegisters, encodeRegisters } from './registers';

const SLAVE = 3;
const VARIANTS = 4;

function timing(): MasterTiming {
  return {
    responseTimeoutMs: 1000,
    silenceTimeoutMs: 100,
    interFrameMs: 4,
    broadcastDelayMs: 100,
    wireMs: function (n: number): number {
      return n;
    },
  };
}

/** Decodes n GM32 component responses (value + status + zero/span, 7 registers); returns a checksum. */
export function decodeLoop(n: number): number {
  const req = readRequest(SLAVE, 4, 5000, 7);
  const adu = encodeRequest(req);
  const frames: Uint8Array[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    const regs = new Uint8Array(14);
    encodeRegisters((1000 + 37 * v) / 8, 'float32', 'ABCD', regs, 0);
    encodeRegisters(v === 3 ? 256 : 0, 'uint16', 'ABCD', regs, 4);
    encodeRegisters(v, 'float32', 'ABCD', regs, 6);
    encodeRegisters(400 + v, 'float32', 'ABCD', regs, 10);
    frames.push(encodeReadResponse(SLAVE, 4, regs));
  }
  const sink = { write: function (_b: Uint8Array): void {} };
  const master = new RtuMaster(sink, timing(), newMasterCounters());
  let sum = 0;
  for (let i = 0; i < n; i++) {
    master.start(req, adu, 0, i);
    master.onBytes(frames[i % VARIANTS], i);
    const res = master.response;
    if (master.outcome !== OUTCOME_OK || res === null || res.data === null) return -1;
    const value = decodeRegisters(res.data, 0, 'float32', 'ABCD');
    const status = decodeRegisters(res.data, 4, 'uint16', 'ABCD');
    sum = (sum + Math.floor(value * 8) + status) % 1000000007;
  }
  return sum;
}
