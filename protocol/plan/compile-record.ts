// Host: the record sections of a plan (RECORD, QUANTITIES). Everything a period record says that depends only on
// the configuration (identity, site, analyzers, each quantity's id, units, bases, reference conditions, decimals,
// calibration function, native-code scheme, method reference) is encoded here once, with the reference CBOR encoder,
// as byte fragments; the device writes the dynamic values between them (protocol/record/period-record.ts).
import { codedError } from '../errors';
import type { CemsConfig } from '../cems/config';
import type { PeriodRule } from '../cems/profiles';
import { decimalsFor, type QuantityPlan, type RecordContext } from '../module/record-context';
import { CborFloat, CborMap, encodeCbor, type CborValue } from '../record/cbor';
import { BASIS_CODES, K_ANALYZER, K_CODE, K_QUANTITY, K_SITE, K_VALUE, type Basis } from '../record/schema';
import type { ModuleConfig } from '../module/config-types';
import { Qt, Rec, Section } from './format';
import { F64Table, f64Bytes, type StringTable } from './writer';

export function ruleText(profileId: string, r: PeriodRule): string {
  if (r.kind === 'MIN_MINUTES') return profileId + ':MIN_MINUTES:' + r.n;
  if (r.kind === 'QUADRANT') return profileId + ':QUADRANT';
  return profileId + ':' + r.kind + ':' + r.num + '/' + r.den;
}

class Fragments {
  bytes: number[] = [];

  /** Appends one fragment made of CBOR items (each encoded on its own); returns [offset, length]. */
  add(items: Uint8Array[]): [number, number] {
    const at = this.bytes.length;
    for (const it of items) for (let i = 0; i < it.length; i++) this.bytes.push(it[i]);
    return [at, this.bytes.length - at];
  }
}

function enc(v: CborValue): Uint8Array {
  return encodeCbor(v);
}

/** A bare map head (major type 5) for n entries. */
function mapHead(n: number): Uint8Array {
  if (n >= 24) throw codedError('PLAN_COMPILE', 'map of ' + n + ' entries');
  return new Uint8Array([0xa0 | n]);
}

function basisCode(b: Basis): number {
  return BASIS_CODES.indexOf(b);
}

interface QuantityShape {
  out: number;
  total: boolean;
  id: string;
  analyzer: number;
  hasRaw: boolean;
  rawUnit: string;
  rawBasis: Basis;
  unit: string;
  basis: Basis;
  tRefK: number | null;
  pRefPa: number | null;
  o2RefPct: number | null;
  decimals: number;
  calibrationId: string;
  scheme: string;
  methodRef: string;
}

function shapesOf(plan: QuantityPlan, scheme: string): QuantityShape[] {
  const q: QuantityShape = {
    out: plan.out, total: false, id: plan.id, analyzer: plan.analyzer, hasRaw: plan.measured, rawUnit: plan.rawUnit,
    rawBasis: plan.rawBasis, unit: plan.unit, basis: plan.basis, tRefK: plan.tRefK, pRefPa: plan.pRefPa,
    o2RefPct: plan.o2RefPct, decimals: plan.decimals, calibrationId: plan.calibrationId, scheme: scheme, methodRef: plan.methodRef,
  };
  if (plan.totalId === '') return [q];
  const t: QuantityShape = {
    out: plan.out, total: true, id: plan.totalId, analyzer: plan.analyzer, hasRaw: false, rawUnit: '', rawBasis: 'none',
    unit: plan.totalUnit, basis: 'none', tRefK: null, pRefPa: null, o2RefPct: null, decimals: decimalsFor(plan.totalUnit),
    calibrationId: plan.calibrationId, scheme: scheme, methodRef: plan.methodRef,
  };
  return [q, t];
}

