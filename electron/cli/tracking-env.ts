import type { Env } from '../azure/blob-client.js';

/**
 * The environment for a tracking URI given on the command line. The user configured it there, as
 * with MLFLOW_TRACKING_URI, so the environment's MLflow credentials go to that server (and only there).
 */
export function envForTrackingUri(uri: string | undefined, env: Env = process.env): Env {
  return uri === undefined ? env : { ...env, MLFLOW_TRACKING_URI: uri };
}
