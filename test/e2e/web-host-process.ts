import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

// Runs the built browser-mode host (`node dist/electron/launch.js --web`) and waits for the
// address it prints.

/** `http://127.0.0.1:<port>/<token>/`: the launch token is the path prefix. */
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/[\w-]+\//;
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL = 4_000;

export interface WebHostProcess {
  url: string;
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (!(await exited(child, STOP_GRACE_MS))) {
    child.kill('SIGKILL');
    await exited(child, STOP_GRACE_MS);
  }
}

export async function startWebHost(repoRoot: string, env: Record<string, string>): Promise<WebHostProcess> {
  const launch = path.join(repoRoot, 'dist/electron/launch.js');
  if (!existsSync(launch)) throw new Error(`${launch} is missing: run \`npm run build\` before the e2e tests.`);
  const child = spawn(process.execPath, [launch, '--web'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`printed no address within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      reject(new Error(`The Stratus web host ${why}. Its output:\n${output}`));
    }
    const read = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
      const match = URL_PATTERN.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    });
    child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
  }).catch(async (err: unknown) => {
    await stop(child);
    throw err;
  });
  return { url, stop: () => stop(child) };
}
