import { useRef } from 'react';
import type { TopEntry } from './dropped-files.js';

interface Props {
  /** Where the files go, for the button's accessible name. */
  destination: string;
  onFiles: (tops: TopEntry[]) => void;
  disabled?: boolean;
}

/** Files chosen in the system's file picker, uploaded like dropped ones: the keyboard's way to upload. */
export function UploadButton({ destination, onFiles, disabled = false }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="button" onClick={() => input.current?.click()} disabled={disabled} title={`Upload files to ${destination}`} data-testid="upload-files">
        Upload files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        tabIndex={-1}
        aria-hidden="true"
        data-testid="upload-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared so choosing the same file again fires another change.
          e.target.value = '';
          if (files.length > 0) onFiles(files.map((file) => ({ entry: null, file })));
        }}
      />
    </>
  );
}
