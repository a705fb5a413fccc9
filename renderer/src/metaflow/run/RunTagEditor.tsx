import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RunDetail, RunSummary } from '../../../../shared/contract.js';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { runQuery, type RunRef } from '../queries.js';

// A run's user tags, edited on the metadata service as Run.add_tag / remove_tag / replace_tag do. The change
// shows at once (optimistic) and is rolled back, with the service's reason, if the service refuses it. System
// tags are the service's own and read-only.

interface Edit {
  add: string[];
  remove: string[];
}

export function RunTagEditor({ run, summary }: { run: RunRef; summary: RunSummary }) {
  const queryClient = useQueryClient();
  const key = runQuery(run).queryKey;
  const [draft, setDraft] = useState('');
  const mutation = useMutation({
    mutationFn: (edit: Edit) => call('metaflow.tags', { workspaceId: run.workspaceId, flow: run.flow, run: run.run, ...edit }),
    onMutate: async (edit: Edit) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<RunDetail>(key);
      if (before) {
        const tags = [...(before.summary.tags ?? []).filter((t) => !edit.remove.includes(t)), ...edit.add.filter((t) => !(before.summary.tags ?? []).includes(t))].sort();
        queryClient.setQueryData<RunDetail>(key, { ...before, summary: { ...before.summary, tags } });
      }
      return { before };
    },
    onError: (_err, _edit, context) => {
      if (context?.before) queryClient.setQueryData(key, context.before);
    },
    onSuccess: (after) => {
      const current = queryClient.getQueryData<RunDetail>(key);
      if (current) queryClient.setQueryData<RunDetail>(key, { ...current, summary: after });
      void queryClient.invalidateQueries({ queryKey: ['metaflow.runs', run.workspaceId, run.flow] });
    },
  });
  const tags = summary.tags ?? [];
  const add = () => {
    const tag = draft.trim();
    if (tag === '') return;
    mutation.mutate({ add: [tag], remove: [] });
    setDraft('');
  };
  return (
    <section className="panel run-tags" aria-label="Tags" data-testid="run-tags">
      <div className="run-tags__row">
        <span className="muted">Tags</span>
        {tags.map((tag) => (
          <span key={tag} className="tag" data-testid="user-tag">
            {tag}
            <button type="button" className="tag__remove" aria-label={`Remove tag ${tag}`} onClick={() => mutation.mutate({ add: [], remove: [tag] })}>
              ×
            </button>
          </span>
        ))}
        <form
          className="run-tags__add"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <input className="input" aria-label="New tag" placeholder="add a tag" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" className="button" disabled={draft.trim() === ''}>
            Add tag
          </button>
        </form>
      </div>
      {(summary.systemTags ?? []).length > 0 && (
        <div className="run-tags__row" data-testid="system-tags">
          <span className="muted" title="Set by Metaflow and the service; they cannot be edited.">
            System tags
          </span>
          {(summary.systemTags ?? []).map((tag) => (
            <span key={tag} className="tag tag--system">
              {tag}
            </span>
          ))}
        </div>
      )}
      {mutation.isError && <ErrorPanel error={mutation.error} onDismiss={() => mutation.reset()} />}
    </section>
  );
}
