// Type of espruino.config.js, and its loader for Node-side tools.
import config from '../espruino.config.js';

export interface EspruinoConfig {
  board: { id: string; descriptionFile: string; interpreter: string };
  upload: {
    port: string;
    baud: number;
    bootFile: string;
    resetBeforeSend: boolean;
    dryRunOutput: string;
  };
  storage: {
    chainSlots: string[];
    engineState: string;
    plan: string;
    defaultPlan: string;
    hmacKey: string;
    modules: { close: string; seal: string; commands: string; secureElement: string };
  };
  bundle: {
    entry: string;
    output: string;
    storageDir: string;
    moduleEntries: { [storageName: string]: string };
    conformanceEntry: string;
    conformanceOutput: string;
  };
}

export const espruinoConfig: EspruinoConfig = config;
