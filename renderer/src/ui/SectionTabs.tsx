import './section-tabs.css';
interface Props<T extends string> {
  tabs: readonly { id: T; label: string }[];
  current: T;
  onTab: (id: T) => void;
  label: string;
  className?: string;
}

/** A row of tabs that switch what is shown below them (workspace sections, experiment views). */
export function SectionTabs<T extends string>({ tabs, current, onTab, label, className }: Props<T>) {
  return (
    <nav className={`section-tabs${className ? ` ${className}` : ''}`} role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === current}
          className={`section-tabs__tab${t.id === current ? ' section-tabs__tab--active' : ''}`}
          onClick={() => onTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
