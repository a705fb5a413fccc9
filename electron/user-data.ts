import { homedir } from 'node:os';
import path from 'node:path';
import type { Env } from './azure/blob-client.js';

/**
 * Where Stratus keeps workspaces, settings and its local index outside Electron (browser mode, CLI):
 * the folder Electron's app.getPath('userData') would give, or STRATUS_USER_DATA.
 */
export function defaultUserDataDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.STRATUS_USER_DATA) return env.STRATUS_USER_DATA;
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'Stratus');
  if (platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'Stratus');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(homedir(), '.config'), 'Stratus');
}
