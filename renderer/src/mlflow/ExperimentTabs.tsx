import type { ExperimentTab } from './location.js';

const TABS: { id: ExperimentTab; label: string }[] = [
  { id: 'runs', label: 'Runs' },
  { id: 'traces', label: 'Traces' },
  { id: 'tokens', label: 'Tokens' },
];

/** Runs / Traces / Tokens of one experiment. */
export function ExperimentTabs({ tab, onTab }: { tab: ExperimentTab; onTab: (tab: ExperimentTab) => void }) {
  return (
    <nav className="section-tabs ml-tabs" role="tablist" aria-label="Experiment views">
      {TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === tab}
          className={`section-tabs__tab${t.id === tab ? ' section-tabs__tab--active' : ''}`}
          onClick={() => onTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
