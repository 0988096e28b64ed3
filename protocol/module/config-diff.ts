// Configuration changes as records: the canonical bytes and hash of a configuration, and the leaf-level differences
// between two configurations that a config-change event lists.
import type { Sha256 } from '../ports';
import { encodeCbor } from '../record/cbor';
import { textSize } from '../record/cbor-writer';
import { MAX_RECORD_BYTES, type ConfigChange, type ConfigValue, type EventData } from '../record/schema';
import { plainToCbor } from './plain-cbor';
import { asciiText } from './record-text';

/** Canonical bytes of a configuration: deterministic CBOR of its JSON data (key order and formatting do not matter). */
export function configBytes(cfg: unknown): Uint8Array {
  return encodeCbor(plainToCbor(cfg));
}

export function configHash(cfg: unknown, sha256: Sha256): Uint8Array {
  return sha256(configBytes(cfg));
}

function leafValue(v: unknown): ConfigValue {
  if (typeof v === 'string') return asciiText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

/** Leaves of a JSON value as paths ("emissions.channels[2].calibration.b") and values, keys in sorted order. */
function flatten(root: unknown, paths: string[], leaves: ConfigValue[]): void {
  const values: unknown[] = [root];
  const names: string[] = [''];
  while (values.length > 0) {
    const v = values.pop();
    const path = names.pop() as string;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        values.push(v[i]);
        names.push(path + '[' + i + ']');
      }
    } else if (v !== null && typeof v === 'object') {
      const o = v as { [k: string]: unknown };
      const ks = Object.keys(o);
      ks.sort(function (a, b) {
        return a < b ? -1 : a > b ? 1 : 0;
      });
      for (let i = ks.length - 1; i >= 0; i--) {
        if (o[ks[i]] === undefined) continue;
        values.push(o[ks[i]]);
        names.push(path === '' ? asciiText(ks[i]) : path + '.' + asciiText(ks[i]));
      }
    } else if (v !== undefined) {
      paths.push(path);
      leaves.push(leafValue(v));
    }
  }
}

/** Room for the change list inside one record (the rest of a config-change record is well under 400 bytes). */
const CHANGES_BUDGET = MAX_RECORD_BYTES - 600;

function valueBytes(v: ConfigValue): number {
  if (typeof v === 'string') return textSize(v);
  if (typeof v === 'number') return 9;
  return 1;
}

/**
 * Leaf-level differences between two configurations, as [path, old, new]; a leaf present on one side only has null
 * on the other. Paths of the old configuration come first, in their order, then paths only the new one has. When
 * the list would not fit in one record, it ends with ["...", null, <number of further changes>] (the hashes still
 * identify both configurations exactly).
 */
export function configChanges(oldCfg: unknown, newCfg: unknown): ConfigChange[] {
  const op: string[] = [];
  const ov: ConfigValue[] = [];
  const np: string[] = [];
  const nv: ConfigValue[] = [];
  flatten(oldCfg, op, ov);
  flatten(newCfg, np, nv);
  const all: ConfigChange[] = [];
  // keyed by '#' + path: a configuration key such as "__proto__" or "constructor" stays an ordinary entry
  const seen: { [path: string]: boolean } = {};
  const newIndex: { [path: string]: number } = {};
  for (let j = 0; j < np.length; j++) newIndex['#' + np[j]] = j;
  for (let i = 0; i < op.length; i++) {
    seen['#' + op[i]] = true;
    const j = newIndex['#' + op[i]];
    const present = typeof j === 'number';
    const now = present ? nv[j] : null;
    if (!present || now !== ov[i]) all.push({ path: op[i], oldValue: ov[i], newValue: now });
  }
  for (let j = 0; j < np.length; j++) if (seen['#' + np[j]] !== true) all.push({ path: np[j], oldValue: null, newValue: nv[j] });
  const out: ConfigChange[] = [];
  let bytes = 0;
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    bytes += 1 + textSize(c.path) + valueBytes(c.oldValue) + valueBytes(c.newValue);
    if (bytes > CHANGES_BUDGET) {
      out.push({ path: '...', oldValue: null, newValue: all.length - i });
      break;
    }
    out.push(c);
  }
  return out;
}

/** The config-change event the firmware records when it applies a new configuration. */
export function configChangeEvent(oldCfg: unknown, newCfg: unknown, sha256: Sha256, nowMs: number, actor: string): EventData {
  return {
    kind: 'config-change', startMs: nowMs, endMs: -1, actor: asciiText(actor),
    detail: { oldHash: configHash(oldCfg, sha256), newHash: configHash(newCfg, sha256), changes: configChanges(oldCfg, newCfg) },
  };
}
