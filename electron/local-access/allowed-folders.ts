import path from 'node:path';
import type { Env } from '../azure/blob-client.js';
import { LocalGrants } from './local-grants.js';

// Browser mode has no dialog in main to choose a folder with, and a choice made in the page could be
// faked by the page: the folders it may use are those its host was started with, from the user's shell.

export const ALLOWED_FOLDERS_VARIABLE = 'STRATUS_ALLOWED_FOLDERS';

export const BROWSER_MODE_HINT =
  `Browser mode reads and writes only inside the folders its host was started with: ` +
  `set ${ALLOWED_FOLDERS_VARIABLE}=<folder>${path.delimiter}<folder>… before \`npm run web\`.`;

/** The folders named in STRATUS_ALLOWED_FOLDERS, granted; those that could not be (missing, a whole drive) with why. */
export async function browserModeGrants(env: Env): Promise<{ grants: LocalGrants; refused: string[] }> {
  const grants = new LocalGrants(BROWSER_MODE_HINT);
  const refused: string[] = [];
  const listed = (env[ALLOWED_FOLDERS_VARIABLE] ?? '').split(path.delimiter).filter((folder) => folder.trim() !== '');
  for (const folder of listed) {
    await grants.grant(folder).catch((err: unknown) => refused.push(err instanceof Error ? err.message : String(err)));
  }
  return { grants, refused };
}
