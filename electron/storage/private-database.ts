import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

// Stratus's own sqlite files (indexes, journals, caches) name the user's containers, blobs, runs and
// transfers: only their owner may read them, as with workspaces.json. SQLite creates a database 0644
// and gives its -wal, -shm and -journal files the database file's mode, so the file is made 0600
// before SQLite opens it.

const FILES_OF_A_DATABASE = ['', '-wal', '-shm', '-journal'];

/** Opens a read-write database of the app's own, creating its folder and the file readable by its owner only. */
export function openPrivateDatabase(file: string): Database.Database {
  if (file === ':memory:') return new Database(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  // Files an earlier Stratus created world-readable are narrowed too.
  for (const suffix of FILES_OF_A_DATABASE) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  return new Database(file);
}
