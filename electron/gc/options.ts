import { StratusError } from '../../shared/errors.js';

// User-facing option forms: MLflow's `--older-than` span and a sqlite tracking URI.

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/** `1d2h30m` → milliseconds, as `mlflow gc --older-than` reads it. */
export function parseOlderThan(text: string): number {
  const parts = [...text.matchAll(/(\d+)([dhms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `"${text}" is not a span like 30d, 12h or 1d2h30m.` });
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit], 0);
}

/** The database file of `sqlite:///<path>` (MLflow writes an absolute path as sqlite:////abs/path). */
export function sqlitePath(uri: string): string {
  const match = /^sqlite:\/\/\/(.+)$/.exec(uri);
  if (!match || !match[1].startsWith('/')) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `gc needs an absolute sqlite tracking URI (sqlite:////path/to/mlflow.db), not "${uri}".` });
  }
  return match[1];
}
