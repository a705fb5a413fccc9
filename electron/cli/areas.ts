import { blobsCli, BLOBS_USAGE } from './blobs-cli.js';
import { metaflowCli, METAFLOW_USAGE } from './metaflow-cli.js';
import { gcCli, GC_USAGE } from './gc-cli.js';
import { mlflowCli, MLFLOW_USAGE } from './mlflow-cli.js';
import { downloadCli, DOWNLOAD_USAGE, uploadCli, UPLOAD_USAGE } from './transfer-cli.js';
import { usageCli, USAGE_USAGE } from './usage-cli.js';

/** One entry per `stratus <area> …`: its command line (after the area) and its usage text. */
export interface CliArea {
  run(argv: string[]): Promise<void>;
  usage: string;
}

export const AREAS: Record<string, CliArea> = {
  metaflow: { run: metaflowCli, usage: METAFLOW_USAGE },
  gc: { run: gcCli, usage: GC_USAGE },
  mlflow: { run: mlflowCli, usage: MLFLOW_USAGE },
  upload: { run: uploadCli, usage: UPLOAD_USAGE },
  download: { run: downloadCli, usage: DOWNLOAD_USAGE },
  blobs: { run: blobsCli, usage: BLOBS_USAGE },
  usage: { run: usageCli, usage: USAGE_USAGE },
};
