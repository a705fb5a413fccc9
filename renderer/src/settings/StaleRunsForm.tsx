import { useState, type FormEvent } from 'react';
import { StaleAfterHours, type Settings } from '../../../shared/contract.js';
import { DEFAULT_STALE_AFTER_HOURS } from '../../../shared/stale-runs.js';
import { TextField } from '../ui/TextField.js';

interface Props {
  settings: Settings;
  busy: boolean;
  onSave: (next: Settings) => void;
}

/** After how long without activity an unfinished Metaflow run shows as stale; a workspace may set its own. */
export function StaleRunsForm({ settings, busy, onSave }: Props) {
  const saved = settings.staleAfterHours === undefined ? '' : String(settings.staleAfterHours);
  const [text, setText] = useState(saved);
  const trimmed = text.trim();
  const parsed = trimmed === '' ? undefined : StaleAfterHours.safeParse(Number(trimmed));
  const errors = parsed === undefined || parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (errors.length > 0 || trimmed === saved) return;
    const next: Settings = { ...settings };
    if (parsed?.success) next.staleAfterHours = parsed.data;
    else delete next.staleAfterHours;
    onSave(next);
  };

  return (
    <form className="settings-transfers" onSubmit={submit} aria-labelledby="settings-stale-title" noValidate>
      <h3 id="settings-stale-title" className="settings-transfers__title">
        Metaflow runs
      </h3>
      <TextField
        id="settings-stale-after"
        label="Stale after (hours)"
        optional
        mono={false}
        value={text}
        onChange={setText}
        errors={errors}
        placeholder={String(DEFAULT_STALE_AFTER_HOURS)}
        help="A run that has not finished and whose tasks recorded nothing (no attempt start, no log line) for this long shows as stale, not running. A workspace can set its own."
        testId="settings-stale-after"
      />
      <div className="settings-transfers__actions">
        <button type="submit" className="button button--small" disabled={busy || errors.length > 0 || trimmed === saved} data-testid="settings-stale-apply">
          Apply
        </button>
      </div>
    </form>
  );
}
