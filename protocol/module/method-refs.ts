// The regulatory method reference a record quantity carries, per jurisdiction profile and output class (table in
// docs/records.md). Where a profile has no entry, the record carries the engine's formula id (OutputDef.formula,
// e.g. "HJ212-2017-AnnexD-Eq33"), which names the computation exactly.
import type { OutputDef } from '../cems/config';

/** Class of an output for the method table. */
type MethodClass = 'MEASURED' | 'CONC' | 'MASS' | 'FLOW';

const METHOD_REFS: { [profile: string]: { [cls: string]: string } } = {
  EU_IED_LCP: { MEASURED: 'EN14181:2014', CONC: 'IED-2010/75:AnnexV', FLOW: 'EN-ISO-16911-2' },
  EU_IED_WI: { MEASURED: 'EN14181:2014', CONC: 'IED-2010/75:AnnexVI', FLOW: 'EN-ISO-16911-2' },
  EU_MRR: { MEASURED: 'EN14181:2014', CONC: 'EU-MRR-2018/2066:Art44', FLOW: 'EU-MRR-2018/2066:Art42-EN-ISO-16911-2' },
  US_P75: { MEASURED: '40CFR75.10(d)', CONC: '40CFR75.10(d)', FLOW: '40CFR75.10(d)' },
  US_P60: { MEASURED: '40CFR60.13(h)', CONC: '40CFR60.13(h)', FLOW: '40CFR60.13(h)' },
  CN_HJ: { MEASURED: 'HJ212-2017-AnnexD-Eq24' },
};

/** Part 75 Appendix F mass-rate equations by measured quantity (dry concentration x dry flow = F-2 form). */
const P75_MASS_REFS: { [quantity: string]: string } = { SO2: '40CFR75-AppF-F-2', CO2: '40CFR75-AppF-F-11' };

function methodClass(o: OutputDef): MethodClass | '' {
  if (o.kind === 'MEASURED') return 'MEASURED';
  if (o.kind === 'DRY' || o.kind === 'REF') return 'CONC';
  if (o.kind === 'MASS') return 'MASS';
  if (o.kind === 'FLOW_ACT' || o.kind === 'FLOW_NDRY') return 'FLOW';
  return '';
}

/** The method reference a record carries for output `o` (of a channel measuring `quantity`) under `profileId`. */
export function methodRef(profileId: string, o: OutputDef, quantity: string): string {
  const cls = methodClass(o);
  if (profileId === 'US_P75' && cls === 'MASS' && typeof P75_MASS_REFS[quantity] === 'string') return P75_MASS_REFS[quantity];
  const table = METHOD_REFS[profileId];
  if (table && cls !== '' && typeof table[cls] === 'string') return table[cls];
  return o.formula;
}
