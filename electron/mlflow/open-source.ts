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

export async function openMlflowSource(uri: string, env: Env, roots: ArtifactRoots): Promise<MlflowSource> {
  const trimmed = uri.trim();
  if (/^sqlite:\/\/\//i.test(trimmed)) return SqliteSource.open(await sqliteFile(trimmed), trimmed, roots);
  if (/^https?:\/\//i.test(trimmed)) return new RestSource(trimmed, env);
  let folder: string | undefined;
  if (/^file:\/\//i.test(trimmed)) folder = fileURLToPath(trimmed);
  else if (path.isAbsolute(trimmed) || /^[A-Za-z]:[\\/]/.test(trimmed)) folder = trimmed;
  // A relative path (`./mlruns`, as MLflow accepts) is relative to the working directory, as for MLflow.
  else if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) folder = path.resolve(trimmed);
  if (folder === undefined) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `Stratus cannot read the MLflow tracking URI ${trimmed}.`,
      hint: 'Use sqlite:///<path to mlflow.db>, the absolute path or file:// URI of an mlruns folder, or http(s)://<tracking server>.',
    });
  }
  const info = await stat(folder).catch(() => null);
  if (!info) throw new StratusError({ code: 'NOT_FOUND', message: `The MLflow store ${folder} does not exist.` });
  if (info.isFile()) return SqliteSource.open(folder, trimmed, roots);
  return new FileStoreSource(folder, trimmed, roots);
}
