import { metaflowCli, METAFLOW_USAGE } from './metaflow-cli.js';

/** One entry per `stratus <area> …`: its command line (after the area) and its usage text. */
export interface CliArea {
  run(argv: string[]): Promise<void>;
  usage: string;
}

export const AREAS: Record<string, CliArea> = {
  metaflow: { run: metaflowCli, usage: METAFLOW_USAGE },
};
