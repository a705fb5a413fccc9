import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../repo.js';
import type { ProfileName } from './profiles.js';

// Starts the link simulator in a child process (child.ts) and says where it listens.

export interface LinkProcess {
  port: number;
  pid: number;
  /** `endpoint` (http://host:port/path) with the proxy's host and port. */
  through(endpoint: string): string;
  stop(): Promise<void>;
}

export async function startLinkProcess(upstream: { host: string; port: number }, profile: ProfileName): Promise<LinkProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/harness/link-sim/child.ts'), profile, upstream.host, String(upstream.port)], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`The link simulator (${profile}) exited with ${code} before listening.`)));
  });
  return {
    port,
    pid: child.pid ?? 0,
    through(endpoint) {
      const url = new URL(endpoint);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString().replace(/\/$/, '');
    },
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}
