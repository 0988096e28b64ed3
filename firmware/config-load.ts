// Which configuration the module runs: the provisioned Storage file when present and valid, the embedded default
// when none is provisioned. A provisioned file with errors is never replaced by the default silently: the errors
// are reported and nothing is acquired or recorded until the file is fixed.
import type { ModuleConfig } from '../protocol/module/config-types';
import { parseModuleConfigText } from '../protocol/module/config';
import { DEFAULT_CONFIG } from '../protocol/module/default-config';
import { readConfigText } from './storage-state';

export interface LoadedConfig {
  config: ModuleConfig | null;
  source: 'stored' | 'default';
  errors: string[];
}

export function loadConfig(): LoadedConfig {
  const text = readConfigText();
  if (text === null) return { config: DEFAULT_CONFIG, source: 'default', errors: [] };
  const r = parseModuleConfigText(text);
  return { config: r.errors.length ? null : r.config, source: 'stored', errors: r.errors };
}
