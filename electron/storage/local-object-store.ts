import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StratusError } from '../../shared/errors.js';
import type { HierarchyListing, ListedObject, ObjectRange, ObjectStore } from './object-store.js';

// A folder read as if it were a blob container, so a Metaflow local datastore (`.metaflow/`)
// goes through the same readers as Azure. Names use '/' whatever the OS separator.

export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.description = `folder ${this.root}`;
  }

  async listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing> {
    const dir = this.resolve(prefix);
    const listing: HierarchyListing = { prefixes: [], objects: [] };
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return listing;
      throw this.failure(err, `listing "${prefix}"`);
    }
    const sorted = entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of limit === undefined ? sorted : sorted.slice(0, limit)) {
      if (entry.isDirectory()) listing.prefixes.push(`${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const info = await stat(path.join(dir, entry.name));
        listing.objects.push({ name: `${prefix}${entry.name}`, size: info.size, lastModified: info.mtime });
      }
    }
    return listing;
  }

  async listAll(prefix: string): Promise<ListedObject[]> {
    // A prefix that ends inside a name (Azure lists by any prefix): what of its folder starts with it.
    if (prefix !== '' && !prefix.endsWith('/')) {
      const folder = await this.listHierarchy(prefix.slice(0, prefix.lastIndexOf('/') + 1));
      const nested = await Promise.all(folder.prefixes.filter((p) => p.startsWith(prefix)).map((p) => this.listAll(p)));
      return [...folder.objects.filter((o) => o.name.startsWith(prefix)), ...nested.flat()];
    }
    const listing = await this.listHierarchy(prefix);
    const nested = await Promise.all(listing.prefixes.map((p) => this.listAll(p)));
    return [...listing.objects, ...nested.flat()];
  }

  async read(name: string): Promise<Buffer> {
    try {
      return await readFile(this.resolve(name));
    } catch (err) {
      throw this.failure(err, `reading "${name}"`);
    }
  }

  async readRange(name: string, offset: number, length: number): Promise<ObjectRange> {
    try {
      const handle = await open(this.resolve(name), 'r');
      try {
        const { size } = await handle.stat();
        const data = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
        let filled = 0;
        while (filled < data.length) {
          const { bytesRead } = await handle.read(data, filled, data.length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return { data: data.subarray(0, filled), size };
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw err instanceof StratusError ? err : this.failure(err, `reading "${name}"`);
    }
  }

  /** Maps a blob-style name into the folder, refusing anything that would leave it. */
  private resolve(name: string): string {
    const file = path.resolve(this.root, ...name.split('/').filter((s) => s !== ''));
    if (file !== this.root && !file.startsWith(this.root + path.sep)) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `"${name}" is outside ${this.root}.` });
    }
    return file;
  }

  private failure(err: unknown, action: string): StratusError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new StratusError({ code: 'NOT_FOUND', message: `Not found while ${action} in ${this.root}.` });
    if (code === 'EACCES' || code === 'EPERM') {
      return new StratusError({ code: 'FORBIDDEN', message: `No permission for ${action} in ${this.root}.` });
    }
    return new StratusError({ code: 'INTERNAL', message: `Failed ${action} in ${this.root}.`, detail: (err as Error).message });
  }
}
