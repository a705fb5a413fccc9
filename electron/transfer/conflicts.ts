import type { ConflictChoice, ConflictInfo } from '../../shared/schemas/transfer.js';
import type { Job, UploadJob } from './job-state.js';
import type { TransferJournal } from './journal.js';
import { numberedName } from './safe-path.js';

// An upload refused because its blob exists waits in 'conflict' until the user chooses (or a policy
// set for all, or the CLI's --on-conflict, chooses for it): skip it, overwrite the blob seen, or keep
// both under the next free "name (n).ext".

/** What the engine does with a job once its conflict is settled. */
export interface ConflictOutcomes {
  touch(job: Job): void;
  /** Skipped: the job is done without writing. */
  skipped(job: Job): void;
  /** Overwrite or keep both: the job runs again. */
  requeue(job: Job): void;
}

export class ConflictDesk {
  private policy: ConflictChoice | undefined;

  constructor(
    private readonly journal: TransferJournal | undefined,
    private readonly outcomes: ConflictOutcomes,
  ) {}

  /** Without a question: what every conflict gets, until set back to undefined. */
  setPolicy(choice: ConflictChoice | undefined): void {
    this.policy = choice;
  }

  /** Settles one conflict, or with applyToAll every one of `waiting` and those still to come. */
  resolve(job: Job, waiting: Job[], choice: ConflictChoice, applyToAll: boolean): number {
    if (applyToAll) this.policy = choice;
    const targets = applyToAll ? waiting : [job];
    for (const target of targets) this.settle(target, choice);
    return targets.length;
  }

  /** The job's write was refused: it waits for a choice, unless one is already made. */
  raised(job: Job, conflict: ConflictInfo): void {
    Object.assign(job.view, { state: 'conflict', conflict, bytesDone: 0 });
    this.outcomes.touch(job);
    // A "keep both" copy whose numbered name is taken too moves on to the next number without asking.
    const choice = job.view.resolution === 'keepBoth' ? 'keepBoth' : this.policy;
    if (choice) this.settle(job, choice);
  }

  /** The queue ran dry: a policy chosen for all lasts only while conflicts of that batch still wait. */
  idle(conflictsWaiting: boolean): void {
    if (!conflictsWaiting) this.policy = undefined;
  }

  private settle(job: Job, choice: ConflictChoice): void {
    job.view.resolution = choice;
    if (job.kind !== 'upload') return;
    const conflict = job.view.conflict;
    if (choice === 'skip') return this.outcomes.skipped(job);
    if (choice === 'overwrite') job.state.overwriteEtag = conflict?.etag;
    else this.renameForKeepBoth(job);
    job.view.conflict = null;
    this.outcomes.requeue(job);
  }

  /** Keep both: the upload goes to the next "name (n).ext"; a taken one conflicts again and moves on by itself. */
  private renameForKeepBoth(job: UploadJob): void {
    job.copyNumber = (job.copyNumber ?? 0) + 1;
    job.state.blobName = numberedName(job.requestedName, job.copyNumber);
    job.state.overwriteEtag = undefined;
    // Blocks staged under the old name do not carry over to the new one.
    job.state.staged.clear();
    job.state.checkService = false;
    this.journal?.clearStaged(job.view.id);
    this.journal?.retarget(job.view.id, job.state.blobName);
    job.view.target = `${job.view.container}/${job.state.blobName}`;
  }
}
