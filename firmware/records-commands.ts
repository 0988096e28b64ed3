// Console commands for the record side: the newest sealed records (hex COSE, for a host-side verifier) and the
// pipeline's counters.
import type { ConsoleCommand } from '../protocol/console/command-console';
import { toHex } from '../protocol/bytes';
import { clockIsSet, type RecordsService } from './records';
import { clock } from './platform';
import type { LoadedConfig } from './config-load';

/** Bytes converted to hex per console write: a 4 KiB record never becomes one 8 KiB string in RAM. */
const HEX_CHUNK = 128;

export function recordsCommand(records: RecordsService): ConsoleCommand {
  return {
    name: 'records',
    usage: 'records [since SEQ]',
    help: 'newest sealed records as hex COSE (seq, kind, bytes)',
    run: (args, out) => {
      const since = args[0] === 'since' && args[1] !== undefined ? parseInt(args[1], 10) : -1;
      let shown = 0;
      for (let i = 0; i < records.held.length; i++) {
        const r = records.held[i];
        if (r.seq <= since) continue;
        out.part('record ' + r.seq + ' ' + r.kind + ' ' + r.bytes.length + ' ');
        // subarray's end is not clamped on Espruino: a view past the end would read bytes beyond the record.
        for (let o = 0; o < r.bytes.length; o += HEX_CHUNK) {
          out.part(toHex(r.bytes.subarray(o, Math.min(o + HEX_CHUNK, r.bytes.length))));
        }
        out.line('');
        shown++;
      }
      out.line(shown + ' record(s) shown, ' + records.sealed + ' sealed since boot, newest ' + records.held.length + ' held');
    },
  };
}

export function pipelineCommand(records: RecordsService, loaded: LoadedConfig): ConsoleCommand {
  return {
    name: 'pipeline',
    usage: 'pipeline',
    help: 'configuration source, signer and record pipeline counters',
    run: (_args, out) => {
      out.line('config ' + loaded.source + (loaded.errors.length ? ' INVALID (' + loaded.errors.length + ' errors)' : ''));
      for (let i = 0; i < loaded.errors.length; i++) out.line('  ' + loaded.errors[i]);
      if (!loaded.config) return;
      out.line('device ' + loaded.config.device.id + ' jurisdiction ' + loaded.config.emissions.profile);
      out.line('signer ' + loaded.config.records.signer + ' ' + records.signerState + (records.kid ? ' kid ' + records.kid : '') +
        (records.signerError ? ' error: ' + records.signerError : ''));
      const s = records.status();
      if (!s) {
        const waitingFor = records.signerState !== 'ready' ? 'the signer' : 'the clock (console: time <UTC ISO 8601>)';
        out.line('pipeline waiting for ' + waitingFor + '; samples held ' + records.samplesBeforeReady + ' dropped ' +
          records.samplesDroppedBeforeReady + ' before-clock ' + records.samplesBeforeClock);
        return;
      }
      out.line('samples ' + s.samples + ' periods ' + s.periodsClosed + ' days ' + s.daysClosed + ' engine-restored ' + s.engineStateRestored);
      out.line('records built ' + s.recordsBuilt + ' signed ' + s.recordsSigned + ' queued ' + s.queued + ' split ' + s.splitPeriods +
        ' supplements ' + s.supplements + ' last-seq ' + s.lastSeq);
      out.line('dropped ' + s.dropped + ' failed ' + s.failed + ' retries ' + s.retries + ' sink-errors ' + s.sinkErrors +
        ' engine-errors ' + s.engineErrors);
      const r = s.rejected;
      out.line('rejected late ' + r.late + ' non-monotonic ' + r.nonMonotonic + ' bad-time ' + r.badTime + ' unknown-channel ' +
        r.unknownChannel + ' clock-back ' + r.clockBack + ' malformed ' + r.malformed);
      if (s.lastError) out.line('last-error ' + s.lastError);
    },
  };
}

export function timeCommand(records: RecordsService): ConsoleCommand {
  return {
    name: 'time',
    usage: 'time [UTC ISO 8601]',
    help: 'show the UTC clock, or set it (e.g. time 2026-09-01T10:00:00Z)',
    run: (args, out) => {
      if (args.length) {
        const text = args[0];
        const ms = Date.parse(text);
        if (isNaN(ms) || text.charAt(text.length - 1) !== 'Z') {
          out.line('ERROR expected a UTC time like 2026-09-01T10:00:00Z');
          return;
        }
        const before = clock.nowMs();
        setTime(ms / 1000);
        records.clockSet(ms - before);
      }
      const now = clock.nowMs();
      out.line('time ' + new Date(now).toISOString() + (clockIsSet(now) ? '' : ' (not set: records wait for the time)'));
    },
  };
}
