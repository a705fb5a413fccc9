import type { Env } from '../../azure/blob-client.js';
import { isSecureOrLoopback, originOf } from '../../security/credential-scope.js';

// How a tracking server is authenticated, as MLflow's own client does (mlflow/utils/rest_utils):
// MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD → Basic, else MLFLOW_TRACKING_TOKEN → Bearer,
// else the user info of a URI → Basic. The environment's credentials are for the server
// MLFLOW_TRACKING_URI names: they go to that origin only, over https unless it is this computer, since
// a workspace's tracking URI comes from the renderer.

export interface TrackingAuth {
  /** The Authorization header to send, if any. */
  header?: string;
  /** Values to cut out of what the server answers, should it echo them. */
  secrets: string[];
  /** Why the environment's credentials were not sent to this server, for when it refuses the request. */
  withheld?: string;
}

interface Credential {
  header: string;
  secrets: string[];
}

function basic(user: string, password: string): Credential {
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  return { header: `Basic ${encoded}`, secrets: [password, encoded] };
}

function userInfo(uri: string | undefined): Credential | undefined {
  if (!uri) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.username === '' ? undefined : basic(decodeURIComponent(url.username), decodeURIComponent(url.password));
}

/** The environment's credential and the variables it comes from. */
function environmentCredential(env: Env): (Credential & { from: string }) | undefined {
  const user = env.MLFLOW_TRACKING_USERNAME;
  const password = env.MLFLOW_TRACKING_PASSWORD;
  if (user && password) return { ...basic(user, password), from: 'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are' };
  const token = env.MLFLOW_TRACKING_TOKEN;
  if (token) return { header: `Bearer ${token}`, secrets: [token], from: 'MLFLOW_TRACKING_TOKEN is' };
  const inline = userInfo(env.MLFLOW_TRACKING_URI);
  return inline && { ...inline, from: 'The user and password in MLFLOW_TRACKING_URI are' };
}

function refusal(uri: string, env: Env, from: string): string | undefined {
  const configured = env.MLFLOW_TRACKING_URI ? originOf(env.MLFLOW_TRACKING_URI) : undefined;
  if (configured === undefined) return `${from} sent only to the server MLFLOW_TRACKING_URI names, and it names none.`;
  if (configured !== originOf(uri)) return `${from} sent only to MLFLOW_TRACKING_URI's server, ${configured}, not to ${originOf(uri) ?? uri}.`;
  if (!isSecureOrLoopback(uri)) return `${from} sent only over https (or to this computer), and ${configured} is not https.`;
  return undefined;
}

export function trackingAuth(uri: string, env: Env): TrackingAuth {
  const fromEnv = environmentCredential(env);
  const withheld = fromEnv && refusal(uri, env, fromEnv.from);
  if (fromEnv && withheld === undefined) return { header: fromEnv.header, secrets: fromEnv.secrets };
  const inline = userInfo(uri);
  return { header: inline?.header, secrets: inline?.secrets ?? [], withheld };
}
