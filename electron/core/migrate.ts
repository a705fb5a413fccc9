import type { Database } from 'better-sqlite3';

// Numbered schema steps for every Stratus database, in the manner of Signal Desktop: `PRAGMA
// user_version` holds how many steps a database has had, and each step runs in its own transaction
// together with the bump, so a crash leaves the database at a whole version. Never edit a step
// once released: append a new one.

/** How a database is named to the user when it cannot be opened, and what to do about it. */
export interface DatabaseKind {
  /** Starts the sentence: 'The transfer journal', 'The local index'. */
  name: string;
  /** Default: update Stratus. */
  remedy?: string;
}

/** The database was written by a newer Stratus: this one does not know its schema and must not touch it. */
export class SchemaVersionError extends Error {
  constructor(
    readonly kind: DatabaseKind,
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `${kind.name} ${file} has schema version ${found}, but this version of Stratus knows versions up to ${supported}: ` +
        `it was written by a newer Stratus. ${kind.remedy ?? 'Update Stratus to use it.'}`,
    );
    this.name = 'SchemaVersionError';
  }
}

/** Brings the database up to the newest schema; returns the version it had. */
export function migrate(db: Database, kind: DatabaseKind, file: string, migrations: readonly string[]): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > migrations.length) throw new SchemaVersionError(kind, file, from, migrations.length);
  for (let version = from + 1; version <= migrations.length; version++) {
    // Immediate: take the write lock before re-reading, so a second process opening the same
    // file at the same moment waits, then sees the step done instead of repeating it.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= version) return;
      db.exec(migrations[version - 1]);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return from;
}
