// The typed views the runtime parts take from a plan (device side): engine tables, Modbus tables. Views, not copies:
// on the device they point into the Storage file.
import { Section } from './format';
import { planBytes, planF64, type Plan } from './reader';
import type { EnginePlan } from '../cems/engine';
import type { RtuPlan } from '../modbus/rtu-master';

export function enginePlan(p: Plan): EnginePlan {
  return {
    eng: planF64(p, Section.ENGINE),
    ch: planF64(p, Section.CHANNELS),
    om: planF64(p, Section.OUT_MINUTE),
    oc: planF64(p, Section.OUT_CLOSE),
    lists: planF64(p, Section.LISTS),
  };
}

export function rtuPlan(p: Plan): RtuPlan {
  return {
    buses: planF64(p, Section.BUSES),
    devices: planF64(p, Section.DEVICES),
    groups: planF64(p, Section.GROUPS),
    reads: planF64(p, Section.READS),
    adus: planBytes(p, Section.ADUS),
    acq: planF64(p, Section.ACQ),
    rules: planF64(p, Section.RULES),
  };
}
