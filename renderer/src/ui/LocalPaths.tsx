import { useMutation, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { call, getApi } from '../api/client.js';

// Main honours only local paths the user chose there: in the desktop app through an open dialog
// main shows (`local.choose`), in browser mode inside the folders the host was started with.

interface ChooseProps {
  kind: 'folder' | 'file';
  /** The chosen path, already granted in main. */
  onChosen: (path: string) => void;
  testId?: string;
}

/** The desktop app's "Choose…" button; a browser tab's host has no dialog, so there it is absent. */
export function ChooseLocalButton({ kind, onChosen, testId }: ChooseProps) {
  const choose = useMutation({
    mutationFn: () => call('local.choose', { kind }),
    onSuccess: ({ path }) => {
      if (path !== null) onChosen(path);
    },
  });
  if (getApi().host.kind !== 'electron') return null;
  return (
    <button type="button" className="button button--quiet" onClick={() => choose.mutate()} disabled={choose.isPending} data-testid={testId}>
      Choose {kind}…
    </button>
  );
}

/** A local path field's help: what it is, then where the host lets it be. */
export function LocalPathHelp({ children }: { children: ReactNode }) {
  const granted = useQuery({ queryKey: ['local.granted'], queryFn: () => call('local.granted', {}) });
  const desktop = getApi().host.kind === 'electron';
  const paths = granted.data?.paths ?? [];
  let where: ReactNode = null;
  if (desktop) where = ' Choose it, or type a path inside one chosen before.';
  else if (granted.isSuccess && paths.length === 0) where = <> This host may use no local folder: start it with <code>STRATUS_ALLOWED_FOLDERS</code>.</>;
  else if (paths.length > 0) where = <> This host may use only {paths.map((p, i) => <span key={p}>{i > 0 && ', '}<code>{p}</code></span>)} and what is inside.</>;
  return (
    <>
      {children}
      {where}
    </>
  );
}
