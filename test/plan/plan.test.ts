// The compiled plan: what the host writes (protocol/plan/compile.ts, writer.ts) and what the device accepts
// (protocol/plan/reader.ts). The device checks integrity instead of re-validating, so every damaged or foreign plan
// must be refused with a PLAN_* code, and a configuration error must never produce a plan.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compilePlan, compilePlanText } from '../../protocol/plan/compile';
import { openModulePlan, openPlan, planBytes, planF64 } from '../../protocol/plan/reader';
import { PlanHeader, Section } from '../../protocol/plan/format';
import { writePlan } from '../../protocol/plan/writer';
import { DEFAULT_CONFIG } from '../../protocol/module/default-config';
import { nodeSha256 } from '../../host-sim/record/node-sha256';
import { Prng } from '../../host-sim/prng';

const SECTIONS = Section.QUANTITIES - Section.STRINGS + 1;

function defaultPlan(): Uint8Array {
  return compilePlan(DEFAULT_CONFIG, nodeSha256).bytes;
}

/** The plan with its header hash recomputed, so that the checks after the hash are reached. */
function rehashed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out.set(createHash('sha256').update(out.subarray(PlanHeader.BODY_AT)).digest(), PlanHeader.HASH_AT);
  return out;
}

function codeOf(bytes: Uint8Array): string {
  try {
    openModulePlan(bytes, nodeSha256);
    return 'opened';
  } catch (e) {
    return (e as { code?: string }).code ?? 'EXCEPTION: ' + String(e);
  }
}

describe('compiled plan', () => {
  it('is deterministic, hash-bound (SHA-256 of the body, checked independently) and has every section', () => {
    const a = defaultPlan();
    expect(Buffer.from(defaultPlan()).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(a.subarray(0, 3)).toString('latin1')).toBe('CP\x01');
    expect(Buffer.from(a.buffer, a.byteOffset, a.length).readUInt32LE(PlanHeader.LENGTH_AT)).toBe(a.length);
    const body = createHash('sha256').update(a.subarray(PlanHeader.BODY_AT)).digest();
    expect(Buffer.from(a.subarray(PlanHeader.HASH_AT, PlanHeader.HASH_AT + 32)).equals(body)).toBe(true);
    const p = openPlan(a, nodeSha256);
    expect(Buffer.from(p.hash).equals(body)).toBe(true);
    for (let id = Section.STRINGS; id <= Section.QUANTITIES; id++) expect(p.at[id] % 8, 'section ' + id + ' aligned').toBe(0);
    expect(planF64(p, Section.META).length).toBeGreaterThan(0);
    expect(planBytes(p, Section.ADUS).length).toBeGreaterThan(0);
  });

  it('refuses a configuration error with every problem by path, and never writes a plan', () => {
    const bad = JSON.parse(JSON.stringify(DEFAULT_CONFIG));
    bad.modbus.buses[0].baud = 'fast';
    bad.emissions.channels[0].unit = 'furlongs';
    let err: { code?: string; errors?: string[] } = {};
    try {
      compilePlan(bad, nodeSha256);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('PLAN_CONFIG');
    expect(err.errors!.some((l) => l.startsWith('modbus.buses[0].baud: '))).toBe(true);
    expect(err.errors!.some((l) => l.startsWith('emissions.channels[0].unit: '))).toBe(true);
  });

  it('reads configuration text strictly: duplicate keys and malformed text are errors with their place', () => {
    const text = JSON.stringify(DEFAULT_CONFIG, null, 2);
    expect(Buffer.from(compilePlanText(text, nodeSha256).bytes).equals(Buffer.from(defaultPlan()))).toBe(true);
    const dup = text.replace('"version": 1,', '"version": 1, "version": 1,');
    expect(() => compilePlanText(dup, nodeSha256)).toThrow(expect.objectContaining({ code: 'PLAN_CONFIG', errors: expect.arrayContaining([expect.stringMatching(/^version: duplicate key/)]) }));
    expect(() => compilePlanText(text.slice(0, 200), nodeSha256)).toThrow(expect.objectContaining({ code: 'PLAN_CONFIG', errors: [expect.stringMatching(/line \d+/)] }));
  });
});

describe('plan integrity on the device (openModulePlan, as the firmware opens its plan)', () => {
  const plan = defaultPlan();

  it('refuses wrong magic, format, length and any changed byte', () => {
    const wrong = (at: number, v: number) => {
      const b = plan.slice();
      b[at] = v;
      return b;
    };
    expect(codeOf(wrong(0, 0x7b))).toBe('PLAN_FORMAT'); // a JSON file
    expect(codeOf(wrong(2, 2))).toBe('PLAN_FORMAT');
    expect(codeOf(plan.subarray(0, plan.length - 8))).toBe('PLAN_LENGTH');
    expect(codeOf(new Uint8Array([...plan, 0]))).toBe('PLAN_LENGTH');
    expect(codeOf(plan.subarray(0, 20))).toBe('PLAN_FORMAT');
    for (let at = PlanHeader.HASH_AT; at < plan.length; at += 37) {
      const b = plan.slice();
      b[at] ^= 0x10;
      expect(codeOf(b), 'byte ' + at).toBe('PLAN_HASH');
    }
  });

  it('refuses a hash-valid plan whose section table is damaged or incomplete', () => {
    const p = openPlan(plan, nodeSha256);
    const sections: { id: number; bytes: Uint8Array }[] = [];
    for (let id = 0; id < p.at.length; id++) if (p.at[id] >= 0) sections.push({ id, bytes: plan.subarray(p.at[id], p.at[id] + p.len[id]) });
    expect(sections.length).toBe(SECTIONS);
    for (const drop of sections) {
      const without = writePlan(sections.filter((s) => s !== drop), nodeSha256);
      expect(codeOf(without), 'without section ' + drop.id).toBe('PLAN_SECTION');
      // a plan of some sections only (the simulator's Modbus-only plans) is still a well-formed plan
      expect(() => openPlan(without, nodeSha256)).not.toThrow();
    }
    const dv = new DataView(plan.buffer.slice(0));
    const entry = PlanHeader.BODY_AT + 4;
    const far = new Uint8Array(dv.buffer);
    dv.setUint32(entry + 4, plan.length, true); // first section's offset past the end
    expect(codeOf(rehashed(far))).toBe('PLAN_FORMAT');
  });

  it('20,000 mutated and random plans (hash recomputed) are opened or refused with a PLAN_* code, never anything else', () => {
    const rng = new Prng(0x91a7);
    const codes: { [code: string]: number } = {};
    for (let i = 0; i < 20000; i++) {
      let b: Uint8Array;
      if (i % 4 === 0) b = new Uint8Array(rng.between(0, 300)).map(() => rng.between(0, 255));
      else {
        b = plan.slice();
        const n = rng.between(1, 4);
        // mostly the header and section table, where the structure is
        for (let k = 0; k < n; k++) b[rng.next() < 0.8 ? rng.between(0, PlanHeader.BODY_AT + 4 + 12 * SECTIONS) : rng.between(0, b.length - 1)] = rng.between(0, 255);
        if (rng.next() < 0.7) b = rehashed(b);
      }
      const c = codeOf(b);
      codes[c] = (codes[c] ?? 0) + 1;
    }
    for (const c of Object.keys(codes)) expect(['opened', 'PLAN_FORMAT', 'PLAN_LENGTH', 'PLAN_HASH', 'PLAN_SECTION'], c).toContain(c);
    expect(codes.PLAN_FORMAT).toBeGreaterThan(100);
    expect(codes.PLAN_HASH).toBeGreaterThan(100);
  });
});
