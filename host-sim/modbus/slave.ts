// RTU slave: frames requests out of a byte stream, executes them against a register store and produces the response
// (or nothing for a broadcast). Serves the virtual analyzers of the simulator.

import {
  BROADCAST_ADDRESS,
  EX_ILLEGAL_FUNCTION,
  ModbusRequest,
  bitByteCount,
  encodeExceptionResponse,
  encodeReadResponse,
  encodeWriteResponse,
  parseRequest,
  requestException,
  requestLength,
} from '../../protocol/modbus/codec';
import { FrameMeasurer, FramerCounters, StreamFramer, newFramerCounters } from './stream-framer';

/** A slave's data tables. Each call returns 0 or a Modbus exception code. */
export interface RegisterStore {
  /** fc 1 coils / 2 discrete inputs: packed bits (LSB first) into out, which is zeroed. */
  readBits(fc: number, address: number, quantity: number, out: Uint8Array): number;
  /** fc 3 holding / 4 input registers: big-endian words into out. */
  readRegisters(fc: number, address: number, quantity: number, out: Uint8Array): number;
  /** FC05/FC15: packed bits. */
  writeCoils(address: number, quantity: number, packed: Uint8Array): number;
  /** FC06/FC16: big-endian words. */
  writeRegisters(address: number, quantity: number, words: Uint8Array): number;
}

export interface SlaveCounters extends FramerCounters {
  requests: number;
  broadcasts: number;
  responses: number;
  exceptions: number;
}

export class RtuSlave implements FrameMeasurer {
  address: number;
  counters: SlaveCounters;
  private store: RegisterStore;
  private framer: StreamFramer;

  constructor(address: number, store: RegisterStore) {
    this.address = address;
    this.store = store;
    const c = newFramerCounters() as SlaveCounters;
    c.requests = 0;
    c.broadcasts = 0;
    c.responses = 0;
    c.exceptions = 0;
    this.counters = c;
    this.framer = new StreamFramer(this, c);
  }

  measure(buf: Uint8Array, start: number, avail: number): number {
    const a = buf[start];
    if (a !== this.address && a !== BROADCAST_ADDRESS) return 0;
    return requestLength(buf, start, avail);
  }

  /**
   * Forgets a partial request. A slave with a hardware timer calls this on a 3.5-character silence, which is how
   * RTU slaves delimit requests; the master side cannot see such gaps and frames by length + CRC instead.
   */
  reset(): void {
    this.framer.reset();
  }

  /** Feeds bytes heard on the bus; returns the response ADUs to send, in order (usually none or one). */
  onBytes(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.framer.push(chunk);
    let len = this.framer.next();
    while (len > 0) {
      const f = this.framer;
      const req = parseRequest(f.buf, f.head, len);
      const res = this.execute(req);
      f.take(len);
      if (res !== null) out.push(res);
      len = this.framer.next();
    }
    return out;
  }

  /** Executes a parsed request; null when no response is due (broadcast). */
  execute(req: ModbusRequest): Uint8Array | null {
    const broadcast = req.slave === BROADCAST_ADDRESS;
    if (broadcast) this.counters.broadcasts++;
    else this.counters.requests++;
    let ex = requestException(req);
    let res: Uint8Array | null = null;
    if (ex === 0) {
      const fc = req.fc;
      if (broadcast && fc <= 4) ex = EX_ILLEGAL_FUNCTION;
      else if (fc === 1 || fc === 2) {
        const data = new Uint8Array(bitByteCount(req.quantity));
        ex = this.store.readBits(fc, req.address, req.quantity, data);
        if (ex === 0) res = encodeReadResponse(this.address, fc, data);
      } else if (fc === 3 || fc === 4) {
        const data = new Uint8Array(2 * req.quantity);
        ex = this.store.readRegisters(fc, req.address, req.quantity, data);
        if (ex === 0) res = encodeReadResponse(this.address, fc, data);
      } else {
        const d = req.data as Uint8Array;
        if (fc === 5) ex = this.store.writeCoils(req.address, 1, new Uint8Array([d[0] === 0xff ? 1 : 0]));
        else if (fc === 15) ex = this.store.writeCoils(req.address, req.quantity, d);
        else ex = this.store.writeRegisters(req.address, req.quantity, d);
        const echo = fc === 15 || fc === 16 ? req.quantity : (d[0] << 8) | d[1];
        if (ex === 0) res = encodeWriteResponse(this.address, fc, req.address, echo);
      }
    }
    if (broadcast) return null;
    if (ex !== 0) {
      this.counters.exceptions++;
      return encodeExceptionResponse(this.address, req.fc, ex);
    }
    this.counters.responses++;
    return res;
  }
}
