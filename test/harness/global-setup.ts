import type { TestProject } from 'vitest/node';
import { LONGER_THAN_A_RUN_MS, startAzurite } from './azurite.js';
import { loadMetaflowFixture } from './metaflow-fixture.js';

// One Azurite for the whole run, with the shared Metaflow fixture loaded once; test files reach it
// through inject(). Tests that need other data create their own containers in it.

declare module 'vitest' {
  export interface ProvidedContext {
    /** Blob endpoint of the shared Azurite, e.g. http://127.0.0.1:<port>/devstoreaccount1. */
    endpoint: string;
    /** Connection string with Azurite's well-known account key. */
    connectionString: string;
    /** `<container>/<prefix>` of the loaded Metaflow fixture. */
    sysroot: string;
    container: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite({ inMemory: true, gcAfterMs: LONGER_THAN_A_RUN_MS });
  try {
    const fixture = await loadMetaflowFixture(azurite.connectionString);
    project.provide('endpoint', azurite.endpoint);
    project.provide('connectionString', azurite.connectionString);
    project.provide('sysroot', fixture.sysroot);
    project.provide('container', fixture.container);
  } catch (err) {
    await azurite.stop();
    throw err;
  }
  return () => azurite.stop();
}
