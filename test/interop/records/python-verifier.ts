// The independent record verifier (verify_records.py, Debian python3-cbor2 + python3-cryptography) run on a capture
// file. Never skipped: a missing peer fails with install instructions.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture, type CaptureKeys } from '../../../host-sim/verifier/capture';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'verify_records.py');
const INSTALL = 'apt-get install -y python3-cbor2 python3-cryptography (Debian modules import only under /usr/bin/python3)';

export function requirePeer(): void {
  if (!existsSync(PYTHON)) throw new Error(PYTHON + ' not found: ' + INSTALL);
  const probe = spawnSync(PYTHON, ['-c', 'import cbor2, cryptography'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error('python3-cbor2 / python3-cryptography missing (' + probe.stderr.trim() + '): ' + INSTALL);
}

export interface PyRecord {
  index: number;
  seq: number | null;
  kind: string | null;
  alg?: number;
  auth: boolean;
  canonical: boolean;
  chain: string | null;
  error?: string;
}

export function runPythonVerifier(records: Uint8Array[], keys: CaptureKeys): { status: number | null; records: PyRecord[]; summary: Record<string, unknown> } {
  requirePeer();
  const dir = mkdtempSync(join(tmpdir(), 'records-interop-'));
  const file = join(dir, 'capture.json');
  writeCapture(file, records, keys);
  const run = spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8', timeout: 60000 });
  if (run.status !== 0 && run.status !== 1) throw new Error('verify_records.py failed: ' + run.stderr);
  const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { status: run.status, records: lines.slice(0, -1), summary: lines[lines.length - 1].summary };
}

