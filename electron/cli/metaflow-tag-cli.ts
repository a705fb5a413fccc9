import type { Env } from '../azure/blob-client.js';
import type { Services } from '../services.js';
import { call } from './call.js';
import { openTarget, type TargetOptions } from './metaflow-target.js';
import { usageError } from './output.js';

// `stratus metaflow tag add|remove|replace <…/Flow/run> TAG…`: edits a run's user tags through the metadata
// service, as Run.add_tags / remove_tags / replace_tag do, and prints the run's tags after the edit.

export const TAG_ACTIONS = ['add', 'remove', 'replace'] as const;
export type TagAction = (typeof TAG_ACTIONS)[number];

export function isTagAction(value: string | undefined): value is TagAction {
  return (TAG_ACTIONS as readonly string[]).includes(value ?? '');
}

/** What each action adds and removes: replace takes the old tag, then the new one. */
export function tagEdit(action: TagAction, tags: string[]): { add: string[]; remove: string[] } {
  if (tags.length === 0) throw usageError(`stratus metaflow tag ${action} needs at least one tag after the run.`);
  if (action === 'add') return { add: tags, remove: [] };
  if (action === 'remove') return { add: [], remove: tags };
  if (tags.length !== 2) throw usageError('stratus metaflow tag replace takes the tag to replace, then its replacement.');
  return { add: [tags[1]], remove: [tags[0]] };
}

export async function runTagCommand(services: Services, action: TagAction, tags: string[], options: TargetOptions & { json: boolean }, env: Env): Promise<void> {
  const edit = tagEdit(action, tags);
  const { workspaceId, path } = await openTarget(services, options, env);
  if (path.flow === undefined || path.run === undefined || path.step !== undefined) throw usageError('stratus metaflow tag needs a path down to the run, and no further.');
  const run = await call(services, 'metaflow.tags', { workspaceId, flow: path.flow, run: path.run, ...edit });
  process.stdout.write(options.json ? `${JSON.stringify(run, null, 1)}\n` : `${path.flow}/${path.run}: ${(run.tags ?? []).join(', ') || '(no tags)'}\n`);
}
