import { copyFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BlobServiceClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { Parser, type ReadEntry } from 'tar';
import { repoRoot } from './repo.js';

// The shared MLflow fixture (../shared/fixtures/mlflow, written by real MLflow 3.5): its tracking
// database copied to a scratch folder, and its artifacts loaded into Azurite. The artifact URIs in
// the database name `wasbs://mlflow@devstoreaccount1.blob.core.windows.net/<path>`, which the
// tarball holds as `./mlflow/<path>`: container "mlflow" of Azurite's devstoreaccount1.

export const MLFLOW_FIXTURE = path.resolve(repoRoot, '../shared/fixtures/mlflow');
export const MLFLOW_CONTAINER = 'mlflow';

/** A writable copy of mlflow.db (the fixture folder is read-only); returns its path. */
export async function copyMlflowDb(folder: string): Promise<string> {
  const file = path.join(folder, 'mlflow.db');
  await copyFile(path.join(MLFLOW_FIXTURE, 'mlflow.db'), file);
  return file;
}

/** Uploads every file of artifacts.tar.gz into container "mlflow" (created if missing); returns the blob names. */
export async function loadMlflowArtifacts(connectionString: string): Promise<string[]> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(MLFLOW_CONTAINER);
  await container.createIfNotExists();
  const pending: Promise<unknown>[] = [];
  const names: string[] = [];
  const parser = new Parser({
    onReadEntry(entry: ReadEntry) {
      const name = entry.path.replace(/^\.\//, '');
      if (entry.type !== 'File' || !name.startsWith(`${MLFLOW_CONTAINER}/`)) {
        entry.resume();
        return;
      }
      const blob = name.slice(MLFLOW_CONTAINER.length + 1);
      names.push(blob);
      pending.push(entry.concat().then((body) => container.getBlockBlobClient(blob).uploadData(body)));
    },
  });
  await pipeline(createReadStream(path.join(MLFLOW_FIXTURE, 'artifacts.tar.gz')), parser);
  await Promise.all(pending);
  return names.sort();
}

/** The fixture database, read-only, for deriving what the app must show. */
export function openFixtureDb(): Database.Database {
  return new Database(path.join(MLFLOW_FIXTURE, 'mlflow.db'), { readonly: true, fileMustExist: true });
}

/** Blob name inside container "mlflow" for a wasbs URI of the fixture, or null for another location. */
export function fixtureBlobPrefix(uri: string): string | null {
  const match = /^wasbs:\/\/mlflow@devstoreaccount1\.blob\.core\.windows\.net\/(.*)$/.exec(uri);
  return match ? match[1].replace(/\/$/, '') : null;
}
