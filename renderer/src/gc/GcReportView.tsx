import type { GcReport } from '../../../shared/schemas/gc.js';
import { softDeleteText } from '../../../shared/soft-delete.js';
import { formatBytes, formatCount } from '../format.js';

/** What an execution did: deleted, already gone, skipped (changed or referenced again), failed. */
export function GcReportView({ report }: { report: GcReport }) {
  return (
    <section className="gc-report" data-testid="gc-report">
      <p>
        Deleted <strong data-testid="gc-deleted">{formatCount(report.deleted)}</strong> ({formatBytes(report.deletedBytes)}); already gone{' '}
        {formatCount(report.gone)}; changed since the plan {formatCount(report.changed)}; referenced again {formatCount(report.reachable)}; failed{' '}
        {formatCount(report.failed)}.
      </p>
      {report.target === 'mlflow' && (
        <p>
          Runs removed {formatCount(report.runsRemoved)}, experiments removed {formatCount(report.experimentsRemoved)}.
        </p>
      )}
      {report.softDelete && (
        <p className="gc-note" data-testid="gc-soft-delete" data-state={report.softDelete.state}>
          {softDeleteText(report.softDelete)}
        </p>
      )}
      {report.notes.map((note) => (
        <p key={note} className="gc-note">
          {note}
        </p>
      ))}
      {report.problems.length > 0 && (
        <ul className="gc-problems">
          {report.problems.map((p) => (
            <li key={p.name}>
              <code>{p.name}</code>: {p.detail}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
