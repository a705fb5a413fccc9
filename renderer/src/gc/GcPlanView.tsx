import { softDeleteText } from '../../../shared/soft-delete.js';
import { useRef } from 'react';
import type { GcPlan } from '../../../shared/schemas/gc.js';
import { formatBytes, formatCount, formatTime } from '../format.js';
import { useVirtualRows } from '../ui/useVirtualRows.js';
import { displayName } from '../../../shared/display-name.js';

const ROW_HEIGHT = 30;

/** A plan: bytes and counts per flow or experiment, then a sample of the candidates with why each may go. */
export function GcPlanView({ plan }: { plan: GcPlan }) {
  const metaflow = plan.target === 'metaflow';
  return (
    <section className="gc-plan" data-testid="gc-plan">
      <p className="gc-plan__total" data-testid="gc-plan-total">
        {formatCount(plan.candidates)} object(s), {formatBytes(plan.candidateBytes)} may be deleted
        {metaflow && <span className="muted"> · {formatCount(plan.requests)} store requests to plan</span>}
      </p>
      <p className="gc-note" data-testid="gc-soft-delete" data-state={plan.softDelete.state}>
        {softDeleteText(plan.softDelete)}
      </p>
      {plan.notes.map((note) => (
        <p key={note} className="gc-note" role="note">
          {note}
        </p>
      ))}
      <table className="gc-table" data-testid="gc-groups">
        <thead>
          <tr>
            <th>{metaflow ? 'Flow' : 'Experiment'}</th>
            {metaflow ? <th className="num">CAS blobs</th> : <th className="num">Deleted runs</th>}
            <th className="num">Candidates</th>
            <th className="num">Bytes to free</th>
            {metaflow ? <th className="num">Too recent (kept)</th> : <th>Experiment</th>}
          </tr>
        </thead>
        <tbody>
          {plan.groups.map((g) => (
            <tr key={g.name} data-testid="gc-group">
              <td>
                {g.name}
                {g.blocked && <div className="gc-blocked">{g.blocked}</div>}
              </td>
              {metaflow ? <td className="num" title={formatBytes(g.bytes)}>{formatCount(g.objects)}</td> : <td className="num">{formatCount(g.runs)}</td>}
              <td className="num">{formatCount(g.candidates)}</td>
              <td className="num">{formatBytes(g.candidateBytes)}</td>
              {metaflow ? <td className="num">{formatCount(g.recent)}</td> : <td>{g.experimentRemoved ? 'removed' : 'kept'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {plan.sample.length > 0 && <CandidateList plan={plan} />}
    </section>
  );
}

function CandidateList({ plan }: { plan: GcPlan }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualRows({ count: plan.sample.length, scrollRef, rowHeight: ROW_HEIGHT });
  return (
    <>
      <h4 className="gc-heading">
        Candidates {plan.sample.length < plan.candidates && <span className="muted">(first {formatCount(plan.sample.length)})</span>}
      </h4>
      <div className="gc-candidates" ref={scrollRef} data-testid="gc-candidates">
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((item) => {
            const c = plan.sample[item.index];
            return (
              <div key={c.name} className="gc-candidate" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }} title={`etag ${c.etag}`}>
                <span className="gc-candidate__name">{displayName(c.name)}</span>
                <span className="num">{formatBytes(c.size)}</span>
                <span>{formatTime(c.lastModified)}</span>
                <span className="muted gc-candidate__reason">{c.reason}</span>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
