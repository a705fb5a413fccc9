// Where the MLflow section is: the experiments list, or one experiment's tab and what is open in it.
// The route (shared/routing/route.ts) holds it by ids; names are read from the tracking store for display.

export type { ExperimentTab, MlflowPlace as MlflowLocation } from '../../../shared/routing/route.js';
export { EXPERIMENTS } from '../../../shared/routing/route.js';

export interface ExperimentRef {
  id: string;
  name: string;
}
