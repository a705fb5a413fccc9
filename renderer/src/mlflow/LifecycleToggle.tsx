import type { LifecycleView } from '../../../shared/schemas/mlflow.js';

const VIEWS: { view: LifecycleView; label: string }[] = [
  { view: 'active', label: 'Active' },
  { view: 'deleted', label: 'Deleted' },
  { view: 'all', label: 'All' },
];

/** Active / deleted / all, as MLflow's view_type: a segmented radio group. */
export function LifecycleToggle({ value, onChange, label }: { value: LifecycleView; onChange: (v: LifecycleView) => void; label: string }) {
  return (
    <div className="ml-segmented" role="radiogroup" aria-label={label}>
      {VIEWS.map(({ view, label: text }) => (
        <button
          key={view}
          type="button"
          role="radio"
          aria-checked={value === view}
          className={`ml-segmented__item${value === view ? ' ml-segmented__item--on' : ''}`}
          onClick={() => onChange(view)}
        >
          {text}
        </button>
      ))}
    </div>
  );
}
