// Public surface of the emissions engine.
export type { CemsConfig, CemsConfigInput, ChannelInput, ConfigError, OutputDef } from './config';
export { compileConfig, validateConfig } from './config';
export type {
  CemsEngine,
  CemsOutput,
  CemsState,
  DayValue,
  EngineEvent,
  PeriodValue,
  SubstituteValue,
} from './engine';
export { advance, createEngine, newState, pushSample, takeOutput } from './engine';
export type { MinuteRecord } from './pipeline';
export type { Basis, TaggedValue } from './convert';
export { co2MassRate, massRate } from './convert';
export type { Profile } from './profiles';
export { PROFILES } from './profiles';
export { CONDITIONS } from './conditions';
export { reasonNames } from './reasons';
export { STATUS_LIST } from './status';
export { roundScaled } from './numbers';
