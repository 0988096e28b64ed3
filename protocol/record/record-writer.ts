// The part every record payload shares (schema v1, docs/records.md): the top-level map up to key 7, written straight
// into the record buffer. Keys are the small integers of the schema, so each is one byte and the order is numeric.
import { byte, bytes, head, int, raw, text, type CborWriter } from './cbor-writer';

export const RECORD_SCHEMA_VERSION = 1;
export const RECORD_TYPE_PERIOD = 1;
export const RECORD_TYPE_EVENT = 2;
/** Upper bound for one COSE record; keeps a record inside one journal entry and one MQTT publish on the device. */
export const MAX_RECORD_BYTES = 4096;
/** The largest sequence number (2^53 - 1): sizes computed with it hold for any number the chain assigns. */
export const MAX_SEQ = 9007199254740991;

/** What a record says about where and when it was made, apart from its period or event. */
export interface RecordHeader {
  seq: number;
  /** SHA-256 of the previous record's COSE bytes (32 zero bytes before the first record). */
  prev: Uint8Array;
  /** CBOR text of the device id, and the CBOR site map, as the plan holds them. */
  deviceId: Uint8Array;
  site: Uint8Array;
  firmwareHash: Uint8Array;
  firmwareVersion: string;
  /** Time source code (TIME_SOURCE_CODES), last sync (UTC ms, 0 never) and the correction applied then (ms). */
  timeSource: number;
  lastSyncMs: number;
  syncOffsetMs: number;
  createdMs: number;
}

/** Map head (9 entries) and keys 0..7: version, type, seq, prev, device, site, time, created. Key 8 or 9 follows. */
export function writeRecordHeader(w: CborWriter, h: RecordHeader, type: number): void {
  byte(w, 0xa9);
  byte(w, 0x00);
  byte(w, RECORD_SCHEMA_VERSION);
  byte(w, 0x01);
  byte(w, type);
  byte(w, 0x02);
  head(w, 0, h.seq);
  byte(w, 0x03);
  bytes(w, h.prev);
  byte(w, 0x04);
  byte(w, 0xa3);
  byte(w, 0x00);
  raw(w, h.deviceId);
  byte(w, 0x01);
  bytes(w, h.firmwareHash);
  byte(w, 0x02);
  text(w, h.firmwareVersion);
  byte(w, 0x05);
  raw(w, h.site);
  byte(w, 0x06);
  byte(w, 0xa3);
  byte(w, 0x00);
  byte(w, h.timeSource);
  byte(w, 0x01);
  head(w, 0, h.lastSyncMs);
  byte(w, 0x02);
  int(w, h.syncOffsetMs);
  byte(w, 0x07);
  head(w, 0, h.createdMs);
}
