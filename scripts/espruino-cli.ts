// Runs the `espruino` package's command-line tool (the same code path the Web IDE uses) with the project's offline
// board description; both flashing and provisioning go through it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { espruinoConfig } from './espruino-config';

export interface Target {
  /** Serial device or tcp://host[:port]; null = offline (write the output file only). */
  port: string | null;
  baud: number;
  /** Where an offline run writes exactly what would be sent. */
  out: string;
}

export function runEspruinoCli(target: Target, extraArgs: string[]): void {
  const u = espruinoConfig.upload;
  const args = ['--board', espruinoConfig.board.descriptionFile, '--config', 'RESET_BEFORE_SEND=' + u.resetBeforeSend];
  if (target.port === null) args.push('-n', '-o', target.out);
  else args.push('-p', target.port, '-b', String(target.baud));
  const cli = createRequire(import.meta.url).resolve('espruino/bin/espruino-cli.js');
  const r = spawnSync(process.execPath, [cli, ...args, ...extraArgs], { encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error('espruino CLI exited with ' + r.status);
}
