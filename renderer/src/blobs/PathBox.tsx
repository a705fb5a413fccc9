import { useState } from 'react';
import { parseBlobPath } from '../../../shared/blob-path.js';

interface Props {
  container: string;
  prefix: string;
  onOpen: (container: string, prefix: string) => void;
}

/** The current place as `container/prefix`, editable: type a path and press Enter to go there. */
export function PathBox({ container, prefix, onOpen }: Props) {
  const current = `${container}/${prefix}`;
  const [typed, setTyped] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const value = typed ?? current;
  return (
    <form
      className="blobs-path"
      aria-label="Go to path"
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseBlobPath(value);
        if (!parsed.ok) {
          setProblem(parsed.message);
          return;
        }
        setProblem(null);
        setTyped(null);
        onOpen(parsed.container, parsed.prefix);
      }}
    >
      <input
        className="input input--mono blobs-path__input"
        aria-label="Path (container/folder)"
        value={value}
        onChange={(e) => {
          setTyped(e.target.value);
          setProblem(null);
        }}
        onBlur={() => {
          if (problem === null) setTyped(null);
        }}
        spellCheck={false}
        aria-invalid={problem !== null}
        aria-describedby={problem ? 'blobs-path-problem' : undefined}
        data-testid="blob-path"
      />
      {problem && (
        <p id="blobs-path-problem" className="blobs-path__problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
