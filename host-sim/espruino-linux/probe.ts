// Memory probe for device-like boots: a Storage `.boot0` (it runs before `.bootcde`) that writes PROBE lines
// straight to the USB device, so they reach the transcript even after the firmware has moved the REPL elsewhere with
// E.setConsole. Lines: `PROBE boot used N of M` when .boot0 runs, then `PROBE t=MS used N free F total T flags F1,F2`
// at about 200, 1000, 3000 and 8000 ms (interpreter time: accelerated under faketime) and every `everyMs` after that.
// The flags are the interpreter error flags raised since boot, collected from E.on('errorFlag') so that
// E.getErrorFlags(), which clears them, stays the firmware's. On request (`__probe(id)` typed at the REPL) it writes
// the same line tagged `req=id`; that needs the REPL on the console, otherwise the timed lines are what there is.

export interface ProbeOptions {
  /** After the 8000 ms line, one line every this many ms (interpreter time). */
  everyMs?: number;
}

export interface ProbeSample {
  /** The line written when .boot0 ran (no free count of its own: free = total − used). */
  boot: boolean;
  /** Milliseconds since .boot0 ran (0 for the boot line). */
  t: number;
  /** Memory blocks (JsVars) in use, free and in total, after a garbage collection (process.memory()). */
  used: number;
  free: number;
  total: number;
  /** Error flags seen since boot, e.g. LOW_MEMORY, MEMORY, FIFO_FULL. */
  flags: string[];
  /** The id passed to `__probe(id)` for lines written on request. */
  request?: number;
}

export const PROBE_FILE = '.boot0';

/** Name of the global the probe defines for on-request lines. */
export const PROBE_FUNCTION = '__probe';

/** Source of the `.boot0` probe. */
export function probeBoot0(options: ProbeOptions = {}): string {
  const every = options.everyMs;
  if (every !== undefined && !(every > 0)) throw new Error('probe everyMs must be > 0, got ' + every);
  return (
    '(function(){var t0=getTime(),fl=[];' +
    'function line(tag){var m=process.memory();USB.write("PROBE "+tag+"t="+Math.round((getTime()-t0)*1000)+' +
    '" used "+m.usage+" free "+m.free+" total "+m.total+" flags "+(fl.length?fl.join(","):"-")+"\\r\\n");}' +
    'E.on("errorFlag",function(f){f.forEach(function(x){if(fl.indexOf(x)<0)fl.push(x);});});' +
    'var m=process.memory();USB.write("PROBE boot used "+m.usage+" of "+m.total+"\\r\\n");' +
    '[200,1000,3000,8000].forEach(function(t){setTimeout(function(){line("");},t);});' +
    (every === undefined ? '' : 'setTimeout(function(){setInterval(function(){line("");},' + every + ');},8000);') +
    'global.' + PROBE_FUNCTION + '=function(id){line("req="+id+" ");};})();'
  );
}

const PROBE_LINE =
  /PROBE (?:boot used (\d+) of (\d+)|(?:req=(\d+) )?t=(\d+) used (\d+) free (\d+) total (\d+) flags (\S+))\r?\n/g;

/** Every PROBE line in a transcript, in order (a transcript spanning reboots has one boot line per boot). */
export function parseProbes(transcript: string): ProbeSample[] {
  return [...transcript.matchAll(PROBE_LINE)].map((m) => {
    if (m[1] !== undefined) {
      const used = Number(m[1]);
      const total = Number(m[2]);
      return { boot: true, t: 0, used, free: total - used, total, flags: [] };
    }
    const sample: ProbeSample = {
      boot: false,
      t: Number(m[4]),
      used: Number(m[5]),
      free: Number(m[6]),
      total: Number(m[7]),
      flags: m[8] === '-' ? [] : m[8].split(','),
    };
    if (m[3] !== undefined) sample.request = Number(m[3]);
    return sample;
  });
}
