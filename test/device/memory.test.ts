// Memory of the firmware on the real Espruino 2v29 interpreter with the largest pool an ESP32 can have (16,383
// variables), and on a 32-bit build with the ESP32's exact 14-byte variable layout, measured the way the device runs
// (test/device/memory-figures.ts). Budgets (docs/memory.md): resident
// after boot at most 5,000 variables (goal 4,000); peak while a period closes and its records are sealed at most 6,500.
// The figures are printed.
import { describe, expect, it } from 'vitest';
import { peakDuringClose, residentAfterBoot } from './memory-figures';

const RESIDENT_BUDGET = 5000;
const PEAK_GOAL = 6500;

describe('memory on the real interpreter (pool of 16,383 variables)', () => {
  it('keeps the resident firmware within its budget after boot', async () => {
    const m = await residentAfterBoot('pool16k');
    console.log('resident after boot: ' + m.resident + ' of 16383 variables (budget ' + RESIDENT_BUDGET + '); code without a plan ' + m.codeOnly + '; state: ' + m.components);
    expect(m.transcript).not.toMatch(/Uncaught|OUT OF MEMORY/);
    expect(m.codeOnly).toBeGreaterThan(0);
    expect(m.resident).toBeGreaterThan(m.codeOnly);
    expect(m.resident).toBeLessThanOrEqual(RESIDENT_BUDGET);
  }, 120000);

  it("keeps within the budget on the ESP32's exact variable layout (32-bit build, 14-byte blocks, 12,000 variables)", async () => {
    const m = await residentAfterBoot('esp32layout12k');
    console.log('resident after boot on the ESP32 layout: ' + m.resident + ' of 12000 variables (budget ' + RESIDENT_BUDGET + '); code without a plan ' + m.codeOnly + '; state: ' + m.components);
    expect(m.transcript).not.toMatch(/Uncaught|OUT OF MEMORY/);
    expect(m.resident).toBeGreaterThan(m.codeOnly);
    expect(m.resident).toBeLessThanOrEqual(RESIDENT_BUDGET);
  }, 120000);

  it('stays within the peak goal while an hour closes and its records are sealed', async () => {
    const { peak, transcript } = await peakDuringClose('pool16k');
    console.log('peak while a period closed and its records were sealed: ' + peak + ' variables (goal ' + PEAK_GOAL + ')');
    expect(transcript).not.toMatch(/Uncaught|OUT OF MEMORY/);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(PEAK_GOAL);
  }, 120000);
});
