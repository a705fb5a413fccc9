import type { TaskDetail } from '../../../../shared/contract.js';
import { ArtifactTable } from '../browse/ArtifactTable.js';
import { plural } from '../../format.js';
import type { TaskRef } from '../queries.js';
import { ArtifactPreview } from './ArtifactPreview.js';

/** The artifact where a failed task keeps its exception (LAYOUT.md §3). */
const EXCEPTION = '_exception';

interface Props {
  task: TaskRef;
  detail: TaskDetail;
  /** The artifact picked (kept in the route). */
  picked: string | undefined;
  onPick: (name: string) => void;
}

/** The attempt's artifacts beside the preview of the one picked. */
export function ArtifactsPane({ task, detail, picked, onPick }: Props) {
  // A failed attempt opens on its exception, unless an artifact was picked.
  const failed = detail.task.attempts.find((a) => a.attempt === detail.attempt)?.status === 'failed';
  const selected = picked ?? (failed && detail.artifacts.some((a) => a.name === EXCEPTION) ? EXCEPTION : undefined);
  const artifact = detail.artifacts.find((a) => a.name === selected);
  return (
    <div className="artifacts-pane">
      <div className="artifacts-pane__list">
        <div className="listing__summary">
          <span>{plural(detail.artifacts.length, 'artifact')}</span>
          <span className="badge" data-testid="attempt">
            attempt {detail.attempt}
          </span>
        </div>
        {detail.artifactProblem !== null && (
          <div className="note artifacts-pane__problem" role="alert" data-testid="artifact-problem">
            {detail.artifactProblem}
          </div>
        )}
        {(detail.artifactProblem === null || detail.artifacts.length > 0) && (
          <ArtifactTable entries={detail.artifacts} selected={selected} onSelect={onPick} task={task} />
        )}
      </div>
      <div className="artifacts-pane__preview">
        {artifact ? (
          // Keyed so a newly picked artifact starts as a preview again, not "load all".
          <ArtifactPreview key={`${task.attempt}:${artifact.name}`} task={task} artifact={artifact} />
        ) : (
          <p className="empty">Pick an artifact to see its value.</p>
        )}
      </div>
    </div>
  );
}
