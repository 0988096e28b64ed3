// Technician console commands for acquisition: `readings` (latest value of every channel) and `modbus` (bus and
// device health). A reading that is not a valid measurement never shows a number: its value and bit columns read
// "--" next to its status. The bits column is the exact IEEE-754 pattern of the value (float32 when the value is
// one, as analyzers send it; float64 otherwise), so a technician can compare it bit for bit with the instrument.

import type { ConsoleCommand, ConsoleLines } from '../protocol/console/command-console';
import type { Clock } from '../protocol/ports';
import type { Sample } from '../protocol/sample';
import { toHex } from '../protocol/bytes';
import type { DeviceHealth } from '../protocol/modbus/poller';
import type { Acquisition } from './acquisition';

const SCRATCH = new DataView(new ArrayBuffer(8));
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);

/** "f32:42c80000" when the value is exactly a float32, else "f64:" and the 8 bytes. */
export function valueBits(v: number): string {
  SCRATCH.setFloat32(0, v, false);
  const f = SCRATCH.getFloat32(0, false);
  if (f === v) return 'f32:' + toHex(SCRATCH_BYTES.subarray(0, 4));
  SCRATCH.setFloat64(0, v, false);
  return 'f64:' + toHex(SCRATCH_BYTES);
}

/** Native status word in hex ("0x0100"), "-" when the register has none. */
function nativeText(native: number): string {
  if (native < 0) return '-';
  SCRATCH.setUint32(0, native >>> 0, false);
  return '0x' + toHex(SCRATCH_BYTES.subarray(native > 65535 ? 0 : 2, 4));
}

/** Whole ms as seconds with one decimal, by integer arithmetic (same text on Espruino and Node). */
function secondsText(ms: number): string {
  const tenths = Math.floor(Math.max(0, ms) / 100);
  return Math.floor(tenths / 10) + '.' + (tenths % 10);
}

function isMeasurement(s: Sample): boolean {
  return s.valid && s.status === 'VALID' && isFinite(s.value);
}

function readingLine(id: string, s: Sample | null, now: number): string {
  const name = id.padEnd(16);
  if (s === null) return name + '--'.padStart(12) + '  ' + 'NO_DATA'.padEnd(17) + '-'.padEnd(11) + '-'.padStart(7) + '  --';
  const measured = isMeasurement(s);
  return (
    name +
    (measured ? s.value.toFixed(3) : '--').padStart(12) +
    '  ' +
    s.status.padEnd(17) +
    nativeText(s.native).padEnd(11) +
    secondsText(now - s.tMs).padStart(7) +
    '  ' +
    (measured ? valueBits(s.value) : '--')
  );
}

function notStarted(acq: Acquisition, out: ConsoleLines): boolean {
  if (acq.running) return false;
  out.line('acquisition not started: ' + acq.errors.length + ' problem(s)');
  for (let i = 0; i < acq.errors.length; i++) out.line('  ' + acq.errors[i]);
  return true;
}

export function readingsCommand(acq: Acquisition, clock: Clock): ConsoleCommand {
  return {
    name: 'readings',
    usage: 'readings',
    help: 'latest value, status, native status, age and bits of every channel',
    run: (_args, out) => {
      if (notStarted(acq, out)) return;
      const now = clock.nowMs();
      out.line('channel'.padEnd(16) + 'value'.padStart(12) + '  ' + 'status'.padEnd(17) + 'native'.padEnd(11) + 'age-s'.padStart(7) + '  bits');
      let valid = 0;
      for (let i = 0; i < acq.channels.length; i++) {
        const s = acq.latest(acq.channels[i]);
        if (s !== null && isMeasurement(s)) valid++;
        out.line(readingLine(acq.channels[i], s, now));
      }
      out.line(valid + ' of ' + acq.channels.length + ' channels valid');
      if (acq.consumerErrors > 0) {
        out.line('WARNING sample consumer failed ' + acq.consumerErrors + ' times, last: ' + acq.lastConsumerError);
      }
    },
  };
}

function deviceLine(d: DeviceHealth, now: number): string {
  return (
    '  device ' + d.id + ' slave ' + d.slave + ' ' + d.profile + ' state ' + d.state +
    ' ok ' + d.ok + ' timeouts ' + d.timeouts + ' crc-errors ' + d.crcErrors + ' exceptions ' + d.exceptions +
    ' invalid ' + d.invalid + ' retries ' + d.retries + ' failed-reads ' + d.failedReads +
    ' last-ok-s ' + (d.lastOkMs < 0 ? 'never' : secondsText(now - d.lastOkMs)) + ' last ' + d.lastOutcome +
    (d.lastException > 0 ? ' last-exception ' + d.lastException : '')
  );
}

export function modbusCommand(acq: Acquisition, clock: Clock): ConsoleCommand {
  return {
    name: 'modbus',
    usage: 'modbus',
    help: 'state and counters of every RS-485 bus and device',
    run: (_args, out) => {
      if (notStarted(acq, out)) return;
      const now = clock.nowMs();
      const buses = acq.health();
      for (let i = 0; i < buses.length; i++) {
        const b = buses[i];
        const c = b.counters;
        out.line('bus ' + b.id + ' ' + acq.busLine(i) + ' sent ' + c.sent + ' ok ' + c.ok + ' timeouts ' + c.timeouts +
          ' crc-errors ' + c.crcErrors + ' exceptions ' + c.exceptions + ' invalid ' + c.invalid + ' retries ' + c.retries);
        out.line('  framing resyncs ' + c.resyncs + ' crc-rejects ' + c.crcRejects + ' bytes-in ' + c.bytesIn +
          ' discarded ' + c.bytesDiscarded + ' unsolicited ' + c.unsolicitedBytes + ' overruns ' + b.overruns);
        for (let k = 0; k < b.devices.length; k++) out.line(deviceLine(b.devices[k], now));
      }
    },
  };
}
