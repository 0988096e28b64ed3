// The module's configuration as an installation writes it (a JSON file, validated and compiled on the host into the
// plan the device loads, or the embedded default). Each section belongs to one protocol area and is validated by it;
// protocol/module/config.ts checks the whole and the references between sections. Non-integer numbers are decimal
// strings ("1.0234"): the text as written on the calibration certificate, turned into the nearest double by an exact
// integer ratio (protocol/cems/numbers.ts, parseDecimal).
import type { ModbusConfig } from '../modbus/config';
import type { CemsConfigInput } from '../cems/config-types';

export const MODULE_CONFIG_VERSION = 1;

export interface SiteConfig {
  facilityId: string;
  installationId: string;
  /** Emission source (stack) id. */
  stackId: string;
  monitoringLocationId: string;
  /** Version of the approved monitoring plan the configuration implements (reported in every period record). */
  monitoringPlanVersion: string;
}

/** Certification data of one analyzer, keyed by the Modbus device id that reads it. */
export interface AnalyzerConfig {
  device: string;
  model: string;
  serial: string;
  /** EN 15267 / MCERTS QAL1 certificate number. */
  qal1Certificate: string;
}

export interface Atecc608Config {
  /** 'I2C1' (default pins SCL D22, SDA D21) or 'I2C2'. */
  bus: 'I2C1' | 'I2C2';
  scl: number | string;
  sda: number | string;
  /** 7-bit address: 0x60 default, 0x35 Trust&GO TNGTLS, 0x36 TrustFLEX. */
  address: number;
  slot: number;
  gpioWake: boolean;
}

export interface RecordsConfig {
  /** 'atecc608': ES256 in the secure element (COSE_Sign1); 'hmac': HMAC-SHA256 with a provisioned key (COSE_Mac0). */
  signer: 'atecc608' | 'hmac';
  atecc608?: Atecc608Config;
  /** Storage file holding the raw HMAC key (>= 32 bytes), written at factory provisioning; never printed. */
  hmacKeyFile?: string;
  /** Key id carried in every record; for ES256 default: derived from the public key. Hex text. */
  kid?: string;
  /** Where the wall clock comes from, as reported in records: 'ntp' | 'gnss' | 'rtc' | 'manual'. */
  timeSource: 'ntp' | 'gnss' | 'rtc' | 'manual';
  /** Sequence numbers reserved per Storage write of the chain state (trades flash writes against gap size). */
  reserveBlock?: number;
}

export interface ModuleConfig {
  version: number;
  device: { id: string };
  site: SiteConfig;
  analyzers: AnalyzerConfig[];
  modbus: ModbusConfig;
  emissions: CemsConfigInput;
  records: RecordsConfig;
}
