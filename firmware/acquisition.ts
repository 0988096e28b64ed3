// Acquisition on the device: opens every RS-485 bus of the plan, keeps the latest reading of every acquired channel
// for the console, and hands every sample on to the consumer (the records service). A consumer that throws must not
// stall the poll loop (the poller emits from inside its state machine): the failure is counted and shown on the
// console, and acquisition goes on. A bus that cannot be opened is reported; the others run.
import { Acq, Meta, Section } from '../protocol/plan/format';
import { planF64, type Plan } from '../protocol/plan/reader';
import type { RtuPlan } from '../protocol/modbus/rtu-master';
import { errorText } from '../protocol/errors';
import type { ConsoleLines } from './console';
import { Latest, type Device } from './device';
import { startBus } from './uart-bus';

/** Receives every sample: acquired channel, its engine channel (-1: none), time, value, status code, native word. */
export type SampleConsumer = (acq: number, channel: number, t: number, value: number, status: number, native: number) => void;

export function startAcquisition(dev: Device, plan: Plan, rp: RtuPlan, consume: SampleConsumer, out: ConsoleLines): void {
  const nAcq = rp.acq.length / Acq.FIELDS;
  dev.latest = new Float64Array(nAcq * Latest.FIELDS);
  for (let a = 0; a < nAcq; a++) dev.latest[a * Latest.FIELDS + Latest.T] = -1;
  const emit = function (acq: number, t: number, value: number, status: number, native: number): void {
    const l = acq * Latest.FIELDS;
    dev.latest[l + Latest.T] = t;
    dev.latest[l + Latest.VALUE] = value;
    dev.latest[l + Latest.STATUS] = status;
    dev.latest[l + Latest.NATIVE] = native;
    try {
      consume(acq, rp.acq[acq * Acq.FIELDS + Acq.CHANNEL], t, value, status, native);
    } catch (e) {
      dev.consumerErrors++;
      dev.lastConsumerError = errorText(e);
    }
  };
  const buses = planF64(plan, Section.META)[Meta.N_BUSES];
  for (let i = 0; i < buses; i++) {
    try {
      dev.buses.push(startBus(plan, rp, i, emit));
    } catch (e) {
      out.line('modbus: bus ' + i + ' not started: ' + errorText(e));
    }
  }
}
