// Storage module cems.close: the period and day close of the emissions engine, required by the engine when a period
// ends and released after the tick (firmware/main.ts).
export { emitPeriod, closeDay } from '../../protocol/cems/close';
