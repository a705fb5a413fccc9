import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateDatastore, type ExtraArtifact, type GeneratedRun } from './metaflow-datastore.js';
import { writeMlflowRuns, type SampleExperiment, type SampleRun } from './mlflow-store.js';
import { generateMlflowTraceStore } from './mlflow-traces.js';
import { DATETIME_TYPE, datetime, ndarray, NDARRAY_TYPE } from './python-values.js';

// The sample workspace a first launch offers, so every section has something to show without Azure: a Metaflow
// local datastore (a linear flow with failed and retried runs, numpy and datetime artifacts, logs and cards; a
// foreach flow) and an MLflow sqlite store (experiments, runs with params, metric histories, nested and failed
// runs, local artifacts, and a few hundred LLM traces with token usage over several models and users). Written by
// the same generators the tests use, in the formats Metaflow and MLflow write, into the user-data folder. MLflow
// records absolute artifact paths, so it is written in place; its VERSION file is written last, and a folder
// without it (a crash midway) is written again from scratch.

/** Bump when the sample's content changes, so an older copy is regenerated. */
const SAMPLE_VERSION = '2';
const FOLDER = 'sample-workspace';
const DAY_MS = 86_400_000;
const USER = 'sample-user';

export interface SampleWorkspace {
  /** The Metaflow local sysroot (holding `.metaflow/`). */
  metaflowFolder: string;
  /** `sqlite:///<path>` of the MLflow store. */
  mlflowTrackingUri: string;
}

function located(root: string): SampleWorkspace {
  return { metaflowFolder: path.join(root, 'metaflow'), mlflowTrackingUri: `sqlite:///${path.join(root, 'mlflow', 'mlflow.db')}` };
}

/** The sample in `userDataDir`, generated on first use (or when this version of Stratus writes a newer one). */
export async function ensureSampleWorkspace(userDataDir: string, now = Date.now()): Promise<SampleWorkspace> {
  const root = path.join(userDataDir, FOLDER);
  const version = await readFile(path.join(root, 'VERSION'), 'utf8').catch(() => undefined);
  if (version?.trim() === SAMPLE_VERSION) return located(root);
  await rm(root, { recursive: true, force: true });
  await writeSample(root, now);
  await writeFile(path.join(root, 'VERSION'), `${SAMPLE_VERSION}\n`);
  return located(root);
}

async function writeSample(root: string, now: number): Promise<void> {
  await mkdir(path.join(root, 'mlflow'), { recursive: true });
  await writeMetaflow(path.join(root, 'metaflow'), now);
  await writeMlflow(path.join(root, 'mlflow'), now);
}

// ---------------------------------------------------------------------------------------------
// Metaflow

function trainArtifacts(step: string): ExtraArtifact[] {
  if (step === 'start') {
    const features = Array.from({ length: 24 * 4 }, (_, i) => Math.round(Math.sin(i) * 1000) / 100);
    return [
      { name: 'features', value: ndarray('f8', [24, 4], features), type: NDARRAY_TYPE },
      { name: 'labels', value: ndarray('i8', [24], Array.from({ length: 24 }, (_, i) => i % 3)), type: NDARRAY_TYPE },
      { name: 'loaded_at', value: datetime(new Date(Date.UTC(2026, 10, 30, 8, 15, 0))), type: DATETIME_TYPE },
    ];
  }
  if (step === 'end') {
    return [{ name: 'summary', value: { accuracy: 0.913, f1: 0.887, notes: 'trained on 24 rows of sample features' } }];
  }
  return [];
}

function metaSelf(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

function cardHtml(flow: string, run: GeneratedRun, step: string, task: string): string {
  const rows = run.tasks
    .filter((t) => t.step === step)
    .map((t) => `<tr><td>${t.step}/${t.id}</td><td>${t.attempts}</td><td>${t.status}</td></tr>`)
    .join('');
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Metaflow card</title>' +
    '<style>body{font-family:sans-serif;margin:16px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style>' +
    `</head><body><h1>${flow} ${run.id}</h1><p>Card of task ${step}/${task}: parameters alpha=${run.parameters.alpha}, ` +
    `label=${run.parameters.label}.</p><table><tr><th>task</th><th>attempts</th><th>status</th></tr>${rows}</table></body></html>`
  );
}

