import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataJson } from '../../../electron/metaflow/data-json.js';
import { compareIds } from '../../../electron/metaflow/layout.js';
import { decodePickle } from '../../../electron/metaflow/pickle/decoder.js';
import { gunzipPrefix } from '../../../electron/metaflow/pickle/gzip.js';
import { renderValue } from '../../../electron/metaflow/pickle/render.js';
import type { PreviewValue } from '../../../shared/preview-types.js';
import { readFixtureBlobs } from '../../harness/metaflow-fixture.js';

// Finds artifacts of the shared Metaflow fixture the way the app does: from a task's
// <attempt>.data.json to the CAS blob, never by a hard-coded sha.

export interface Artifact {
  blob: Buffer;
  encoding: string;
}

export class FixtureArtifacts {
  private constructor(readonly blobs: Map<string, Buffer>) {}

  static async load(): Promise<FixtureArtifacts> {
    return new FixtureArtifacts(await readFixtureBlobs());
  }

  /** Run ids of a flow, oldest first. */
  runs(flow: string): string[] {
    const runs = new Set<string>();
    for (const name of this.blobs.keys()) {
      const [root, f, run] = name.split('/');
      if (root === 'ds' && f === flow && run !== 'data') runs.add(run);
    }
    return [...runs].sort(compareIds);
  }

  /** Names of every CAS blob, across all flows. */
  casBlobs(): string[] {
    return [...this.blobs.keys()].filter((name) => /^ds\/[^/]+\/data\/[0-9a-f]{2}\/[0-9a-f]{40}$/.test(name));
  }

  artifact(flow: string, run: string, step: string, task: string, name: string, attempt = 0): Artifact {
    const where = `ds/${flow}/${run}/${step}/${task}/${attempt}.data.json`;
    const index = this.blobs.get(where);
    if (index === undefined) throw new Error(`no ${where} in the fixture`);
    const entry = parseDataJson(index, where).find((e) => e.name === name);
    if (entry === undefined) throw new Error(`no artifact ${name} in ${where}`);
    const blob = this.blobs.get(`ds/${flow}/data/${entry.sha.slice(0, 2)}/${entry.sha}`);
    if (blob === undefined) throw new Error(`the CAS blob of ${name} (${entry.sha}) is missing`);
    return { blob, encoding: entry.encoding };
  }
}

/** Fully decoded and rendered without limits. */
export async function fullPreview(artifact: Artifact): Promise<PreviewValue> {
  const { data } = await gunzipPrefix(artifact.blob, Infinity);
  return renderValue(decodePickle(data).value, { maxItems: Infinity, maxDepth: 100, maxNodes: 1_000_000 }).value;
}

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A hand-made pickle from fixtures/ (see make_fixtures.py). */
export function readPickle(name: string): Promise<Buffer> {
  return readFile(path.join(FIXTURES, `${name}.pkl`));
}
