import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { repoRoot } from '../harness/repo.js';
import { e2eEnvironment } from './environment.js';
import { startWebHost, type WebHostProcess } from './web-host-process.js';
import { connectToFixture } from './workspace-ui.js';

const env = e2eEnvironment();

// Two Stratus hosts in one browser profile, as when a user starts a second one: the launch token
// rides in each host's path, not in a cookie (a 127.0.0.1 cookie reaches every port, so the second
// host's would have replaced the first's, and any other local server would have received it).

let second: WebHostProcess;
let userData: string;

test.beforeAll(async () => {
  userData = await mkdtemp(path.join(tmpdir(), 'stratus-e2e-second-'));
  const hostEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(AZURE|METAFLOW|MLFLOW|STRATUS)_/.test(key)) hostEnv[key] = value;
  }
  second = await startWebHost(repoRoot, {
    ...hostEnv,
    AZURE_STORAGE_CONNECTION_STRING: env.connectionString,
    METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: env.endpoint,
    STRATUS_USER_DATA: userData,
  });
});

test.afterAll(async () => {
  await second?.stop();
  if (userData !== undefined) await rm(userData, { recursive: true, force: true });
});

/** Fetches the page's own script again, as a lazily loaded asset would be. */
function ownScriptStatus(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const script = document.querySelector<HTMLScriptElement>('script[src]');
    if (script === null) throw new Error('the page has no script');
    return (await fetch(script.src, { cache: 'no-store' })).status;
  });
}

test('two hosts run side by side in one browser profile, and neither sets a cookie', async ({ context }) => {
  expect(new URL(second.url).port).not.toBe(new URL(env.url).port);
  const first = await context.newPage();
  const other = await context.newPage();
  await connectToFixture(first, env);
  await connectToFixture(other, { ...env, url: second.url });

  // The first page keeps working after the second one was opened.
  expect(await ownScriptStatus(first)).toBe(200);
  expect(await ownScriptStatus(other)).toBe(200);
  await first.reload();
  await connectToFixture(first, env);
  expect(await context.cookies()).toEqual([]);

  // A page's address names its own host's token only: the other host refuses it.
  const swapped = new URL(new URL(env.url).pathname, second.url).href;
  expect((await context.request.get(swapped)).status()).toBe(403);
});
