import './drop.css';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { takeDropped, type TopEntry } from './dropped-files.js';

interface Props {
  /** Where the drop lands, for the overlay's text. */
  destination: string;
  /** `folder`: the `data-drop-folder` of the innermost element under the drop, if any (a folder in a tree). */
  onDrop: (tops: TopEntry[], folder: string | undefined) => void;
  children: ReactNode;
}

function carriesFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files');
}

function folderUnder(e: DragEvent): string | undefined {
  return e.target instanceof Element ? (e.target.closest('[data-drop-folder]')?.getAttribute('data-drop-folder') ?? undefined) : undefined;
}

/** Files and folders dragged from the desktop onto the listing upload into the prefix it shows (or the folder under them). */
export function DropZone({ destination, onDrop, children }: Props) {
  const [over, setOver] = useState(false);
  const [folder, setFolder] = useState<string>();
  // dragenter/dragleave fire for every child crossed: count them so the overlay does not flicker.
  const depth = useRef(0);

  return (
    <div
      className={`blobs-drop${over ? ' blobs-drop--over' : ''}`}
      data-testid="drop-zone"
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setFolder(folderUnder(e));
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        onDrop(takeDropped(e.dataTransfer), folderUnder(e));
      }}
    >
      {children}
      {over && (
        <div className="blobs-drop__overlay" aria-hidden="true">
          Drop to upload to <span className="mono">{folder === undefined ? destination : `${destination} / ${folder}`}</span>
        </div>
      )}
    </div>
  );
}