export function recordSections(cfg: ModuleConfig, cems: CemsConfig, ctx: RecordContext, str: StringTable): { id: number; bytes: Uint8Array }[] {
  const f = new Fragments();
  const rec = new F64Table(Rec.FIELDS);
  rec.addRow();
  const put = (at: Rec, len: Rec, frag: [number, number]): void => {
    rec.set(0, at, frag[0]);
    rec.set(0, len, frag[1]);
  };
  put(Rec.DEVICE_ID_AT, Rec.DEVICE_ID_LEN, f.add([enc(cfg.device.id)]));
  const site = new CborMap()
    .set(K_SITE.FACILITY, cfg.site.facilityId)
    .set(K_SITE.INSTALLATION, cfg.site.installationId)
    .set(K_SITE.STACK, cfg.site.stackId)
    .set(K_SITE.LOCATION, cfg.site.monitoringLocationId);
  put(Rec.SITE_AT, Rec.SITE_LEN, f.add([enc(site)]));
  const analyzers: CborValue[] = ctx.analyzers.map((a) =>
    new CborMap().set(K_ANALYZER.ID, a.id).set(K_ANALYZER.SERIAL, a.serial).set(K_ANALYZER.QAL1, a.qal1Certificate).set(K_ANALYZER.MODEL, a.model),
  );
  put(Rec.ANALYZERS_AT, Rec.ANALYZERS_LEN, f.add([enc(analyzers)]));
  put(Rec.PLAN_VERSION_AT, Rec.PLAN_VERSION_LEN, f.add([enc(ctx.planVersion)]));
  put(Rec.RULE_AT, Rec.RULE_LEN, f.add([enc(ruleText(cems.profile.id, cems.profile.periodRule))]));
  put(Rec.SUBST_RULE_AT, Rec.SUBST_RULE_LEN, f.add([enc(ctx.profileId + ':SUBSTITUTE')]));
  rec.set(0, Rec.AVERAGING_S, ctx.averagingS);

  const qt = new F64Table(Qt.FIELDS);
  for (const plan of ctx.plans) {
    const scheme = ctx.nativeScheme !== '' ? ctx.nativeScheme : plan.bitsScheme;
    for (const s of shapesOf(plan, scheme)) {
      const r = qt.addRow();
      qt.set(r, Qt.OUT, s.out);
      qt.set(r, Qt.ID, str.id(s.id));
      qt.set(r, Qt.ANALYZER_ID, s.analyzer !== -1 ? str.id(ctx.analyzers[s.analyzer].id) : -1);
      qt.set(r, Qt.TOTAL, s.total ? 1 : 0);
      qt.set(r, Qt.HAS_RAW, s.hasRaw ? 1 : 0);
      // keys 0 2 3 4 5 6 7 8 9 10 11 14, analyzer (1) when known; substitution (12) is added by the device
      qt.set(r, Qt.MAP_SIZE, 12 + (s.analyzer !== -1 ? 1 : 0));
      const a: Uint8Array[] = [enc(K_QUANTITY.ID), enc(s.id)];
      if (s.analyzer !== -1) a.push(enc(K_QUANTITY.ANALYZER), enc(s.analyzer));
      a.push(enc(K_QUANTITY.RAW), mapHead(3), enc(K_VALUE.VALUE));
      const refs = (s.tRefK !== null ? 1 : 0) + (s.pRefPa !== null ? 1 : 0) + (s.o2RefPct !== null ? 1 : 0);
      const b: Uint8Array[] = [
        enc(K_VALUE.UNIT), enc(s.rawUnit), enc(K_VALUE.BASIS), enc(basisCode(s.rawBasis)),
        enc(K_QUANTITY.CORRECTED), mapHead(3 + refs), enc(K_VALUE.VALUE),
      ];
      const c: Uint8Array[] = [enc(K_VALUE.UNIT), enc(s.unit), enc(K_VALUE.BASIS), enc(basisCode(s.basis))];
      if (s.tRefK !== null) c.push(enc(K_VALUE.T_REF), enc(new CborFloat(s.tRefK)));
      if (s.pRefPa !== null) c.push(enc(K_VALUE.P_REF), enc(new CborFloat(s.pRefPa)));
      if (s.o2RefPct !== null) c.push(enc(K_VALUE.O2_REF), enc(new CborFloat(s.o2RefPct)));
      c.push(enc(K_QUANTITY.DECIMALS), enc(s.decimals), enc(K_QUANTITY.CALIBRATION), enc(s.calibrationId), enc(K_QUANTITY.N_VALID));
      const fa = f.add(a);
      const fb = f.add(b);
      const fc = f.add(c);
      const fn = f.add([enc(K_QUANTITY.NATIVE), mapHead(2), enc(K_CODE.SCHEME), enc(s.scheme), enc(K_CODE.CODE)]);
      const fm = f.add([enc(K_QUANTITY.METHOD), enc(s.methodRef)]);
      qt.set(r, Qt.A_AT, fa[0]);
      qt.set(r, Qt.A_LEN, fa[1]);
      qt.set(r, Qt.B_AT, fb[0]);
      qt.set(r, Qt.B_LEN, fb[1]);
      qt.set(r, Qt.C_AT, fc[0]);
      qt.set(r, Qt.C_LEN, fc[1]);
      qt.set(r, Qt.NATIVE_AT, fn[0]);
      qt.set(r, Qt.NATIVE_LEN, fn[1]);
      qt.set(r, Qt.METHOD_AT, fm[0]);
      qt.set(r, Qt.METHOD_LEN, fm[1]);
    }
  }
  rec.set(0, Rec.N_QUANTITIES, qt.rows);
  // the RECORD section: Rec fields (float64) followed by the fragment bytes; fragment offsets count from its end
  const head = f64Bytes(rec.values);
  const body = new Uint8Array(head.length + f.bytes.length);
  body.set(head, 0);
  body.set(f.bytes, head.length);
  return [
    { id: Section.RECORD, bytes: body },
    { id: Section.QUANTITIES, bytes: f64Bytes(qt.values) },
  ];
}
