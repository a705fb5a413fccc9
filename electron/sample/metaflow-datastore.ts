import type { ContainerClient } from '@azure/storage-blob';
import { containerSink, folderSink, WritePool, type BlobSink } from './blob-sink.js';
import { ContentStore, type Stored } from './content-store.js';
import { CATCH_VAR, FOREACH_STEP, FOREACH_VAR, graphInfo, planSteps, transition, type StepPlan } from './flow-graph.js';
import { dataJson, exception, taskLogs, type AttemptPlan } from './metaflow-task-files.js';
import { PyFloat, PyInstance, type PickleValue } from './pickle-writer.js';
import { jsonBytes } from './python-text.js';
import { between, mulberry32, type Random } from './seeded-random.js';

// Synthetic Metaflow datastores of any size, in the layout real Metaflow writes to Azure
// (/work/shared/fixtures/metaflow-azure/LAYOUT.md): per-task attempt files, mflog logs, and a
// per-flow content-addressed store of gzipped protocol-4 pickles named by the sha1 of the pickle,
// shared by all runs of the flow. Output is deterministic for a seed.

export type DatastoreTarget = ({ folder: string } | { container: ContainerClient } | { sink: BlobSink }) & {
  /** The sysroot's blob prefix: '' (default) or ending in '/'. */
  prefix?: string;
};

export interface GenerateOptions {
  /** A Python class name. */
  flow: string;
  runs: number;
  /**
   * Real steps per run, start and end included (default 4). Without a foreach: start → step_1 … → end.
   * With one: start (split-foreach) → work (×foreachWidth) → join → step_1 … → end, so at least 4.
   */
  stepsPerRun?: number;
  /** Tasks of the foreach body; 0 (default) for a linear flow. */
  foreachWidth?: number;
  /** Every Nth run fails at the step before `end` (0: none; default 10). */
  failedEvery?: number;
  /** Every Nth run is still running (or abandoned) at the step before `end` (0: none; default 100). Wins over failedEvery. */
  runningEvery?: number;
  /** Every Nth run retries its second step once: attempt 0 fails, attempt 1 goes on (0: none; default 7). */
  retryEvery?: number;
  /**
   * Every Nth run's step before `end` raises and `@catch(var='caught_error')` catches it: the task succeeds, its
   * exception in `_catch_exception` and `caught_error` (0: none, the default). A failing or running run wins.
   */
  caughtEvery?: number;
  /**
   * Each run after a failed one is its `resume` (default false): `_resume_done`, the same parameters, the steps
   * before the failed one cloned (attempt.json, the origin's data.json, DONE.lock), the rest run and succeed.
   */
  resumeFailed?: boolean;
  /** User artifacts in each task, besides Metaflow's own and the parameters (default 4). */
  artifactsPerTask?: number;
  seed?: number;
  /** Start of the first run, epoch seconds (default 1795000000, near the shared fixture's clock). */
  startTime?: number;
  /** The `datastore` data.json names: 'azure' (default) or 'local'. */
  datastore?: 'azure' | 'local';
  /** More artifacts for a step's tasks (numpy arrays, frames…), after the generated ones. */
  extraArtifacts?: (step: string) => ExtraArtifact[];
  /** Called after each run has been queued for writing. */
  onRun?: (done: number) => void;
}

export interface ExtraArtifact {
  name: string;
  value: PickleValue;
  /** The Python type data.json records, where the value's own is not it (a REDUCE of `_reconstruct` is an ndarray). */
  type?: string;
}

export type Outcome = 'succeeded' | 'failed' | 'running';

export interface GeneratedTask {
  step: string;
  id: string;
  /** Attempts started (attempt numbers 0 … attempts-1). */
  attempts: number;
  status: Outcome;
  /** Artifact names in the latest attempt's data.json, sorted; empty while it runs (no data.json yet). */
  artifacts: string[];
  /** Cloned by `resume` from the origin run. */
  cloned: boolean;
  /** Its code raised and `@catch` caught it. */
  caught: boolean;
}

