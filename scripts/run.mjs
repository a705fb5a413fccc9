import { spawnSync } from 'node:child_process';

/** Runs a command with inherited output; exits this process when it fails. */
export function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
