import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store.js';
import { METADATA_FOLDER } from './layout.js';

// Metaflow's local metadata provider (METAFLOW_DEFAULT_METADATA=local) keeps users and tags in
// `.metaflow/<Flow>/<run>/_meta/_self.json`; they are never in blob storage (LAYOUT.md §6).

const RunSelf = z.object({
  user_name: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  system_tags: z.array(z.string()).nullish(),
});

export interface RunMetadata {
  user: string | null;
  tags: string[];
  systemTags: string[];
}

export class LocalMetadata {
  constructor(
    private readonly store: ObjectStore,
    private readonly root: string,
  ) {}

  /** Whether this flow has metadata here at all (its `_meta/` folder). */
  async has(flow: string): Promise<boolean> {
    const listing = await this.store.listHierarchy(`${this.root}${flow}/`);
    return listing.prefixes.some((p) => p.endsWith(`/${METADATA_FOLDER}/`));
  }

  /** The run's record, or undefined when it has none or it cannot be read. */
  async run(flow: string, run: string): Promise<RunMetadata | undefined> {
    try {
      const bytes = await this.store.read(`${this.root}${flow}/${run}/${METADATA_FOLDER}/_self.json`);
      const parsed = RunSelf.safeParse(JSON.parse(bytes.toString('utf8')));
      if (!parsed.success) return undefined;
      return { user: parsed.data.user_name ?? null, tags: parsed.data.tags ?? [], systemTags: parsed.data.system_tags ?? [] };
    } catch {
      return undefined;
    }
  }
}
