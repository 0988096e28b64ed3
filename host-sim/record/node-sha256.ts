// The Sha256 port in Node (the firmware uses Espruino's native crypto.SHA256).
import { createHash } from 'node:crypto';
import type { Sha256 } from '../../protocol/ports';

export const nodeSha256: Sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(data).digest());
