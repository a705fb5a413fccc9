import { useEffect, useRef, useState } from 'react';
import { formatLink } from '../../../shared/routing/link.js';
import { getApi } from '../api/client.js';
import { currentRoute } from './history.js';

/** In the desktop app a `stratus://` link the OS hands back to it; in browser mode this page's own URL. */
function linkHere(): string {
  return getApi().host.kind === 'electron' ? formatLink(currentRoute()) : window.location.href;
}

/**
 * Copies the link to the view on screen. Where the clipboard is refused (no permission), the link is
 * shown selected instead, for Ctrl+C.
 */
export function CopyLinkButton() {
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; link: string }>({ kind: 'idle' });
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (state.kind === 'manual') field.current?.select();
    if (state.kind !== 'copied') return;
    const timer = setTimeout(() => setState({ kind: 'idle' }), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    const link = linkHere();
    navigator.clipboard.writeText(link).then(
      () => setState({ kind: 'copied' }),
      () => setState({ kind: 'manual', link }),
    );
  };

  return (
    <span className="copy-link">
      <button type="button" className="button" onClick={copy} title="Copy a link that opens this view" data-testid="copy-link">
        {state.kind === 'copied' ? 'Link copied' : 'Copy link'}
      </button>
      {state.kind === 'manual' && (
        <span className="copy-link__manual" role="dialog" aria-label="Link to this view">
          <input ref={field} className="input mono" readOnly value={state.link} aria-label="Link to this view" data-testid="copy-link-text" />
          <button type="button" className="button button--quiet" onClick={() => setState({ kind: 'idle' })}>
            Close
          </button>
        </span>
      )}
    </span>
  );
}
