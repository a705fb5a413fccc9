import { StratusError } from '../../../shared/errors.js';
import { RestError, type RestClient } from '../sources/rest-client.js';
import type { RegistryVersion } from './prompt-record.js';

// A tracking server's prompt registry: prompts are registered models tagged
// `mlflow.prompt.is_prompt`, their versions carry the template in `mlflow.prompt.text`. MLflow's
// model-version search leaves prompts out unless the filter names that tag, so it is asked for.

const FILTER = "tags.`mlflow.prompt.is_prompt` = 'true'";
const PAGE = 1000;
/** A registry beyond this many prompt versions is listed in part (the grouping still names every linked version). */
const MAX_VERSIONS = 20_000;

interface Tag {
  key?: string;
  value?: string;
}
interface ModelVersionJson {
  name?: string;
  version?: string | number;
  creation_timestamp?: number | string;
  tags?: Tag[];
}

export async function restRegistry(client: RestClient): Promise<RegistryVersion[]> {
  const versions: RegistryVersion[] = [];
  let pageToken: string | undefined;
  do {
    let page: { model_versions?: ModelVersionJson[]; next_page_token?: string };
    try {
      page = await client.json('GET', '/api/2.0/mlflow/model-versions/search', { query: { filter: FILTER, max_results: PAGE, page_token: pageToken } });
    } catch (err) {
      // A server without a model registry (or one that does not let this user see it): no
      // templates to show, the traces' links still group them.
      if (err instanceof RestError && (err.status === 404 || err.status === 501)) return versions;
      if (err instanceof StratusError && err.code === 'FORBIDDEN') return versions;
      throw err;
    }
    for (const v of page.model_versions ?? []) {
      if (typeof v.name !== 'string' || v.version === undefined) continue;
      const template = v.tags?.find((t) => t.key === 'mlflow.prompt.text')?.value ?? null;
      const created = Number(v.creation_timestamp);
      versions.push({ name: v.name, version: String(v.version), template: typeof template === 'string' ? template : null, createdMs: Number.isFinite(created) ? created : null });
    }
    pageToken = page.next_page_token || undefined;
  } while (pageToken !== undefined && versions.length < MAX_VERSIONS);
  return versions;
}
