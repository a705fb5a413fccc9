import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker from the compiled `.js` beside the caller once built, or from its `.ts` source
 * under the test runner: a worker thread does not inherit the runner's TypeScript loader, so the
 * source is loaded through tsx's API (a devDependency, never needed by the built app).
 */
export function startWorker(callerUrl: string, name: string): Worker {
  const js = new URL(`./${name}.js`, callerUrl);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(ts)}, ${JSON.stringify(ts)}))`;
  return new Worker(bootstrap, { eval: true });
}
