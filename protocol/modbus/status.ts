// Analyzer status words to the normalized Status of protocol/sample.ts. Rules are data (profiles/config, compiled
// into the plan's RULES table and applied by rtu-poller.ts): the first rule that matches wins, so a profile lists them
// in priority order (fault before calibration, ...). No rule matching means the analyzer reports normal operation.
// The native word always travels with the result.

import { STATUS_LIST, type Status } from '../sample';

export interface StatusRule {
  /** Bit number (0 = LSB of the first register, or the first coil/discrete input of the status block). */
  bit?: number;
  /** Value of `bit` that triggers the rule; default 1 (use 0 for "system OK"-style bits). */
  when?: number;
  /** Alternative to `bit`: the whole native word equals this value (enumerated states). */
  equals?: number;
  status: Status;
}

export const STATUSES: Status[] = STATUS_LIST;