async function writeMetaflow(folder: string, now: number): Promise<void> {
  const datastore = path.join(folder, '.metaflow');
  const startTime = Math.floor((now - 3 * DAY_MS) / 1000);
  const flows = [
    await generateDatastore(
      { folder: datastore },
      { flow: 'TrainFlow', runs: 6, stepsPerRun: 4, failedEvery: 3, retryEvery: 2, caughtEvery: 5, resumeFailed: true, runningEvery: 0, datastore: 'local', extraArtifacts: trainArtifacts, startTime, seed: 7 },
    ),
    await generateDatastore(
      { folder: datastore },
      { flow: 'ForeachFlow', runs: 3, stepsPerRun: 5, foreachWidth: 4, failedEvery: 0, retryEvery: 0, runningEvery: 0, datastore: 'local', startTime: startTime + 600, seed: 8 },
    ),
  ];
  for (const flow of flows) {
    const write = async (relative: string[], content: string) => {
      const file = path.join(datastore, ...relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    };
    // Users and tags live in the local metadata provider's `_meta` files, as `METAFLOW_DEFAULT_METADATA=local` writes them.
    await write([flow.flow, '_meta', '_self.json'], metaSelf({ flow_id: flow.flow, ts_epoch: flow.runs[0].startedAt }));
    for (const [i, run] of flow.runs.entries()) {
      await write(
        [flow.flow, run.id, '_meta', '_self.json'],
        metaSelf({
          run_number: run.id,
          flow_id: flow.flow,
          user_name: USER,
          tags: i % 2 === 0 ? ['sample', 'baseline'] : ['sample'],
          system_tags: [`user:${USER}`, 'runtime:dev', 'python_version:3.11.2', 'metaflow_version:2.19.7'],
          ts_epoch: run.startedAt,
        }),
      );
      // Each task a resumed run ran itself records the run it resumed (Metaflow's `origin-run-id`).
      for (const task of run.resumedFrom === null ? [] : run.tasks.filter((t) => !t.cloned)) {
        const record = { flow_id: flow.flow, run_number: run.id, step_name: task.step, task_id: task.id, field_name: 'origin-run-id', type: 'origin-run-id', value: run.resumedFrom };
        await write([flow.flow, run.id, task.step, task.id, '_meta', `sysmeta_origin-run-id_${Math.round(run.startedAt)}.json`], metaSelf(record));
      }
      const start = run.tasks.find((t) => t.step === 'start');
      if (start !== undefined) {
        await write(
          ['mf.cards', flow.flow, 'runs', run.id, 'steps', 'start', 'tasks', start.id, 'cards', `default-${randomUUID().replace(/-/g, '')}.html`],
          cardHtml(flow.flow, run, 'start', start.id),
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MLflow

function curve(from: number, to: number, steps: number, wobble: number, seed: number): number[] {
  return Array.from({ length: steps }, (_, i) => {
    const t = i / Math.max(1, steps - 1);
    return Math.round((from + (to - from) * (1 - Math.exp(-4 * t)) + Math.sin(seed + i * 1.7) * wobble) * 10_000) / 10_000;
  });
}

function churnRuns(): SampleRun[] {
  const rates = [0.1, 0.03, 0.01, 0.003];
  const runs: SampleRun[] = [
    {
      name: 'sweep-learning-rate',
      status: 'FINISHED',
      params: { search: 'grid', metric: 'val_auc' },
      metrics: { best_val_auc: [0.842] },
      description: '## Learning-rate sweep\nFour child runs, one per rate. The best one is **lr=0.01**.',
      durationMs: 420_000,
    },
  ];
  rates.forEach((lr, i) => {
    const steps = 20;
    runs.push({
      name: `lr-${lr}`,
      status: i === 3 ? 'FAILED' : 'FINISHED',
      parent: 0,
      params: { learning_rate: String(lr), batch_size: String(64 * (1 + (i % 2))), optimizer: i % 2 === 0 ? 'adam' : 'sgd', epochs: String(steps) },
      metrics: {
        train_loss: curve(0.69, 0.2 + i * 0.05, i === 3 ? 7 : steps, 0.01, i),
        val_loss: curve(0.7, 0.28 + i * 0.04, i === 3 ? 7 : steps, 0.015, i + 3),
        val_auc: curve(0.5, 0.84 - i * 0.03, i === 3 ? 7 : steps, 0.005, i + 5),
      },
      tags: { stage: i === 2 ? 'candidate' : 'experiment' },
      durationMs: 60_000 + i * 15_000,
      artifacts: {
        'metrics.csv': ['step,train_loss,val_loss', ...curve(0.69, 0.25, 10, 0.01, i).map((v, s) => `${s},${v},${(v + 0.05).toFixed(4)}`)].join('\n') + '\n',
        'model/MLmodel': `artifact_path: model\nflavors:\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.2.1\nrun_id: sample\n`,
        'model/requirements.txt': 'scikit-learn==1.2.1\nnumpy==1.24.2\n',
        'confusion_matrix.json': JSON.stringify({ labels: ['stay', 'churn'], matrix: [[812 - i * 10, 41 + i * 5], [63 + i * 4, 184 - i * 6]] }, null, 2),
        'README.md': `# lr=${lr}\n\nA sample run of the churn model with learning rate ${lr}.\n`,
      },
    });
  });
  return runs;
}

async function writeMlflow(folder: string, now: number): Promise<void> {
  const file = path.join(folder, 'mlflow.db');
  const experiments: SampleExperiment[] = [
    { name: 'churn-model', tags: { team: 'growth', 'mlflow.note.content': 'Customer churn classifier (sample).' }, runs: churnRuns() },
    {
      name: 'llm-support-bot',
      tags: { team: 'support', 'mlflow.note.content': 'An LLM support assistant; its traces carry token usage (sample).' },
      runs: [{ name: 'prompt-v2-eval', status: 'FINISHED', params: { prompt_version: 'v2', judge: 'gpt-4o' }, metrics: { answer_relevance: [0.81, 0.84, 0.86] }, durationMs: 95_000 }],
    },
    { name: 'rag-retrieval', tags: { team: 'search' }, runs: [] },
  ];
  const db = new Database(file);
  let ids: string[];
  try {
    ids = await writeMlflowRuns(db, path.join(folder, 'artifacts'), experiments, { startMs: now - 10 * DAY_MS, user: USER, sourceName: 'train_churn.py' });
  } finally {
    db.close();
  }
  generateMlflowTraceStore(file, {
    traces: 300,
    spans: 2400,
    experimentIds: ids.slice(1),
    artifactRoot: (id) => path.join(folder, 'artifacts', id),
    startMs: now - 14 * DAY_MS,
    days: 14,
    users: 8,
    sessions: 40,
    seed: 17,
  });
}
