import './sysroot.css';
import type { SysrootFinding } from '../../../shared/contract.js';

interface Props {
  finding: SysrootFinding;
  /** Reopens on a suggested sysroot (or folder); one button per suggestion. */
  onUse: (suggestion: string) => void;
  /** Goes on with the sysroot as it is (the form's choice; the open workspace has no need of it). */
  onKeep?: () => void;
  busy: boolean;
}

/** Whether a checked sysroot needs the user's attention: its children are not flows, or hold no data. */
export function needsAttention(finding: SysrootFinding | undefined): finding is SysrootFinding & { message: string } {
  return finding?.message !== null && finding?.message !== undefined && (finding.verdict !== 'empty' || finding.suggestions.length > 0);
}

/** What the sysroot check found, and the sysroots that do hold flows, each one click away. */
export function SysrootWarning({ finding, onUse, onKeep, busy }: Props) {
  return (
    <section className="sysroot-warning" role="alert" data-testid="sysroot-warning" aria-label="Sysroot check">
      <p className="sysroot-warning__message">{finding.message}</p>
      <div className="sysroot-warning__actions">
        {finding.suggestions.map((suggestion) => (
          <button key={suggestion} type="button" className="button button--primary" disabled={busy} onClick={() => onUse(suggestion)}>
            Use <span className="mono">{suggestion}</span>
          </button>
        ))}
        {onKeep && (
          <button type="button" className="button" disabled={busy} onClick={onKeep}>
            Open as it is
          </button>
        )}
      </div>
    </section>
  );
}
