import type { MetaflowListing } from '../../shared/contract.js';

// Walking a Metaflow datastore through metaflow.list to the first task a test can use, so tests
// find what they need in the fixture rather than hard-coding its names.

export type TaskRef = { flow: string; run: string; step: string; task: string };
type List = (path: Partial<TaskRef>) => Promise<MetaflowListing>;

/** The first task (flows, runs, steps and tasks in listing order) whose artifact listing `accept` takes. */
export async function findTask<T>(list: List, accept: (listing: MetaflowListing) => T | undefined): Promise<{ ref: TaskRef; found: T }> {
  for (const flow of (await list({})).entries) {
    for (const run of (await list({ flow: flow.name })).entries) {
      for (const step of (await list({ flow: flow.name, run: run.name })).entries) {
        for (const task of (await list({ flow: flow.name, run: run.name, step: step.name })).entries) {
          const ref = { flow: flow.name, run: run.name, step: step.name, task: task.name };
          const found = accept(await list(ref));
          if (found !== undefined) return { ref, found };
        }
      }
    }
  }
  throw new Error('no task in the datastore fits');
}
