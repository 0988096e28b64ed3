// Node shells over real serial devices (USB RS-485 adapters or pseudo-terminals) through the `serialport` package:
// the device's Modbus runtime as master on a bus, and virtual analyzers as slaves. Used by the interop tests (socat
// pty pairs against pymodbus) and for bench work with real hardware.

import { SerialPort } from 'serialport';
import type { Sample } from '../../protocol/sample';
import { LineSettings, interFrameMs } from '../../protocol/modbus/line';
import type { RtuBus } from '../../protocol/modbus/rtu-master';
import { pollerBytes, pollerTick, pollerWake } from '../../protocol/modbus/rtu-poller';
import type { VirtualAnalyzer } from './analyzer';
import { HostRtuPlan, createSampleBus } from './rtu-host';

export function openPort(path: string, line: LineSettings): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort(
      { path, baudRate: line.baud, dataBits: line.dataBits as 7 | 8, parity: line.parity, stopBits: line.stopBits as 1 | 2 },
      (err) => (err ? reject(err) : resolve(port)),
    );
  });
}

export function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

export interface SerialPoller {
  rtu: RtuBus;
  port: SerialPort;
  close(): Promise<void>;
}

/**
 * Runs bus `index` of the plan on its serial device (the bus's `path`) with wall-clock time and one timer armed for
 * the runtime's next deadline, as the firmware's UART binding does.
 */
export async function openSerialPoller(plan: HostRtuPlan, index: number, onSample: (s: Sample) => void): Promise<SerialPoller> {
  const bus = plan.buses[index];
  const port = await openPort(bus.path, bus.line);
  const rtu = createSampleBus(plan, index, { write: (b) => void port.write(Buffer.from(b)) }, onSample);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    if (closed) return;
    const next = pollerWake(rtu);
    const delay = Math.min(1000, Math.max(0, next < 0 ? 1000 : next - Date.now()));
    timer = setTimeout(() => {
      pollerTick(rtu, Date.now());
      arm();
    }, delay);
  };
  port.on('data', (chunk: Buffer) => {
    pollerBytes(rtu, new Uint8Array(chunk), Date.now());
    arm();
  });
  pollerTick(rtu, Date.now());
  arm();
  return {
    rtu,
    port,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await closePort(port);
    },
  };
}

export interface AnalyzerPortOptions {
  line: LineSettings;
  /** Update the time series at each request (false: serve the registers as they are). */
  live: boolean;
  /** Turnaround before answering, ms. */
  latencyMs: number;
}

/** Serves virtual analyzers (one slave address each) as RTU slaves on one serial device. */
export async function serveAnalyzers(
  path: string,
  analyzers: VirtualAnalyzer[],
  opts: AnalyzerPortOptions,
): Promise<{ port: SerialPort; close(): Promise<void> }> {
  const port = await openPort(path, opts.line);
  const gap = interFrameMs(opts.line);
  let last = -1;
  port.on('data', (chunk: Buffer) => {
    const now = Date.now();
    const silent = last >= 0 && now - last > gap;
    last = now;
    for (const a of analyzers) {
      // A silence longer than the inter-frame gap ends any partial request, as a hardware slave's timer would.
      if (silent) a.slave.reset();
      if (opts.live) a.clock = now;
      for (const res of a.slave.onBytes(new Uint8Array(chunk))) {
        setTimeout(() => void port.write(Buffer.from(res)), opts.latencyMs);
      }
    }
  });
  return { port, close: () => closePort(port) };
}
