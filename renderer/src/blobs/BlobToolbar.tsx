import { useState } from 'react';
import type { TopEntry } from '../transfers/dropped-files.js';
import { UploadButton } from '../transfers/UploadButton.js';
import { PathBox } from './PathBox.js';
import { PrefixBreadcrumb } from './PrefixBreadcrumb.js';

/** The form open below the toolbar. */
export type Panel = 'download' | 'delete' | 'tier' | 'newFolder' | null;

interface Props {
  container: string;
  prefix: string;
  containers: string[];
  selectedCount: number;
  /** Browser mode: "Download" is the browser's, and saving on the host is offered beside it. */
  inBrowser: boolean;
  downloading: boolean;
  refreshing: boolean;
  onNavigate: (container: string, prefix: string) => void;
  onUpload: (tops: TopEntry[]) => void;
  onPanel: (panel: Panel) => void;
  onBrowserDownload: () => void;
  /** '' clears the search. */
  onSearch: (query: string) => void;
  onRefresh: () => void;
}

function SearchBox({ prefix, onSearch }: { prefix: string; onSearch: (query: string) => void }) {
  const [text, setText] = useState('');
  return (
    <form
      className="blobs-search"
      role="search"
      aria-label="Find blobs by name"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(text.trim());
      }}
    >
      <input
        type="search"
        className="input blobs-search__input"
        aria-label={`Find names below ${prefix === '' ? 'the container' : prefix}`}
        placeholder="Find by name…"
        value={text}
        maxLength={256}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') onSearch('');
        }}
        data-testid="blob-search"
      />
    </form>
  );
}

/** Where the browser is (container, breadcrumb, typed path) and what can be done there. */
export function BlobToolbar(props: Props) {
  const { container, prefix, containers, selectedCount, inBrowser, downloading, refreshing, onNavigate, onPanel } = props;
  const none = selectedCount === 0;
  return (
    <div className="blobs-toolbars">
      <div className="browser__toolbar blobs-toolbar">
        <label className="blobs-container">
          <span className="blobs-container__label">Container</span>
          <select className="input blobs-container__select" value={container} onChange={(e) => onNavigate(e.target.value, '')} data-testid="container-picker">
            {containers.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <PrefixBreadcrumb container={container} prefix={prefix} onNavigate={(p) => onNavigate(container, p)} />
        <span className="app-header__spacer" />
        <SearchBox key={`${container}/${prefix}`} prefix={prefix} onSearch={props.onSearch} />
      </div>
      <div className="browser__toolbar blobs-toolbar blobs-toolbar--actions">
        <PathBox key={`${container}/${prefix}`} container={container} prefix={prefix} onOpen={onNavigate} />
        <span className="app-header__spacer" />
        <UploadButton destination={`${container}/${prefix}`} onFiles={props.onUpload} />
        <button type="button" className="button" onClick={() => onPanel('newFolder')} data-testid="new-folder">
          New folder…
        </button>
        {inBrowser && (
          <button type="button" className="button" disabled={none || downloading} onClick={props.onBrowserDownload} data-testid="browser-download">
            {downloading ? 'Starting…' : 'Download'}
          </button>
        )}
        <button type="button" className="button" disabled={none} onClick={() => onPanel('download')} data-testid="download-selected">
          {inBrowser ? 'Save on host…' : 'Download…'}
        </button>
        <button type="button" className="button" disabled={none} onClick={() => onPanel('tier')} data-testid="tier-selected">
          Change tier…
        </button>
        <button type="button" className="button button--danger" disabled={none} onClick={() => onPanel('delete')} data-testid="delete-selected">
          Delete…
        </button>
        <button type="button" className="button button--quiet" onClick={props.onRefresh} disabled={refreshing}>
          Refresh
        </button>
      </div>
    </div>
  );
}
