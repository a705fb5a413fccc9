import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { describeTier, tierState, type BlobTier } from '../../../../shared/access-tier.js';
import { MAX_TIER_NAMES } from '../../../../shared/schemas/metaflow.js';
import { call } from '../../api/client.js';
import { artifactKey, type TaskRef } from '../queries.js';
import { createBatcher } from './tier-batch.js';

// The Tier cell of the task view's artifact table: the CAS blob's tier, read once the row is in
// view (one batched call per screenful), again on each visit while archived or rehydrating.

type TierAnswer = { tier: BlobTier | null; problem: string | null };

const loaders = new Map<string, (name: string) => Promise<TierAnswer>>();

function loaderFor(task: TaskRef): (name: string) => Promise<TierAnswer> {
  const key = JSON.stringify([task.workspaceId, task.flow, task.run, task.step, task.task, task.attempt ?? null]);
  let load = loaders.get(key);
  if (!load) {
    load = createBatcher(async (names) => {
      const { tiers } = await call('metaflow.artifactTiers', { workspaceId: task.workspaceId, flow: task.flow, run: task.run, step: task.step, task: task.task, attempt: task.attempt, names });
      return new Map(tiers.map((t) => [t.name, { tier: t.tier, problem: t.problem }]));
    }, MAX_TIER_NAMES);
    loaders.set(key, load);
  }
  return load;
}

/** True once the element has been on screen (where there is no IntersectionObserver, at once). */
function useSeen(element: RefObject<Element | null>): boolean {
  const [seen, setSeen] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const target = element.current;
    if (seen || !target) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [element, seen]);
  return seen;
}

export function ArtifactTierCell({ task, name }: { task: TaskRef; name: string }) {
  const cell = useRef<HTMLTableCellElement>(null);
  const seen = useSeen(cell);
  const tier = useQuery({
    // Under the artifact's key, so a rehydration's invalidation refreshes this cell too.
    queryKey: [...artifactKey(task, name), 'tier'],
    queryFn: () => loaderFor(task)(name),
    enabled: seen,
    staleTime: (query) => {
      const t = query.state.data?.tier;
      return t && tierState(t).kind !== 'online' ? 0 : 5 * 60_000;
    },
  });
  return (
    <td ref={cell} className="artifacts__tier" data-testid="artifact-tier" data-state={tier.data?.tier ? tierState(tier.data.tier).kind : undefined}>
      {tier.isError ? <span className="muted" title={String(tier.error)}>?</span> : tier.data ? <TierText answer={tier.data} /> : <span className="muted">…</span>}
    </td>
  );
}

function TierText({ answer }: { answer: TierAnswer }) {
  if (answer.problem !== null) return <span className="muted" title={answer.problem}>?</span>;
  if (answer.tier === null) return <span className="muted" title="A local folder has no access tiers">—</span>;
  const state = tierState(answer.tier);
  const text = state.kind === 'online' ? (state.tier ?? 'unknown') : state.kind === 'archived' ? 'Archive (archived)' : `Archive, rehydrating to ${state.target}`;
  return <span title={describeTier(answer.tier)}>{text}</span>;
}
