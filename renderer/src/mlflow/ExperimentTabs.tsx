import { SectionTabs } from '../ui/SectionTabs.js';
import type { ExperimentTab } from './location.js';

const TABS: { id: ExperimentTab; label: string }[] = [
  { id: 'runs', label: 'Runs' },
  { id: 'traces', label: 'Traces' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'prompts', label: 'Prompts' },
];

/** Runs / Traces / Tokens / Prompts of one experiment. */
export function ExperimentTabs({ tab, onTab }: { tab: ExperimentTab; onTab: (tab: ExperimentTab) => void }) {
  return <SectionTabs tabs={TABS} current={tab} onTab={onTab} label="Experiment views" className="ml-tabs" />;
}
