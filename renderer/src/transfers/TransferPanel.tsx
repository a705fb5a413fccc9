import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import type { ConflictChoice, JobSelector, TransferTotals } from '../../../shared/schemas/transfer.js';
import { call } from '../api/client.js';
import { formatBytes, plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { ResizeHandle } from '../ui/ResizeHandle.js';
import { useVirtualRows } from '../ui/useVirtualRows.js';
import { ConflictPrompt } from './ConflictPrompt.js';
import { JobRow, type JobAction } from './JobRow.js';
import { formatEta, formatRate, percent } from './transfer-format.js';
import { UnfinishedJobs, unfinishedQuery } from './UnfinishedJobs.js';
import { openAfter, PANEL_MIN_HEIGHT, type PanelContent } from './panel-state.js';
import { canAskForNotifications, useBatchNotice } from './useBatchNotice.js';
import { usePanelHeight } from './usePanelHeight.js';
import { useTransfers } from './useTransfers.js';
import './transfers.css';

const ROW_HEIGHT = 58;

interface Props {
  workspace: WorkspaceInfo;
}

function summary(totals: TransferTotals | null): string {
  if (totals === null || totals.jobs === 0) return 'None yet: drop files onto a listing in Blobs to upload them.';
  const parts = [
    totals.running > 0 ? `${totals.running} running` : '',
    totals.queued > 0 ? `${totals.queued} queued` : '',
    totals.paused > 0 ? `${totals.paused} paused` : '',
    totals.conflicts > 0 ? `${plural(totals.conflicts, 'name conflict')}` : '',
    totals.failed > 0 ? `${totals.failed} failed` : '',
    `${totals.done} of ${totals.jobs} done`,
    `${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytes)}`,
    totals.running > 0 ? formatRate(totals.rate) : '',
    totals.running > 0 ? formatEta(totals.etaSeconds) : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** Every upload and download of this session, at the bottom of the workspace: progress, conflicts, failures, control. */
export function TransferPanel({ workspace }: Props) {
  const { jobs, totals, error, listed } = useTransfers();
  const [open, setOpen] = useState(false);
  const { notice, dismiss } = useBatchNotice(totals);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualRows({ count: jobs.length, scrollRef, rowHeight: ROW_HEIGHT });
  const conflicts = jobs.filter((j) => j.state === 'conflict').reverse();
  const active = totals !== null && totals.queued + totals.running > 0;

  const leftovers = useQuery(unfinishedQuery).data?.jobs.length ?? 0;
  const { height, max, setHeight } = usePanelHeight();

  // The panel opens for new work and questions, and closes once emptied; between those, the user decides.
  // Null until the first listing, so the jobs it brings count as what was there, not as new work.
  const seen = useRef<PanelContent | null>(null);
  useEffect(() => {
    const before = seen.current;
    const now = { jobs: jobs.length, conflicts: conflicts.length, leftovers };
    if (listed) seen.current = now;
    setOpen((was) => openAfter(was, before, now));
  }, [jobs.length, conflicts.length, leftovers, listed]);

  const act = useMutation({
    mutationFn: (a: { action: Exclude<JobAction, 'retry'>; selector: JobSelector } | { action: 'retry'; jobId: string }) => {
      if (a.action === 'retry') return call('transfer.retry', { jobId: a.jobId });
      if (a.action === 'remove') return call('transfer.clearFinished', a.selector);
      return call(`transfer.${a.action}`, a.selector);
    },
  });
  const finished = totals === null ? 0 : totals.done + totals.failed + totals.cancelled;
  const all: JobSelector = { all: true };
  const resolve = useMutation({
    mutationFn: (r: { jobId: string; choice: ConflictChoice; applyToAll: boolean }) => call('transfer.resolveConflict', r),
  });
  const overall = totals ? percent(totals.bytesDone, totals.bytes, totals.jobs > 0 && totals.done === totals.jobs) : 0;

  return (
    <section className={`transfers${open ? ' transfers--open' : ''}`} aria-label="Transfers" data-testid="transfer-panel">
      {open && <ResizeHandle label="Resize transfers" value={height} min={PANEL_MIN_HEIGHT} max={max} onResize={setHeight} />}
      {/* In the flow above the bar, so it pushes the view up rather than covering a control. */}
      {notice && (
        <div className={`transfer-toast${notice.failed ? ' transfer-toast--failed' : ''}`} role="status" data-testid="transfer-toast">
          <span>{notice.text}</span>
          {canAskForNotifications() && (
            <button type="button" className="button button--quiet button--small" onClick={() => void Notification.requestPermission()}>
              Notify me next time
            </button>
          )}
          <button type="button" className="button button--quiet button--small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      <div className="transfers__bar">
        <button type="button" className="transfers__toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Transfers
        </button>
        <span className="transfers__summary muted" data-testid="transfer-summary">
          {leftovers > 0 && `${plural(leftovers, 'unfinished transfer')} from last time · `}
          {summary(totals)}
        </span>
        {active && <span className="transfer-bar transfer-bar--inline" aria-hidden="true"><span className="transfer-bar__fill" style={{ width: `${overall}%` }} /></span>}
        <span className="transfers__all">
          <button type="button" className="button button--quiet button--small" disabled={!active} onClick={() => act.mutate({ action: 'pause', selector: all })}>
            Pause all
          </button>
          <button type="button" className="button button--quiet button--small" disabled={(totals?.paused ?? 0) === 0} onClick={() => act.mutate({ action: 'resume', selector: all })}>
            Resume all
          </button>
          <button
            type="button"
            className="button button--quiet button--small"
            disabled={totals === null || totals.queued + totals.running + totals.paused + totals.conflicts === 0}
            onClick={() => act.mutate({ action: 'cancel', selector: all })}
          >
            Cancel all
          </button>
          <button
            type="button"
            className="button button--quiet button--small"
            disabled={finished === 0}
            onClick={() => act.mutate({ action: 'remove', selector: all })}
            title="Remove done, failed and cancelled transfers from the list"
          >
            Clear finished
          </button>
        </span>
      </div>
      {open && (
        <div className="transfers__body" style={{ height }} data-testid="transfer-body">
          {error !== null && <ErrorPanel error={error} />}
          {act.isError && <ErrorPanel error={act.error} onDismiss={() => act.reset()} />}
          {resolve.isError && <ErrorPanel error={resolve.error} onDismiss={() => resolve.reset()} />}
          <UnfinishedJobs workspace={workspace} />
          {conflicts.length > 0 && <ConflictPrompt key={conflicts[0].id} conflicts={conflicts} busy={resolve.isPending} onChoose={(jobId, choice, applyToAll) => resolve.mutate({ jobId, choice, applyToAll })} />}
          <div className="transfers__list" ref={scrollRef} data-testid="transfer-list">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => (
                <div
                  key={jobs[item.index].id}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  className="transfers__row"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <JobRow job={jobs[item.index]} onAction={(action, jobId) => act.mutate(action === 'retry' ? { action, jobId } : { action, selector: { jobId } })} />
                </div>
              ))}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
