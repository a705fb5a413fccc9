import type { Stored } from './content-store.js';
import { PyInstance, type PickleValue } from './pickle-writer.js';
import { jsonBytes, mflog } from './python-text.js';
import { between, type Random } from './seeded-random.js';

// What a generated task writes besides its artifacts' values, as Metaflow writes it: the traceback a failed
// attempt prints, its pickled MetaflowExceptionWrapper, the `N.data.json` artifact index and the runtime's logs.

const PYTHON_VERSION = '3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]';

export function traceback(step: string): string {
  return (
    'Traceback (most recent call last):\n' +
    '  File "/home/ds/metaflow/metaflow/task.py", line 938, in run_step\n' +
    '    self._exec_step_function(step_func, orig_step_func)\n' +
    '  File "/home/ds/metaflow/metaflow/task.py", line 113, in _exec_step_function\n' +
    '    step_function()\n' +
    `  File "/home/ds/flows/flow.py", line 30, in ${step}\n` +
    `    raise RuntimeError("synthetic failure in ${step}")\n` +
    `RuntimeError: synthetic failure in ${step}\n`
  );
}

/** The `_exception` artifact of a failed attempt, pickled as Metaflow pickles its MetaflowExceptionWrapper. */
export function exception(flow: string, step: string): PickleValue {
  const state = { exception: `synthetic failure in ${step} of ${flow}`, type: 'builtins.RuntimeError', stacktrace: traceback(step) };
  return new PyInstance('metaflow.exception', 'MetaflowExceptionWrapper', [null], { reduce: true, state });
}

export function dataJson(datastore: 'azure' | 'local', attempt: number, objects: [string, Stored][]): Buffer {
  const info = (s: Stored) => ({ size: s.size, type: s.type, encoding: 'pickle-v4', serializer_info: { source: 'metaflow' } });
  return jsonBytes({
    datastore,
    version: '1.0',
    attempt,
    python_version: PYTHON_VERSION,
    objects: Object.fromEntries(objects.map(([name, s]) => [name, s.sha])),
    info: Object.fromEntries(objects.map(([name, s]) => [name, info(s)])),
  });
}

export interface AttemptPlan {
  attempt: number;
  outcome: 'succeeded' | 'failed' | 'running';
  /** Epoch microseconds. */
  start: number;
  end: number;
}

/** `N.runtime_stdout.log` and `N.runtime_stderr.log` of a finished attempt, in mflog lines. */
export function taskLogs(flow: string, step: string, prefix: string, plan: AttemptPlan, random: Random, catches: boolean): { stdout: Buffer; stderr: Buffer } {
  const { start, end, attempt } = plan;
  const at = (fraction: number) => start + Math.floor((end - start) * fraction);
  const stdout = [
    { at: at(0.05), text: `${step}: attempt ${attempt} of ${prefix.split('/').slice(-3, -1).join('/')}` },
    { at: at(0.5), text: `${step}: processed ${between(random, 100, 100_000)} records` },
  ];
  if (catches) {
    // What @catch's print_exception logs: a header, then the traceback with ">  " before each line.
    const lines = [`@catch caught an exception from <flow ${flow} step ${step}>`, ...traceback(step).trimEnd().split('\n').map((l) => `>  ${l}`)];
    stdout.push(...lines.map((text, i) => ({ at: at(0.9) + i * 40, text })));
  }
  if (plan.outcome === 'succeeded') return { stdout: mflog([...stdout, { at: at(0.95), text: `${step}: done` }], random), stderr: Buffer.alloc(0) };
  const failure = [`<flow ${flow} step ${step}> failed:`, '    Internal error', ...traceback(step).split('\n').filter((line) => line !== ''), '', 'Task failed.'];
  return { stdout: mflog(stdout, random), stderr: mflog(failure.map((text, i) => ({ at: at(0.9) + i * 40, text })), random) };
}
