import type { MlflowSource } from '../../mlflow/source.js';
import type { DeletedRun, ExperimentRow, Selection } from './database.js';

// Which runs `mlflow gc` would remove, asked of a tracking server through its REST API: every run
// in the deleted stage and the deleted experiments. The API does not say when a run was deleted,
// so `--older-than` cannot be honoured here, and gc over REST can delete artifacts only.

const RUN_PAGE = 1000;
/** runs/search takes at most 100 experiment ids. */
const EXPERIMENTS_PER_SEARCH = 100;

export async function selectFromServer(source: MlflowSource): Promise<Selection & { all: ExperimentRow[] }> {
  const experiments = await source.experiments('all');
  const all: ExperimentRow[] = experiments.map((e) => ({
    experimentId: Number(e.experimentId),
    name: e.name,
    artifactLocation: e.artifactLocation,
    deleted: e.lifecycleStage === 'deleted',
  }));
  const names = new Map(experiments.map((e) => [e.experimentId, e.name]));
  const runs: DeletedRun[] = [];
  for (let i = 0; i < experiments.length; i += EXPERIMENTS_PER_SEARCH) {
    const experimentIds = experiments.slice(i, i + EXPERIMENTS_PER_SEARCH).map((e) => e.experimentId);
    let pageToken: string | undefined;
    do {
      const page = await source.runs({ experimentIds, view: 'deleted', maxResults: RUN_PAGE, pageToken });
      for (const run of page.runs) {
        runs.push({ runId: run.runId, experimentId: Number(run.experimentId), experimentName: names.get(run.experimentId) ?? run.experimentId, artifactUri: run.artifactUri });
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
  }
  return { runs, experiments: all.filter((e) => e.deleted), all };
}
