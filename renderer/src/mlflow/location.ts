// Where the MLflow section is: the experiments list, or one experiment's tab and what is open in it.

export type ExperimentTab = 'runs' | 'traces' | 'tokens';

export interface ExperimentRef {
  id: string;
  name: string;
}

export type MlflowLocation =
  | { kind: 'experiments' }
  | { kind: 'experiment'; experiment: ExperimentRef; tab: ExperimentTab }
  | { kind: 'run'; experiment: ExperimentRef; runId: string; runName: string }
  | { kind: 'compare'; experiment: ExperimentRef; runIds: string[] }
  | { kind: 'trace'; experiment: ExperimentRef; traceId: string; from: ExperimentTab };

export const EXPERIMENTS: MlflowLocation = { kind: 'experiments' };
