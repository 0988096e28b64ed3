// The host's reference encoders (cbor.ts, schema.ts, cose.ts) next to the device's record path:
// - byte-level cross-check: a record the device wrote (cbor-writer.ts, period-record.ts, event-record.ts,
//   cose-seal.ts), decoded strictly and rebuilt with the reference encoders, must be the same bytes;
// - captures with arbitrary content for the verifier's tests, chained and sealed by the reference encoders.
import { toHex } from '../../protocol/bytes';
import type { Sha256 } from '../../protocol/ports';
import { coseSeal, decodeCose, encodeCoseMessage } from '../../protocol/record/cose';
import { decodeRecordPayload, encodeRecordPayload, RECORD_SCHEMA_VERSION, type Identity, type RecordBody, type TimeInfo } from '../../protocol/record/schema';
import type { Signer } from '../../protocol/record/signer';

/** The record rebuilt by the reference encoders from its strict decoding, as hex. */
export function referenceHex(record: Uint8Array): string {
  const msg = decodeCose(record, { requireTag: true });
  const payload = encodeRecordPayload(decodeRecordPayload(msg.payload));
  return toHex(encodeCoseMessage(msg.kind, msg.protectedRaw, msg.unprotectedMap, payload, msg.signature));
}

/** Indexes of the records the reference encoders would not write byte for byte (none expected). */
export function referenceMismatches(records: Uint8Array[]): number[] {
  const out: number[] = [];
  records.forEach((r, i) => {
    if (referenceHex(r) !== toHex(r)) out.push(i);
  });
  return out;
}

/**
 * A chain from the reference encoders: a power-on reboot record at seq 0 (a new chain, created at bootMs), then one
 * record per body, each linked to the SHA-256 of the one before. The signer must answer synchronously.
 */
export function referenceChain(sha256: Sha256, signer: Signer, identity: Identity, time: TimeInfo, bootMs: number, bodies: RecordBody[]): Uint8Array[] {
  const reboot: RecordBody = {
    time, createdMs: bootMs, period: null,
    event: { kind: 'reboot', startMs: bootMs, endMs: -1, actor: 'device', detail: { bootCount: 1, reason: 'power-on', resumedFrom: 'genesis' } },
  };
  const out: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(32);
  for (const body of [reboot, ...bodies]) {
    const payload = encodeRecordPayload({ ...body, version: RECORD_SCHEMA_VERSION, seq: out.length, prev, device: identity.device, site: identity.site });
    coseSeal(payload, signer, null, (err, record) => {
      if (err) throw err;
      out.push(record!);
    });
    prev = sha256(out[out.length - 1]);
  }
  return out;
}