export interface GeneratedRun {
  id: string;
  status: Outcome;
  /** Real steps that have tasks, in flow order. */
  steps: string[];
  tasks: GeneratedTask[];
  parameters: { alpha: number; label: string };
  /** Epoch ms: the `_parameters` attempt's start, which is when the run started. */
  startedAt: number;
  /** The run this one resumed, if it is a resume. */
  resumedFrom: string | null;
}

export interface GeneratedDatastore {
  flow: string;
  prefix: string;
  runs: GeneratedRun[];
  blobs: number;
  bytes: number;
  /** Distinct artifact blobs in `<Flow>/data/` (dedup across runs, as Metaflow's CAS does). */
  casBlobs: number;
}

const TAG_WORDS = ['baseline', 'candidate', 'nightly', 'gpu', 'cpu', 'eu', 'us', 'tuned'];

// ---------------------------------------------------------------------------------------------

class Generator {
  private readonly flowPrefix: string;
  private readonly cas: ContentStore;
  private readonly steps: StepPlan[];
  private readonly graph: PickleValue;
  private readonly retryStep: number;
  private readonly stopStep: number;
  /** The last run written, with its tasks' final data.json: a resume clones from it. */
  private previous?: { run: GeneratedRun; data: Map<string, Buffer> };
  blobs = 0;
  bytes = 0;

  constructor(
    private readonly pool: WritePool,
    private readonly sink: BlobSink,
    prefix: string,
    private readonly options: Required<Omit<GenerateOptions, 'onRun'>>,
  ) {
    this.flowPrefix = `${prefix}${options.flow}/`;
    this.cas = new ContentStore(`${this.flowPrefix}data/`, (name, bytes, metadata) => this.put(name, bytes, metadata));
    this.steps = planSteps(options.stepsPerRun, options.foreachWidth);
    this.retryStep = 1;
    // Failed and running runs stop at the step before `end`, so they have most of a run's tasks.
    this.stopStep = this.steps.length - 2;
    const catchStep = options.caughtEvery > 0 ? this.steps[this.stopStep].name : undefined;
    this.graph = graphInfo(options.flow, this.steps, options.retryEvery > 0 ? this.steps[this.retryStep].name : undefined, catchStep);
  }

  get casBlobs(): number {
    return this.cas.size;
  }

  /** Queues a blob: waits only for a free write slot. */
  private put(name: string, bytes: Buffer, metadata?: Record<string, string>, modified?: Date): Promise<void> {
    this.blobs += 1;
    this.bytes += bytes.length;
    return this.pool.add(() => this.sink.put(name, bytes, metadata, modified));
  }

  /**
   * A run-tree file, stamped (where the sink can) with when Metaflow would have written it: the app
   * takes run start and end times from the listing's attempt.json and DONE.lock times.
   */
  private taskFile(name: string, bytes: Buffer, atMicros: number): Promise<void> {
    return this.put(name, bytes, undefined, new Date(atMicros / 1000));
  }

