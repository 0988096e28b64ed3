// Host: the one configuration compiler. A module configuration (JSON text or object) is validated with path-named
// errors (protocol/module/config.ts), compiled (emissions tables, Modbus poll plan, record fragments) and written as
// the plan file the device loads (format.ts). `npm run build` compiles the embedded default; `npm run provision`
// compiles a site's configuration.
import { codedError, type CodedError } from '../errors';
import type { Sha256 } from '../ports';
import { compileConfig } from '../cems/config';
import { resolveModbusConfig } from '../modbus/config';
import { parseModuleConfigText, validateModuleConfig } from '../module/config';
import type { ModuleConfig } from '../module/config-types';
import { createRecordContext } from '../module/record-context';
import { DEFAULT_RESERVE_BLOCK } from '../module/records';
import { engineSections } from './compile-engine';
import { modbusSections } from './compile-modbus';
import { recordSections } from './compile-record';
import { Meta, Section, SignerKind } from './format';
import { F64Table, StringTable, f64Bytes, stringsBytes, writePlan } from './writer';

const TIME_SOURCES = ['none', 'rtc', 'ntp', 'gnss', 'manual'];
/** Storage file of the HMAC key when the configuration names none. */
export const DEFAULT_HMAC_KEY_FILE = 'cems.key';

export interface CompiledPlan {
  bytes: Uint8Array;
  /** SHA-256 of the plan body (as in its header). */
  hash: Uint8Array;
  config: ModuleConfig;
}

/** Thrown with every configuration problem, one "path: problem" per line. */
export interface PlanConfigError extends CodedError {
  errors: string[];
}

export function configError(errors: string[]): PlanConfigError {
  const e = codedError('PLAN_CONFIG', errors.length + ' configuration problem(s):\n' + errors.join('\n')) as PlanConfigError;
  e.errors = errors;
  return e;
}

function pin(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^D?(\d+)$/.exec(v);
  if (!m) throw configError(['records.atecc608: pin ' + v + ' is not a GPIO number']);
  return parseInt(m[1], 10);
}

function metaSection(cfg: ModuleConfig, str: StringTable, counts: number[], analyzers: number): Uint8Array {
  const t = new F64Table(Meta.FIELDS);
  t.addRow();
  const r = cfg.records;
  t.set(0, Meta.DEVICE_ID, str.id(cfg.device.id));
  t.set(0, Meta.PLAN_VERSION, str.id(cfg.site.monitoringPlanVersion));
  t.set(0, Meta.SIGNER, r.signer === 'hmac' ? SignerKind.HMAC : SignerKind.ATECC608);
  t.set(0, Meta.HMAC_KEY_FILE, str.id(r.hmacKeyFile || DEFAULT_HMAC_KEY_FILE));
  t.set(0, Meta.KID, str.id(r.kid || ''));
  t.set(0, Meta.TIME_SOURCE, TIME_SOURCES.indexOf(r.timeSource));
  t.set(0, Meta.RESERVE_BLOCK, typeof r.reserveBlock === 'number' ? r.reserveBlock : DEFAULT_RESERVE_BLOCK);
  const se = r.atecc608;
  t.set(0, Meta.SE_BUS, se && se.bus === 'I2C2' ? 1 : 0);
  t.set(0, Meta.SE_SCL, se ? pin(se.scl) : -1);
  t.set(0, Meta.SE_SDA, se ? pin(se.sda) : -1);
  t.set(0, Meta.SE_ADDRESS, se ? se.address : -1);
  t.set(0, Meta.SE_SLOT, se ? se.slot : -1);
  t.set(0, Meta.SE_GPIO_WAKE, se && se.gpioWake ? 1 : 0);
  t.set(0, Meta.N_BUSES, counts[0]);
  t.set(0, Meta.N_DEVICES, counts[1]);
  t.set(0, Meta.N_GROUPS, counts[2]);
  t.set(0, Meta.N_READS, counts[3]);
  t.set(0, Meta.N_ACQ, counts[4]);
  t.set(0, Meta.N_ANALYZERS, analyzers);
  return f64Bytes(t.values);
}

/** Compiles a configuration object; throws PLAN_CONFIG with every problem when it does not validate. */
export function compilePlan(raw: unknown, sha256: Sha256): CompiledPlan {
  const v = validateModuleConfig(raw);
  if (!v.config) throw configError(v.errors);
  const cfg = v.config;
  const cems = compileConfig(cfg.emissions);
  const str = new StringTable();
  const mb = modbusSections(resolveModbusConfig(cfg.modbus), function (id: string): number {
    const i = cems.chanIndex[id];
    return typeof i === 'number' ? i : -1;
  }, str);
  const ctx = createRecordContext(cfg, cems);
  const sections = engineSections(cems).concat(mb.sections, recordSections(cfg, cems, ctx, str));
  sections.push({ id: Section.META, bytes: metaSection(cfg, str, [mb.buses, mb.devices, mb.groups, mb.reads, mb.acq], ctx.analyzers.length) });
  sections.push({ id: Section.STRINGS, bytes: stringsBytes(str) });
  const bytes = writePlan(sections, sha256);
  return { bytes: bytes, hash: bytes.subarray(8, 40), config: cfg };
}

/** Compiles configuration text (a site's JSON file); errors carry line and column or path. */
export function compilePlanText(text: string, sha256: Sha256): CompiledPlan {
  const r = parseModuleConfigText(text);
  if (!r.config) throw configError(r.errors);
  return compilePlan(r.config, sha256);
}
