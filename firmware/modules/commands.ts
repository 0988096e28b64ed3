// The technician console's commands (Storage module cems.cmd, loaded for one command line and released). Every
// reading that is not a valid measurement shows "--" instead of a number; values carry their exact IEEE-754 bits
// (float32 when the value is one, as analyzers send it) so a technician can compare them with the instrument.
import { Acq, Bus, Dev, Eng, Meta, Section } from '../../protocol/plan/format';
import { planF64, planStringBytes } from '../../protocol/plan/reader';
import { bytesToAscii, toHex } from '../../protocol/bytes';
import { STATUS_LIST } from '../../protocol/sample';
import { C, H, M } from '../../protocol/modbus/rtu-master';
import { G } from '../../protocol/cems/engine';
import { RS, clockIsSet, recordsClockSynced } from '../../protocol/module/records';
import type { ConsoleLines } from '../console';
import { Latest, type Device } from '../device';
import { BOARD, consoleSerial } from '../board';
import { clock, sha256 } from '../platform';

declare const FIRMWARE_VERSION: string;
declare const FIRMWARE_HASH: string;

/** Bytes converted to hex per console write: a 4 KiB record never becomes one 8 KiB string in RAM. */
const HEX_CHUNK = 128;
const OUTCOMES = ['none', 'ok', 'exception', 'crc', 'timeout', 'invalid', '', 'skipped'];
const STATES = ['UNKNOWN', 'OK', 'DEGRADED', 'OFFLINE'];

const SCRATCH = new DataView(new ArrayBuffer(8));
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);

function text(dev: Device, i: number): string {
  return dev.plan ? bytesToAscii(planStringBytes(dev.plan, i)) : '';
}

