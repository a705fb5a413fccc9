import './prompts.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { PromptGroup, PromptTraceRow } from '../../../../shared/schemas/mlflow-prompts.js';
import { formatCount, formatTime } from '../../format.js';
import { DataTable } from '../../ui/DataTable.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { promptLabel, VERSION_HEAD, versionCells, versionLabel } from './prompt-format.js';
import { promptsQuery, promptTracesQuery } from './prompt-queries.js';

interface Props {
  workspaceId: string;
  experimentId: string;
  promptKey: string;
  /** The version whose template and traces are shown; the newest when absent. */
  version?: string;
  onVersion: (version: string | undefined) => void;
  onOpenTrace: (traceId: string) => void;
}

/** The outputs of every version for one input, side by side. */
function CompareOutputs({ workspaceId, experimentId, prompt, onOpenTrace }: { workspaceId: string; experimentId: string; prompt: PromptGroup; onOpenTrace: (id: string) => void }) {
  const [inputKey, setInputKey] = useState(prompt.sharedInputs[0]?.inputKey ?? '');
  const traces = useQuery({ ...promptTracesQuery(workspaceId, experimentId, prompt.key, { inputKey }), enabled: inputKey !== '' });
  if (prompt.sharedInputs.length === 0) return <p className="muted">No input was sent through two versions of this prompt: there is nothing to compare side by side.</p>;
  const byVersion = new Map<string, PromptTraceRow[]>();
  for (const t of traces.data?.traces ?? []) {
    const key = t.version ?? '';
    byVersion.set(key, [...(byVersion.get(key) ?? []), t]);
  }
  return (
    <div className="ml-prompts__compare">
      <label className="ml-filter__field">
        Input{' '}
        <select value={inputKey} onChange={(e) => setInputKey(e.target.value)} data-testid="compare-input">
          {prompt.sharedInputs.map((s) => (
            <option key={s.inputKey} value={s.inputKey}>
              {s.input.length > 90 ? `${s.input.slice(0, 90)}…` : s.input} ({s.versions.map(versionLabel).join(', ')})
            </option>
          ))}
        </select>
      </label>
      {traces.isPending && <Loading label="Reading the outputs…" />}
      {traces.isError && <ErrorPanel error={traces.error} onRetry={() => void traces.refetch()} retrying={traces.isFetching} />}
      <div className="ml-prompts__columns" data-testid="compare-outputs">
        {[...byVersion].map(([version, rows]) => (
          <section key={version} className="ml-prompts__column" data-testid="compare-column" data-version={version}>
            <h4>{versionLabel(version === '' ? null : version)}</h4>
            {rows.map((t) => (
              <div key={t.traceId} className="ml-prompts__output">
                <p className="muted">
                  {t.model ?? 'unknown model'} · {t.state} · {formatTime(t.timestampMs)}{' '}
                  <button type="button" className="link-button" onClick={() => onOpenTrace(t.traceId)}>
                    Open trace
                  </button>
                </p>
                <pre className="ml-prompts__text" data-testid="compare-output">{t.output ?? '(no output)'}</pre>
              </div>
            ))}
          </section>
        ))}
      </div>
    </div>
  );
}

function PromptTraces({ workspaceId, experimentId, promptKey, version, onOpenTrace }: { workspaceId: string; experimentId: string; promptKey: string; version?: string; onOpenTrace: (id: string) => void }) {
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const pageToken = pages[pages.length - 1];
  const traces = useQuery(promptTracesQuery(workspaceId, experimentId, promptKey, { version }, pageToken));
  if (traces.isPending) return <Loading label="Reading the prompt's traces…" />;
  if (traces.isError) return <ErrorPanel error={traces.error} onRetry={() => void traces.refetch()} retrying={traces.isFetching} />;
  const rows = traces.data.traces;
  const next = traces.data.nextPageToken;
  return (
    <>
      <DataTable
        head={['Trace', 'Version', 'Started', 'State', 'Model', 'Tokens', 'Input', 'Output']}
        rows={rows.map((t) => [
          t.traceId,
          versionLabel(t.version),
          formatTime(t.timestampMs),
          t.state,
          t.model ?? '—',
          t.totalTokens === null ? '—' : formatCount(t.totalTokens),
          t.input ?? '—',
          t.output ?? '—',
        ])}
        total={traces.data.total}
        look={{ className: 'ml-prompts__table', tableClassName: 'ml-table ml-table--compact ml-prompts__traces', testId: 'prompt-traces' }}
        onOpen={(i) => onOpenTrace(rows[i].traceId)}
      />
      <div className="ml-toolbar">
        <button type="button" className="button button--small button--quiet" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          Newer
        </button>
        <button type="button" className="button button--small button--quiet" disabled={next === null} onClick={() => next !== null && setPages([...pages, next])}>
          Older
        </button>
      </div>
    </>
  );
}

const KIND_TITLE: Record<PromptGroup['kind'], string> = {
  registered: 'registered prompt',
  template: 'prompt template its spans carry',
  system: 'unregistered system prompt',
};

/** One prompt: its versions' figures, a version's template, outputs compared side by side, and its traces. */
export function PromptView({ workspaceId, experimentId, promptKey, version, onVersion, onOpenTrace }: Props) {
  const query = useQuery(promptsQuery(workspaceId, experimentId));
  if (query.isPending) return <Loading label="Grouping the traces by prompt…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  const prompt = query.data.prompts.find((p) => p.key === promptKey);
  if (!prompt) return <p className="empty">No trace of this experiment names the prompt {promptLabel(promptKey)}.</p>;
  const shown = prompt.versions.find((v) => v.version === (version ?? null)) ?? prompt.versions[0];
  return (
    <div className="ml-prompts" data-testid="prompt-view">
      <h3>
        {prompt.kind === 'registered' ? prompt.name : promptLabel(prompt.key)}{' '}
        <span className="muted">
          {KIND_TITLE[prompt.kind]} · {formatCount(prompt.traces)} traces
        </span>
      </h3>
      <DataTable
        head={VERSION_HEAD}
        rows={prompt.versions.map(versionCells)}
        look={{ className: 'ml-prompts__table', tableClassName: 'ml-table ml-table--compact', testId: 'prompt-versions' }}
        onOpen={(i) => onVersion(prompt.versions[i].version ?? undefined)}
      />
      <h4>{prompt.kind === 'registered' ? `Template of ${versionLabel(shown.version)}` : prompt.kind === 'template' ? 'Template (rebuilt from the spans)' : 'System prompt'}</h4>
      <pre className="ml-prompts__text" data-testid="prompt-template">{shown.template ?? 'The registry no longer holds this version.'}</pre>
      {prompt.variables.length > 0 && (
        <p className="muted" data-testid="prompt-variables">
          Variables: {prompt.variables.join(', ')}
        </p>
      )}
      {prompt.kind === 'registered' && (
        <>
          <h4>Outputs side by side</h4>
          <CompareOutputs workspaceId={workspaceId} experimentId={experimentId} prompt={prompt} onOpenTrace={onOpenTrace} />
        </>
      )}
      <h4>Traces{shown.version === null ? '' : ` of ${versionLabel(shown.version)}`}</h4>
      <PromptTraces key={shown.version ?? ''} workspaceId={workspaceId} experimentId={experimentId} promptKey={prompt.key} version={shown.version ?? undefined} onOpenTrace={onOpenTrace} />
    </div>
  );
}
