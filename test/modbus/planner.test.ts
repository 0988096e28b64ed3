import { describe, expect, it } from 'vitest';
import { defaultLimits, planReads, ReadNeed } from '../../protocol/modbus/planner';

function plan(needs: ReadNeed[], over: Partial<ReturnType<typeof defaultLimits>> = {}) {
  return planReads(needs, { ...defaultLimits(), ...over }).map((b) => [b.fc, b.address, b.quantity]);
}

describe('request planner', () => {
  it('coalesces overlapping and adjacent needs, per table', () => {
    expect(
      plan([
        { fc: 4, address: 5002, count: 1 },
        { fc: 4, address: 5000, count: 2 },
        { fc: 3, address: 10, count: 2 },
        { fc: 4, address: 5001, count: 2 },
        { fc: 2, address: 0, count: 25 },
      ]),
    ).toEqual([
      [2, 0, 25],
      [3, 10, 2],
      [4, 5000, 3],
    ]);
  });

  it('bridges gaps up to the 125-register limit, then starts a new read', () => {
    const needs: ReadNeed[] = [];
    for (let n = 0; n < 8; n++) needs.push({ fc: 4, address: 5000 + 17 * n, count: 2 }, { fc: 4, address: 5002 + 17 * n, count: 1 });
    expect(plan(needs)).toEqual([[4, 5000, 122]]);
    needs.push({ fc: 4, address: 5136, count: 2 });
    expect(plan(needs)).toEqual([
      [4, 5000, 122],
      [4, 5136, 2],
    ]);
    expect(plan(needs, { maxRegisters: 40 })).toEqual([
      [4, 5000, 37],
      [4, 5051, 37],
      [4, 5102, 36],
    ]);
  });

  it('honours maxGap and forbidden ranges', () => {
    const needs: ReadNeed[] = [
      { fc: 3, address: 0, count: 2 },
      { fc: 3, address: 4, count: 2 },
      { fc: 3, address: 20, count: 2 },
    ];
    expect(plan(needs)).toEqual([[3, 0, 22]]);
    expect(plan(needs, { maxGap: 2 })).toEqual([
      [3, 0, 6],
      [3, 20, 2],
    ]);
    expect(plan(needs, { forbidden: [{ fc: 3, start: 10, end: 12 }] })).toEqual([
      [3, 0, 6],
      [3, 20, 2],
    ]);
    // A forbidden range in another table does not matter.
    expect(plan(needs, { forbidden: [{ fc: 4, start: 10, end: 12 }] })).toEqual([[3, 0, 22]]);
    expect(plan(needs, { forbidden: [{ fc: 3, start: 2, end: 3 }] })).toEqual([
      [3, 0, 2],
      [3, 4, 18],
    ]);
  });

  it('uses the 2000-bit limit for coils and discrete inputs', () => {
    expect(
      plan([
        { fc: 1, address: 0, count: 1 },
        { fc: 1, address: 1999, count: 1 },
        { fc: 1, address: 2000, count: 1 },
      ]),
    ).toEqual([
      [1, 0, 2000],
      [1, 2000, 1],
    ]);
  });
});
