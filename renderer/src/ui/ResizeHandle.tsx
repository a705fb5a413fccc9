import './resize-handle.css';
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { resizeStep } from './resize-step.js';

interface Props {
  /** What it resizes, for screen readers ("Resize transfers"). */
  label: string;
  value: number;
  min: number;
  max: number;
  onResize: (value: number) => void;
}

/** A horizontal bar above a pane: drag it, or focus it and use the arrow keys, to make the pane taller or shorter. */
export function ResizeHandle({ label, value, min, max, onResize }: Props) {
  const drag = useRef<{ startY: number; startValue: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startY: e.clientY, startValue: value };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) onResize(Math.min(max, Math.max(min, drag.current.startValue + drag.current.startY - e.clientY)));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = resizeStep(e.key, value, min, max);
    if (next === null) return;
    e.preventDefault();
    onResize(next);
  };
  return (
    <div
      className="resize-handle"
      role="separator"
      aria-orientation="horizontal"
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={onKeyDown}
    />
  );
}