  async run(index: number): Promise<GeneratedRun> {
    const { options } = this;
    const random = mulberry32((options.seed * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
    const every = (n: number) => n > 0 && (index + 1) % n === 0;
    const origin = options.resumeFailed && this.previous?.run.status === 'failed' ? this.previous : undefined;
    const ending: Outcome = origin ? 'succeeded' : every(options.runningEvery) ? 'running' : every(options.failedEvery) ? 'failed' : 'succeeded';
    const caught = ending === 'succeeded' && every(options.caughtEvery);
    const retry = every(options.retryEvery);
    // Runs are ~15 minutes apart; the id is the start time in microseconds, as the local runtime makes it.
    const runStart = Math.round((options.startTime + index * 900) * 1e6) + between(random, 0, 300_000_000);
    const id = String(runStart);
    const runPrefix = `${this.flowPrefix}${id}/`;
    const parameters = origin?.run.parameters ?? { alpha: 1 + (index % 10), label: index % 3 === 0 ? 'nightly' : 'adhoc' };
    const run: GeneratedRun = { id, status: ending, steps: [], tasks: [], parameters, startedAt: runStart / 1000, resumedFrom: origin?.run.id ?? null };
    const data = new Map<string, Buffer>();

    const paramsEnd = runStart + between(random, 50_000, 400_000);
    await this.parametersTask(`${runPrefix}_parameters/0/`, parameters, runStart, paramsEnd);
    if (origin) await this.taskFile(`${runPrefix}_parameters/0/_resume_done`, Buffer.from('true'), paramsEnd);

    let clock = paramsEnd;
    let nextId = 1;
    for (let s = 0; s < this.steps.length; s++) {
      const step = this.steps[s];
      const stepStart = clock + between(random, 100_000, 900_000);
      let stepEnd = stepStart;
      run.steps.push(step.name);
      for (let j = 0; j < step.width; j++) {
        const taskId = String(nextId++);
        const cloneOf = origin && s < this.stopStep ? origin.run.tasks.find((t) => t.step === step.name && t.id === taskId) : undefined;
        const cloneData = cloneOf && origin?.data.get(`${step.name}/${taskId}`);
        if (cloneOf && cloneData) {
          await this.clone(`${runPrefix}${step.name}/${taskId}/`, cloneData, stepStart);
          data.set(`${step.name}/${taskId}`, cloneData);
          run.tasks.push({ ...cloneOf, attempts: 1, cloned: true });
          continue;
        }
        const final: Outcome = s === this.stopStep && ending !== 'succeeded' && (ending === 'running' || j === 0) ? ending : 'succeeded';
        const retried = retry && s === this.retryStep && j === 0;
        const attempts: AttemptPlan[] = [];
        let at = stepStart;
        for (let a = 0; a <= (retried ? 1 : 0); a++) {
          const outcome = a === (retried ? 1 : 0) ? final : 'failed';
          const end = at + between(random, 1_000_000, 20_000_000);
          attempts.push({ attempt: a, outcome, start: at, end });
          at = end + between(random, 200_000, 2_000_000);
        }
        const catches = caught && s === this.stopStep;
        const written = await this.task(`${runPrefix}${step.name}/${taskId}/`, s, j, parameters, attempts, random, catches);
        if (written.data) data.set(`${step.name}/${taskId}`, written.data);
        stepEnd = Math.max(stepEnd, attempts[attempts.length - 1].end);
        run.tasks.push({ step: step.name, id: taskId, attempts: attempts.length, status: final, artifacts: written.names, cloned: false, caught: catches });
      }
      clock = stepEnd;
      if (s === this.stopStep && ending !== 'succeeded') break;
    }
    this.previous = { run, data };
    return run;
  }

  /** A task `resume` cloned: only attempt.json (the clone time), the origin's data.json as it is, and DONE.lock. */
  private async clone(prefix: string, data: Buffer, at: number): Promise<void> {
    await this.taskFile(`${prefix}0.attempt.json`, jsonBytes({ time: new PyFloat(at / 1e6) }), at);
    await this.taskFile(`${prefix}0.data.json`, data, at);
    await this.taskFile(`${prefix}0.DONE.lock`, jsonBytes(''), at);
  }

  private async parametersTask(prefix: string, parameters: GeneratedRun['parameters'], start: number, end: number): Promise<void> {
    const seconds = end / 1e6;
    const objects: [string, Stored][] = [
      ['name', await this.cas.constant('name', () => this.options.flow, seconds)],
      ['alpha', await this.cas.store(parameters.alpha, seconds)],
      ['label', await this.cas.store(parameters.label, seconds)],
      ['_transition', await this.cas.constant('none', () => null, seconds)],
      ['_task_ok', await this.cas.constant('true', () => true, seconds)],
      ['_success', await this.cas.constant('true', () => true, seconds)],
      ['_graph_info', await this.cas.constant('graph', () => this.graph, seconds)],
      ['_foreach_stack', await this.cas.constant('empty list', () => [], seconds)],
      ['_configs_processed', await this.cas.constant('true', () => true, seconds)],
    ];
    await this.taskFile(`${prefix}0.attempt.json`, jsonBytes({ time: new PyFloat(start / 1e6) }), start);
    await this.taskFile(`${prefix}0.data.json`, dataJson(this.options.datastore, 0, objects), end);
    await this.taskFile(`${prefix}0.DONE.lock`, jsonBytes(''), end);
  }

  /** Writes every attempt of one task; returns the artifact names and data.json of the latest. */
  private async task(
    prefix: string,
    stepIndex: number,
    index: number,
    parameters: GeneratedRun['parameters'],
    attempts: AttemptPlan[],
    random: Random,
    catches: boolean,
  ): Promise<{ names: string[]; data?: Buffer }> {
    let names: string[] = [];
    let data: Buffer | undefined;
    for (const plan of attempts) {
      const { attempt, outcome, start, end } = plan;
      const file = (kind: string) => `${prefix}${attempt}.${kind}`;
      await this.taskFile(file('attempt.json'), jsonBytes({ time: new PyFloat(start / 1e6) }), start);
      await this.taskFile(
        file('task_begin'),
        jsonBytes({ code_package_metadata: '', code_package_sha: null, code_package_ds: null, code_package_url: null, retry_count: attempt }),
        start,
      );
      // A running attempt has written nothing else yet: its artifacts and logs come when it ends.
      if (outcome === 'running') {
        names = [];
        data = undefined;
        continue;
      }
      const objects = await this.artifacts(stepIndex, index, parameters, outcome, end / 1e6, random, catches);
      names = objects.map(([name]) => name).sort();
      const ok = outcome === 'succeeded';
      data = dataJson(this.options.datastore, attempt, objects);
      await this.taskFile(file('data.json'), data, end);
      await this.taskFile(file('task_end'), jsonBytes({}), end);
      await this.taskFile(file('DONE.lock'), jsonBytes(''), end);
      await this.taskFile(file('runtime'), jsonBytes({ return_code: ok ? 0 : 1, killed: false, success: ok }), end);
      const { stdout, stderr } = taskLogs(this.options.flow, this.steps[stepIndex].name, prefix, plan, random, catches);
      await this.taskFile(file('runtime_stdout.log'), stdout, end);
      await this.taskFile(file('runtime_stderr.log'), stderr, end);
    }
    return { names, data };
  }

  private async artifacts(
    stepIndex: number,
    index: number,
    parameters: GeneratedRun['parameters'],
    outcome: Exclude<Outcome, 'running'>,
    seconds: number,
    random: Random,
    catches: boolean,
  ): Promise<[string, Stored][]> {
    const { cas } = this;
    const step = this.steps[stepIndex];
    const width = this.options.foreachWidth;
    const items = () => Array.from({ length: width }, (_, i) => `item-${i}`);
    const ok = outcome === 'succeeded';
    const objects: [string, Stored][] = [
      ['name', await cas.constant('name', () => this.options.flow, seconds)],
      ['alpha', await cas.store(parameters.alpha, seconds)],
      ['label', await cas.store(parameters.label, seconds)],
      ['_transition', await cas.constant(`transition ${step.name} ${ok}`, () => (ok ? transition(step) : null), seconds)],
      ['_task_ok', await cas.constant(String(ok), () => ok, seconds)],
      ['_success', await cas.constant(String(ok), () => ok, seconds)],
      ['_graph_info', await cas.constant('graph', () => this.graph, seconds)],
      [
        '_foreach_stack',
        step.name === FOREACH_STEP
          ? await cas.store([new PyInstance('__main__', 'ForeachFrame', [FOREACH_STEP, FOREACH_VAR, width, index, `item-${index}`])], seconds)
          : await cas.constant('empty list', () => [], seconds),
      ],
      ['_configs_processed', await cas.constant('true', () => true, seconds)],
    ];
    for (let k = 0; k < this.options.artifactsPerTask; k++) objects.push(await this.userArtifact(step.name, k, seconds, random));
    for (const extra of this.options.extraArtifacts(step.name)) objects.push([extra.name, await cas.store(extra.value, seconds, extra.type)]);
    const split = step.type === 'split-foreach';
    if (split || step.name === FOREACH_STEP) objects.push([FOREACH_VAR, await cas.constant('items', items, seconds)]);
    if (step.name === FOREACH_STEP) objects.push(['item', await cas.store(`item-${index}`, seconds)]);
    objects.push(
      ['_iteration_stack', await cas.constant('empty list', () => [], seconds)],
      ['_foreach_var', await cas.constant(split ? 'foreach var' : 'none', () => (split ? FOREACH_VAR : null), seconds)],
    );
    if (split) objects.push(['_foreach_values', await cas.constant('items', items, seconds)]);
    objects.push(
      ['_foreach_num_splits', split ? await cas.store(width, seconds) : await cas.constant('none', () => null, seconds)],
      ['_exception', ok ? await cas.constant('none', () => null, seconds) : await cas.store(exception(this.options.flow, step.name), seconds)],
      ['_current_step', await cas.constant(`step ${step.name}`, () => step.name, seconds)],
    );
    // @catch's var is None when nothing was caught; `_catch_exception` exists only when something was.
    if (this.options.caughtEvery > 0 && stepIndex === this.stopStep) {
      const caught = await cas.store(exception(this.options.flow, step.name), seconds);
      objects.push([CATCH_VAR, catches ? caught : await cas.constant('none', () => null, seconds)]);
      if (catches) objects.push(['_catch_exception', caught]);
    }
    return objects;
  }

  /** User artifacts of four kinds: per-task floats (one blob each), and ints, configs and tag lists that repeat across runs. */
  private async userArtifact(step: string, k: number, seconds: number, random: Random): Promise<[string, Stored]> {
    const { cas } = this;
    switch (k % 4) {
      case 0:
        return [`score_${k}`, await cas.store(new PyFloat(Math.round(random() * 1e6) / 1e6), seconds)];
      case 1:
        return [`count_${k}`, await cas.store(between(random, 0, 99), seconds)];
      case 2: {
        const config = () => ({ step, index: k, learning_rate: new PyFloat(0.01), layers: [64, 32], enabled: true });
        return [`config_${k}`, await cas.constant(`config ${step} ${k}`, config, seconds)];
      }
      default: {
        const tags = [TAG_WORDS[between(random, 0, TAG_WORDS.length - 1)], TAG_WORDS[between(random, 0, TAG_WORDS.length - 1)]];
        return [`tags_${k}`, await cas.store(tags, seconds)];
      }
    }
  }
}

function targetSink(target: DatastoreTarget): BlobSink {
  if ('sink' in target) return target.sink;
  if ('folder' in target) return folderSink(target.folder);
  return containerSink(target.container);
}

/** Writes `runs` runs of one flow; resolves once every blob is written. */
export async function generateDatastore(target: DatastoreTarget, options: GenerateOptions): Promise<GeneratedDatastore> {
  const prefix = target.prefix ?? '';
  if (prefix !== '' && !prefix.endsWith('/')) throw new Error(`The prefix "${prefix}" must be empty or end in "/".`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.flow)) throw new Error(`"${options.flow}" is not a Python class name.`);
  const settings = {
    flow: options.flow,
    runs: options.runs,
    stepsPerRun: options.stepsPerRun ?? 4,
    foreachWidth: options.foreachWidth ?? 0,
    failedEvery: options.failedEvery ?? 10,
    runningEvery: options.runningEvery ?? 100,
    retryEvery: options.retryEvery ?? 7,
    caughtEvery: options.caughtEvery ?? 0,
    resumeFailed: options.resumeFailed ?? false,
    artifactsPerTask: options.artifactsPerTask ?? 4,
    seed: options.seed ?? 1,
    startTime: options.startTime ?? 1_795_000_000,
    datastore: options.datastore ?? 'azure',
    extraArtifacts: options.extraArtifacts ?? (() => []),
  };
  const sink = targetSink(target);
  const pool = new WritePool(sink.concurrency);
  const generator = new Generator(pool, sink, prefix, settings);
  const runs: GeneratedRun[] = [];
  for (let i = 0; i < settings.runs; i++) {
    runs.push(await generator.run(i));
    options.onRun?.(i + 1);
  }
  await pool.drain();
  return { flow: settings.flow, prefix, runs, blobs: generator.blobs, bytes: generator.bytes, casBlobs: generator.casBlobs };
}
