// The built-in analyzer profiles, by id.

import type { ProfileDef } from '../profile';
import { SICK_GM32 } from './sick-gm32';
import { EMERSON_XSTREAM } from './emerson-xstream';
import { TELEDYNE_T } from './teledyne-t';
import { FLOAT32_BLOCK } from './float32-block';

export const BUILTIN_PROFILES: { [id: string]: ProfileDef } = {
  SICK_GM32: SICK_GM32,
  EMERSON_XSTREAM: EMERSON_XSTREAM,
  TELEDYNE_T: TELEDYNE_T,
  FLOAT32_BLOCK: FLOAT32_BLOCK,
};
