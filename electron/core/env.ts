/** The process environment as the main process reads it: taken as a value, so tests and the CLI pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;
