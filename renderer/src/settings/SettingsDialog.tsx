import './settings.css';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Settings } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { StaleRunsForm } from './StaleRunsForm.js';
import { TransferLimitsForm } from './TransferLimitsForm.js';

const settingsQuery = queryOptions({ queryKey: ['settings'], queryFn: () => call('settings.get', {}) });

/** App settings, applied by main as soon as they change. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const settings = useQuery(settingsQuery);
  // The value being saved shows in the same render as the click (a mutation's own state arrives a
  // render later, and a controlled checkbox would flip back meanwhile); a failed save falls back to what main has.
  const [saving, setSaving] = useState<Settings>();
  const change = useMutation({
    mutationFn: (next: Settings) => call('settings.set', next),
    onSuccess: (saved) => queryClient.setQueryData(settingsQuery.queryKey, saved),
    onSettled: () => setSaving(undefined),
  });
  const save = (next: Settings) => {
    setSaving(next);
    change.mutate(next);
  };
  const shown = saving ?? settings.data;

  useEffect(() => {
    // A modal <dialog> traps focus and closes on Escape natively; StrictMode runs this twice.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);

  return (
    <dialog ref={dialog} className="dialog panel" aria-labelledby="settings-title" onClose={onClose}>
      <h2 id="settings-title" className="dialog__title">
        Settings
      </h2>
      {settings.isPending && <Loading label="Reading settings…" />}
      {settings.isError && <ErrorPanel error={settings.error} onRetry={() => void settings.refetch()} retrying={settings.isFetching} />}
      {shown && (
        <>
          <label className="toggle">
            <input
              type="checkbox"
              checked={shown.debugLogging}
              disabled={saving !== undefined}
              onChange={(e) => save({ ...shown, debugLogging: e.target.checked })}
            />
            <span>
              <span className="toggle__label">Debug logging (Azure SDK)</span>
              <span className="toggle__help">
                Every Azure request and sign-in attempt is logged to the Stratus process’s output. For diagnosing connection
                problems; leave it off otherwise.
              </span>
            </span>
          </label>
          <TransferLimitsForm settings={shown} busy={saving !== undefined} onSave={save} />
          <StaleRunsForm settings={shown} busy={saving !== undefined} onSave={save} />
        </>
      )}
      {change.isError && <ErrorPanel error={change.error} onRetry={() => change.variables && save(change.variables)} />}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
