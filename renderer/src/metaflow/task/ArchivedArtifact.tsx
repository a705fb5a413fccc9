import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeTier, REHYDRATE_TRADEOFF, tierState, type BlobTier, type RehydratePriority, type RehydrateTier } from '../../../../shared/access-tier.js';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { artifactKey, type TaskRef } from '../queries.js';

interface Props {
  task: TaskRef;
  name: string;
  blob: string;
  tier: BlobTier;
}

const TIERS: RehydrateTier[] = ['Hot', 'Cool'];
const PRIORITIES: RehydratePriority[] = ['Standard', 'High'];

/** An artifact whose blob is in Archive: why it cannot be shown, and Rehydrate (or how far one has got). */
export function ArchivedArtifact({ task, name, blob, tier }: Props) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<RehydrateTier>('Hot');
  const [priority, setPriority] = useState<RehydratePriority>('Standard');
  const rehydrate = useMutation({
    mutationFn: () => call('metaflow.rehydrate', { ...task, name, tier: target, priority }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: artifactKey(task, name) }),
  });
  const state = tierState(tier);

  return (
    <div className="archived" data-testid="artifact-archived" data-state={state.kind}>
      <p>
        <strong>{state.kind === 'rehydrating' ? 'Archived, rehydrating' : 'Archived'}</strong>: {describeTier(tier)}. Its blob{' '}
        <span className="mono">{blob}</span> cannot be read until it is rehydrated to an online tier.
      </p>
      {state.kind === 'rehydrating' ? (
        <p className="muted" data-testid="rehydrate-pending">
          A rehydration to {state.target} is running: the value shows here once Azure finishes it (Standard priority can take up to 15 hours).
        </p>
      ) : (
        <form
          className="archived__form"
          onSubmit={(event) => {
            event.preventDefault();
            rehydrate.mutate();
          }}
        >
          <label>
            Tier{' '}
            <select value={target} onChange={(e) => setTarget(e.target.value as RehydrateTier)} data-testid="rehydrate-tier">
              {TIERS.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </label>
          <label>
            Priority{' '}
            <select value={priority} onChange={(e) => setPriority(e.target.value as RehydratePriority)} data-testid="rehydrate-priority">
              {PRIORITIES.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </label>
          <button type="submit" className="button button--small" disabled={rehydrate.isPending} data-testid="rehydrate">
            {rehydrate.isPending ? 'Rehydrating…' : 'Rehydrate'}
          </button>
          <p className="muted archived__tradeoff">{REHYDRATE_TRADEOFF[priority]} Reading from Archive also costs a per-GB retrieval fee.</p>
        </form>
      )}
      {rehydrate.isError && <ErrorPanel error={rehydrate.error} onRetry={() => rehydrate.mutate()} onDismiss={() => rehydrate.reset()} />}
    </div>
  );
}
