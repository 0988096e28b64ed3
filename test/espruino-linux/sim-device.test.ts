// The README's way of running the firmware on Espruino's Linux build against the virtual plant, command by command:
// a socat pty pair, `npm run sim -- plant` on one end, `npm run provision -- --serial-path <other end> --hmac-key …
// --storage-dir DIR`, then `npm run sim -- device --storage-dir dist/storage --storage-dir DIR` with its console on a
// terminal (a pty here). The technician sees valid readings of every channel.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { killNow, spawnOwned } from '../../host-sim/espruino-linux/launch';
import { openConsolePty, openPtyPair, type ConsolePty, type PtyPair } from '../../host-sim/espruino-linux/pty';

const ROOT = join(__dirname, '../..');
const KEY = '5a'.repeat(32);

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function waitFor(get: () => string, pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = (): void => {
      const m = pattern.exec(get());
      if (m) return resolve(m);
      if (Date.now() - t0 > timeoutMs) return reject(new Error('no ' + what + ' within ' + timeoutMs + ' ms:\n' + get().slice(-3000)));
      setTimeout(poll, 100);
    };
    poll();
  });
}

describe('npm run sim -- device (README: Running on Espruino\'s Linux build)', () => {
  it('boots the provisioned firmware from Storage, polls the virtual plant on a pty and answers on its console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cems-sim-device-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const line: PtyPair = await openPtyPair();
    cleanups.push(() => line.close());
    let plantText = '';
    const plant = spawnOwned(process.execPath, ['--import', 'tsx', 'host-sim/sim-cli.ts', 'plant', '--serial', line.b, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => killNow(plant));
    plant.stdout!.on('data', (d: Buffer) => (plantText += d.toString()));
    plant.stderr!.on('data', (d: Buffer) => (plantText += d.toString()));
    await waitFor(() => plantText, /plant: serving/, 30000, 'plant');

    const site = join(dir, 'site');
    const prov = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/provision.ts', '--serial-path', line.a, '--hmac-key', KEY, '--storage-dir', site, '--out', join(dir, 'provision.js')], { cwd: ROOT, encoding: 'utf8' });
    expect(prov.status, prov.stderr).toBe(0);

    const terminal: ConsolePty = await openConsolePty();
    cleanups.push(() => terminal.close());
    let screen = '';
    terminal.proc.stdout!.on('data', (d: Buffer) => (screen += d.toString('latin1')));
    const fd = openSync(terminal.path, 'r+');
    const device = spawnOwned(process.execPath, ['--import', 'tsx', 'host-sim/sim-cli.ts', 'device', '--storage-dir', 'dist/storage', '--storage-dir', site, '--work', join(dir, 'work')], { cwd: ROOT, stdio: [fd, fd, 'pipe'] });
    closeSync(fd);
    let deviceErr = '';
    device.stderr!.on('data', (d: Buffer) => (deviceErr += d.toString()));
    cleanups.push(() => killNow(device));
    await waitFor(() => screen, /plan: provisioned[\s\S]*cems> /, 60000, 'boot on the provisioned plan (stderr: ' + deviceErr + ')');
    expect(deviceErr).toMatch(/device: \d+ Storage files installed/);
    // the GM32 and the other analyzers answer within a few poll cycles
    let report = '';
    for (let attempt = 0; attempt < 20 && !/11 of 11 channels valid/.test(report); attempt++) {
      await new Promise((r) => setTimeout(r, 2000));
      const from = screen.length;
      terminal.proc.stdin!.write('readings\r');
      await waitFor(() => screen.slice(from), /channels valid\r?\n/, 20000, 'readings');
      report = screen.slice(from);
    }
    expect(report).toContain('11 of 11 channels valid');
    expect(screen).not.toMatch(/Uncaught|OUT OF MEMORY/);
  }, 180000);
});