/** "f32:42c80000" when the value is exactly a float32, else "f64:" and the 8 bytes. */
function valueBits(v: number): string {
  SCRATCH.setFloat32(0, v, false);
  if (SCRATCH.getFloat32(0, false) === v) return 'f32:' + toHex(SCRATCH_BYTES.subarray(0, 4));
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

function notRunning(dev: Device, out: ConsoleLines): boolean {
  if (dev.plan) return false;
  out.line('not running: ' + dev.planError);
  return true;
}

function readings(dev: Device, out: ConsoleLines): void {
  if (notRunning(dev, out) || !dev.rp) return;
  const acq = dev.rp.acq;
  const n = acq.length / Acq.FIELDS;
  const now = clock.nowMs();
  out.line('channel'.padEnd(16) + 'value'.padStart(12) + '  ' + 'status'.padEnd(17) + 'native'.padEnd(11) + 'age-s'.padStart(7) + '  bits');
  let valid = 0;
  for (let a = 0; a < n; a++) {
    const name = text(dev, acq[a * Acq.FIELDS + Acq.ID]).padEnd(16);
    const l = a * Latest.FIELDS;
    const t = dev.latest[l + Latest.T];
    if (t < 0) {
      out.line(name + '--'.padStart(12) + '  ' + 'NO_DATA'.padEnd(17) + '-'.padEnd(11) + '-'.padStart(7) + '  --');
      continue;
    }
    const v = dev.latest[l + Latest.VALUE];
    const st = dev.latest[l + Latest.STATUS];
    const measured = st === 0 && isFinite(v);
    if (measured) valid++;
    out.line(name + (measured ? v.toFixed(3) : '--').padStart(12) + '  ' + STATUS_LIST[st].padEnd(17) +
      nativeText(dev.latest[l + Latest.NATIVE]).padEnd(11) + secondsText(now - t).padStart(7) + '  ' + (measured ? valueBits(v) : '--'));
  }
  out.line(valid + ' of ' + n + ' channels valid');
  if (dev.consumerErrors > 0) out.line('WARNING sample consumer failed ' + dev.consumerErrors + ' times, last: ' + dev.lastConsumerError);
}

function modbus(dev: Device, out: ConsoleLines): void {
  if (notRunning(dev, out) || !dev.rp) return;
  const now = clock.nowMs();
  const rp = dev.rp;
  for (let i = 0; i < dev.buses.length; i++) {
    const r = dev.buses[i].rtu;
    const c = r.c;
    const b = r.row;
    const path = text(dev, rp.buses[b + Bus.PATH]);
    const parity = ['N', 'E', 'O'][rp.buses[b + Bus.PARITY]];
    out.line('bus ' + text(dev, rp.buses[b + Bus.ID]) + ' ' + (path !== '' ? path : 'Serial' + rp.buses[b + Bus.PORT]) + ' ' +
      rp.buses[b + Bus.BAUD] + ' ' + rp.buses[b + Bus.DATA_BITS] + parity + rp.buses[b + Bus.STOP_BITS] +
      ' sent ' + c[C.SENT] + ' ok ' + c[C.OK] + ' timeouts ' + c[C.TIMEOUTS] + ' crc-errors ' + c[C.CRC_ERRORS] +
      ' exceptions ' + c[C.EXCEPTIONS] + ' invalid ' + c[C.INVALID] + ' retries ' + c[C.RETRIES]);
    out.line('  framing resyncs ' + c[C.RESYNCS] + ' crc-rejects ' + c[C.CRC_REJECTS] + ' bytes-in ' + c[C.BYTES_IN] +
      ' discarded ' + c[C.BYTES_DISCARDED] + ' unsolicited ' + c[C.UNSOLICITED] + ' overruns ' + r.s[M.OVERRUNS]);
    for (let d = 0; d < rp.buses[b + Bus.N_DEVICES]; d++) {
      const h = r.h.subarray(d * H.FIELDS, (d + 1) * H.FIELDS);
      const row = (r.firstDevice + d) * Dev.FIELDS;
      const lastOk = h[H.LAST_OK_MS];
      out.line('  device ' + text(dev, rp.devices[row + Dev.ID]) + ' slave ' + rp.devices[row + Dev.SLAVE] + ' ' +
        text(dev, rp.devices[row + Dev.PROFILE]) + ' state ' + STATES[h[H.STATE]] + ' ok ' + h[H.OK] + ' timeouts ' + h[H.TIMEOUTS] +
        ' crc-errors ' + h[H.CRC_ERRORS] + ' exceptions ' + h[H.EXCEPTIONS] + ' invalid ' + h[H.INVALID] + ' retries ' + h[H.RETRIES] +
        ' failed-reads ' + h[H.FAILED_READS] + ' last-ok-s ' + (lastOk < 0 ? 'never' : secondsText(now - lastOk)) + ' last ' +
        OUTCOMES[h[H.LAST_OUTCOME]] + (h[H.LAST_EXCEPTION] > 0 ? ' last-exception ' + h[H.LAST_EXCEPTION] : ''));
    }
  }
}

function records(dev: Device, out: ConsoleLines, words: string[]): void {
  const since = words[1] === 'since' && words[2] !== undefined ? parseInt(words[2], 10) : -1;
  let shown = 0;
  for (let i = 0; i < dev.held.length; i++) {
    const r = dev.held[i];
    if (r.seq <= since) continue;
    out.part('record ' + r.seq + ' ' + r.kind + ' ' + r.bytes.length + ' ');
    // subarray's end is not clamped on Espruino: a view past the end would read bytes beyond the record.
    for (let o = 0; o < r.bytes.length; o += HEX_CHUNK) out.part(toHex(r.bytes.subarray(o, Math.min(o + HEX_CHUNK, r.bytes.length))));
    out.line('');
    shown++;
  }
  out.line(shown + ' record(s) shown, ' + dev.sealed + ' sealed since boot, newest ' + dev.held.length + ' held');
}

function pipeline(dev: Device, out: ConsoleLines): void {
  out.line('plan ' + (dev.plan ? dev.planSource + ' ' + toHex(dev.plan.hash.subarray(0, 8)) : 'NONE: ' + dev.planError));
  const svc = dev.svc;
  if (!dev.plan || !svc) return;
  const meta = planF64(dev.plan, Section.META);
  const eng = planF64(dev.plan, Section.ENGINE);
  out.line('device ' + text(dev, meta[Meta.DEVICE_ID]) + ' outputs ' + eng[Eng.N_OUTPUTS] + ' channels ' + eng[Eng.N_CHANNELS]);
  out.line('signer ' + dev.signerState + (dev.kid ? ' kid ' + dev.kid : '') + (dev.signerError ? ' error: ' + dev.signerError : ''));
  const s = svc.st;
  if (!svc.booted) out.line('records wait for ' + (clockIsSet(clock.nowMs()) ? 'the first tick' : 'the clock (console: time <UTC ISO 8601>)'));
  out.line('samples ' + s[RS.SAMPLES] + ' before-clock ' + s[RS.SAMPLES_BEFORE_CLOCK] + ' periods ' + s[RS.PERIODS_CLOSED] +
    ' days ' + s[RS.DAYS_CLOSED] + ' engine-restored ' + svc.engineStateRestored);
  out.line('record jobs ' + s[RS.RECORDS_BUILT] + ' records signed ' + s[RS.RECORDS_SIGNED] + ' queued ' + svc.queue.length + ' split ' +
    s[RS.SPLIT_PERIODS] + ' supplements ' + s[RS.SUPPLEMENTS] + ' last-seq ' + svc.lastSeq);
  out.line('dropped ' + s[RS.DROPPED] + ' failed ' + s[RS.FAILED] + ' retries ' + s[RS.RETRIES] + ' sink-errors ' + s[RS.SINK_ERRORS] +
    ' substitution-unavailable ' + s[RS.SUBSTITUTION_UNAVAILABLE]);
  const g = svc.o.engine.g;
  out.line('rejected late ' + g[G.LATE] + ' non-monotonic ' + g[G.NON_MONOTONIC] + ' bad-time ' + g[G.BAD_TIME] +
    ' unknown-channel ' + g[G.UNKNOWN_CHANNEL] + ' clock-back ' + g[G.CLOCK_BACK]);
  if (svc.lastError) out.line('last-error ' + svc.lastError);
}

function time(dev: Device, out: ConsoleLines, words: string[]): void {
  if (words.length > 1) {
    const t = words[1];
    const ms = Date.parse(t);
    if (isNaN(ms) || t.charAt(t.length - 1) !== 'Z') {
      out.line('ERROR expected a UTC time like 2026-09-01T10:00:00Z');
      return;
    }
    const before = clock.nowMs();
    setTime(ms / 1000);
    if (dev.svc) recordsClockSynced(dev.svc, clock.nowMs(), 'manual', ms - before);
  }
  const now = clock.nowMs();
  out.line('time ' + new Date(now).toISOString() + (clockIsSet(now) ? '' : ' (not set: records wait for the time)'));
}

/** Variables held by the typed arrays of an object (E.getSizeOf each: closures would count their whole scope). */
function arraysSize(o: object): number {
  let n = 0;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const v = (o as { [k: string]: unknown })[keys[i]];
    if (v && typeof v === 'object' && (v as { buffer?: unknown }).buffer !== undefined) n += E.getSizeOf(v);
  }
  return n;
}

