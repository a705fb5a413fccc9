// What global-setup hands to the tests; Playwright passes environment variables set there to the workers.

const KEYS = {
  url: 'STRATUS_E2E_URL',
  sysroot: 'STRATUS_E2E_SYSROOT',
  cardRoot: 'STRATUS_E2E_CARD_ROOT',
  endpoint: 'STRATUS_E2E_ENDPOINT',
  connectionString: 'STRATUS_E2E_CONNECTION_STRING',
  /** The one folder the host may read and write (STRATUS_ALLOWED_FOLDERS): specs make their local folders in it. */
  localFolder: 'STRATUS_E2E_LOCAL_FOLDER',
} as const;

/** The Metaflow profile global-setup writes into the host's METAFLOW_HOME (`config_fixture.json`). */
export const FIXTURE_PROFILE = 'fixture';

export type E2eEnvironment = Record<keyof typeof KEYS, string>;

export function publishEnvironment(values: E2eEnvironment): void {
  for (const [key, name] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) process.env[name] = values[key];
}

export function e2eEnvironment(): E2eEnvironment {
  const read = (name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is not set: run the e2e tests through playwright.config.ts (its globalSetup).`);
    return value;
  };
  return {
    url: read(KEYS.url),
    sysroot: read(KEYS.sysroot),
    cardRoot: read(KEYS.cardRoot),
    endpoint: read(KEYS.endpoint),
    connectionString: read(KEYS.connectionString),
    localFolder: read(KEYS.localFolder),
  };
}
