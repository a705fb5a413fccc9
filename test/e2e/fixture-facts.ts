import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readManifest, type Manifest } from '../harness/metaflow-fixture.js';
import { fixtureDir } from '../harness/repo.js';

// What the Metaflow fixture holds, read from its manifest (every blob name) and the flow files that
// made it, so the views' tests check against the data rather than lists copied into them.

export interface TaskRef {
  run: string;
  step: string;
  task: string;
}

/** Blob names under the datastore sysroot, relative to it (`<Flow>/<run>/<step>/<task>/<file>`). */
function datastoreNames(manifest: Manifest): string[] {
  const prefix = `${manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/`;
  return manifest.blobs.filter((b) => b.name.startsWith(prefix)).map((b) => b.name.slice(prefix.length));
}

export class FixtureFacts {
  private constructor(
    private readonly manifest: Manifest,
    private readonly names: string[],
  ) {}

  static async load(): Promise<FixtureFacts> {
    const manifest = await readManifest();
    return new FixtureFacts(manifest, datastoreNames(manifest));
  }

  /** Run ids of a flow, as listed in the datastore (the CAS folder `data/` left out). */
  runs(flow: string): string[] {
    const ids = new Set<string>();
    for (const name of this.names) {
      const [f, run] = name.split('/');
      if (f === flow && run !== 'data' && /^\d+$/.test(run)) ids.add(run);
    }
    return [...ids].sort();
  }

  /** The tasks of a step in a run, by id. */
  tasks(flow: string, run: string, step: string): string[] {
    const ids = new Set<string>();
    for (const name of this.names) {
      const parts = name.split('/');
      if (parts[0] === flow && parts[1] === run && parts[2] === step && parts.length === 5) ids.add(parts[3]);
    }
    return [...ids];
  }

  /** The attempt numbers of a task (`<n>.attempt.json`). */
  attempts(flow: string, ref: TaskRef): number[] {
    const prefix = `${flow}/${ref.run}/${ref.step}/${ref.task}/`;
    return this.names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.attempt.json'))
      .map((n) => Number(n.slice(prefix.length).split('.')[0]))
      .sort((a, b) => a - b);
  }

  /** Whether a task's attempt wrote a non-empty file of this kind (e.g. `runtime_stderr.log`). */
  wrote(flow: string, ref: TaskRef, attempt: number, kind: string): boolean {
    const name = `${this.manifest.datastore_sysroot_azure.split('/').slice(1).join('/')}/${flow}/${ref.run}/${ref.step}/${ref.task}/${attempt}.${kind}`;
    return this.manifest.blobs.some((b) => b.name === name && b.size > 0);
  }

  /** Runs that reached their `end` step with it done (LAYOUT.md §7), and the ones that did not. */
  runsByOutcome(flow: string): { finished: string[]; unfinished: string[] } {
    const finished = this.runs(flow).filter((run) =>
      this.tasks(flow, run, 'end').some((task) => this.attempts(flow, { run, step: 'end', task }).length > 0),
    );
    return { finished, unfinished: this.runs(flow).filter((r) => !finished.includes(r)) };
  }

  /** Tasks with a card, from the card root's `<Flow>/runs/<run>/steps/<step>/tasks/<task>/cards/<file>.html`. */
  cardTasks(flow: string): TaskRef[] {
    const prefix = `${this.manifest.card_azureroot.split('/').slice(1).join('/')}/${flow}/runs/`;
    const found = new Map<string, TaskRef>();
    for (const blob of this.manifest.blobs) {
      if (!blob.name.startsWith(prefix) || !blob.name.endsWith('.html')) continue;
      const [run, , step, , task, folder] = blob.name.slice(prefix.length).split('/');
      if (folder === 'cards') found.set(`${run}/${step}/${task}`, { run, step, task });
    }
    return [...found.values()];
  }
}

/** A flow file of the fixture, as it was run. */
export async function flowSource(file: string): Promise<string> {
  return readFile(path.join(fixtureDir, 'flows', file), 'utf8');
}

/** Names of the `Parameter("name", …)` declarations in a flow file. */
export function parameterNames(source: string): string[] {
  return [...source.matchAll(/Parameter\(\s*["'](\w+)["']/g)].map((m) => m[1]);
}

/** The `@step` methods of a flow file and the steps each names in `self.next(...)`. */
export function stepEdges(source: string): { steps: string[]; edges: [string, string][] } {
  const steps: string[] = [];
  const edges: [string, string][] = [];
  const blocks = source.split(/@step\s*\n/).slice(1);
  for (const block of blocks) {
    const name = /^\s*def (\w+)\(self\)/.exec(block)?.[1];
    if (!name) continue;
    steps.push(name);
    const next = /self\.next\(([^)]*)\)/.exec(block)?.[1] ?? '';
    for (const m of next.matchAll(/self\.(\w+)/g)) edges.push([name, m[1]]);
  }
  return { steps, edges };
}

/** The literal an attribute is set to in a flow file (`self.<name> = <literal>`), as written. */
export function assignedLiteral(source: string, name: string): string | undefined {
  return new RegExp(`self\\.${name} = ([^\\n]+)`).exec(source)?.[1].trim();
}

/** The column names of the `pd.DataFrame({...})` assigned to `self.<name>`. */
export function dataFrameColumns(source: string, name: string): string[] {
  const literal = new RegExp(`self\\.${name} = pd\\.DataFrame\\(\\s*\\{([^}]*)\\}`).exec(source)?.[1] ?? '';
  return [...literal.matchAll(/["'](\w+)["']\s*:/g)].map((m) => m[1]);
}