function status(dev: Device, out: ConsoleLines): void {
  const m = process.memory();
  out.line('uptime-s ' + Math.floor((clock.nowMs() - dev.bootMs) / 1000));
  out.line('memory-blocks used ' + m.usage + ' free ' + m.free + ' total ' + m.total + ' peak-sealing ' + dev.peakVars);
  const svc = dev.svc;
  if (!svc) return;
  let modbus = 0;
  for (let i = 0; i < dev.buses.length; i++) modbus += arraysSize(dev.buses[i].rtu);
  let queued = 0;
  for (let i = 0; i < svc.queue.length; i++) {
    const p = svc.queue[i].period;
    if (p && p.rows) queued += E.getSizeOf(p.rows);
  }
  let held = 0;
  for (let i = 0; i < dev.held.length; i++) held += E.getSizeOf(dev.held[i].bytes);
  out.line('memory-state engine ' + arraysSize(svc.o.engine) + ' modbus ' + modbus + ' windows ' + arraysSize(svc.o.windows) +
    ' readings ' + E.getSizeOf(dev.latest) + ' queue ' + queued + ' held-records ' + held);
}

const HELP = [
  'help                    list the commands',
  'version                 firmware version, bundle hash and interpreter',
  'status                  uptime and interpreter memory',
  'readings                latest value, status, native status, age and bits of every channel',
  'modbus                  state and counters of every RS-485 bus and device',
  'records [since SEQ]     newest sealed records as hex COSE (seq, kind, bytes)',
  'pipeline                plan, signer and record pipeline counters',
  'time [UTC ISO 8601]     show the UTC clock, or set it (e.g. time 2026-09-01T10:00:00Z)',
  'sha256 <text>           SHA-256 of the text (self-test of the native hash)',
  'repl                    give the console port back to the JavaScript REPL (reboot to return)',
];

export function run(dev: Device, out: ConsoleLines, words: string[]): void {
  const name = words[0];
  if (name === 'help') for (let i = 0; i < HELP.length; i++) out.line('  ' + HELP[i]);
  else if (name === 'version') {
    out.line('firmware ' + FIRMWARE_VERSION);
    out.line('bundle-sha256 ' + FIRMWARE_HASH);
    out.line('interpreter Espruino ' + process.env.VERSION + ' on ' + process.env.BOARD + ' (target ' + BOARD + ')');
  } else if (name === 'status') status(dev, out);
  else if (name === 'readings') readings(dev, out);
  else if (name === 'modbus') modbus(dev, out);
  else if (name === 'records') records(dev, out, words);
  else if (name === 'pipeline') pipeline(dev, out);
  else if (name === 'time') time(dev, out, words);
  else if (name === 'sha256') {
    const t = words.slice(1).join(' ');
    const bytes = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) bytes[i] = t.charCodeAt(i) & 255;
    out.line(toHex(sha256(bytes)));
  } else if (name === 'repl') {
    out.line('REPL on this port; type E.reboot() to return to the technician console');
    const port = consoleSerial();
    port.removeAllListeners('data');
    port.setConsole(true);
  } else out.line('ERROR unknown command "' + name + '" (type help)');
}

