import { AppHeader } from '../ui/AppHeader.js';

/** An address that names no view (a mistyped or truncated link): say so, and offer the way back. */
export function NotFound({ address, onWorkspaces }: { address: string; onWorkspaces: () => void }) {
  return (
    <div className="browser">
      <AppHeader />
      <main className="listing" data-testid="route-not-found">
        <h2>Nothing at this address</h2>
        <p>
          Stratus has no view at <code className="mono">{address}</code>. The link may be mistyped, cut short, or from another version.
        </p>
        <button type="button" className="button button--primary" onClick={onWorkspaces}>
          Go to the workspaces
        </button>
      </main>
    </div>
  );
}
