import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StratusError } from '../../shared/errors.js';
import type { Env } from '../azure/blob-client.js';
import type { ArtifactRoots } from './artifact-roots.js';
import type { MlflowSource } from './source.js';
import { FileStoreSource } from './sources/file-store.js';
import { RestSource } from './sources/rest.js';
import { SqliteSource } from './sources/sqlite.js';

// A tracking URI as MLflow takes it: `sqlite:///<path>` (SQLAlchemy: `sqlite:////abs` is absolute,
// `sqlite:///rel` relative to the working directory — a relative one that does not exist is tried
// as absolute, since `sqlite:///tmp/x.db` is commonly meant that way), a folder path or `file://`
// URI of a file store, absolute or relative (a path to an mlflow.db file opens it as sqlite), or an http(s) server.

export async function sqliteFile(uri: string, cwd = process.cwd()): Promise<string> {
  const rest = uri.replace(/^sqlite:\/\/\//i, '').replace(/\?.*$/, '');
  if (rest === '' || rest === ':memory:') throw new StratusError({ code: 'INVALID_ARGUMENT', message: `${uri} names no database file.` });
  if (path.isAbsolute(rest)) return rest;
  const relative = path.resolve(cwd, rest);
  if (await stat(relative).then(() => true, () => false)) return relative;
  return `/${rest}`;
}

/** The local file or folder a tracking URI names (undefined for a tracking server); INVALID_ARGUMENT for a scheme Stratus cannot read. */
export async function localStorePath(uri: string): Promise<string | undefined> {
  const trimmed = uri.trim();
  if (/^sqlite:\/\/\//i.test(trimmed)) return sqliteFile(trimmed);
  if (/^https?:\/\//i.test(trimmed)) return undefined;
  if (/^file:\/\//i.test(trimmed)) return fileURLToPath(trimmed);
  if (path.isAbsolute(trimmed) || /^[A-Za-z]:[\\/]/.test(trimmed)) return trimmed;
  // A relative path (`./mlruns`, as MLflow accepts) is relative to the working directory, as for MLflow.
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) return path.resolve(trimmed);
  throw new StratusError({
    code: 'INVALID_ARGUMENT',
    message: `Stratus cannot read the MLflow tracking URI ${trimmed}.`,
    hint: 'Use sqlite:///<path to mlflow.db>, the absolute path or file:// URI of an mlruns folder, or http(s)://<tracking server>.',
  });
}

export async function openMlflowSource(uri: string, env: Env, roots: ArtifactRoots): Promise<MlflowSource> {
  const trimmed = uri.trim();
  const local = await localStorePath(trimmed);
  if (local === undefined) return new RestSource(trimmed, env);
  if (/^sqlite:\/\/\//i.test(trimmed)) return SqliteSource.open(local, trimmed, roots);
  const info = await stat(local).catch(() => null);
  if (!info) throw new StratusError({ code: 'NOT_FOUND', message: `The MLflow store ${local} does not exist.` });
  if (info.isFile()) return SqliteSource.open(local, trimmed, roots);
  return new FileStoreSource(local, trimmed, roots);
}
