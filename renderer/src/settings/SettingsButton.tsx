import { useState } from 'react';
import { SettingsDialog } from './SettingsDialog.js';

/** Opens the settings dialog; the dialog is only mounted (and settings only read) while open. */
export function SettingsButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button--quiet" onClick={() => setOpen(true)}>
        Settings
      </button>
      {open && <SettingsDialog onClose={() => setOpen(false)} />}
    </>
  );
}
