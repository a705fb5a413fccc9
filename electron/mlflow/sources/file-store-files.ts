import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

// Reading an MLflow file store's folders: sub-folder names, key files (params/, tags/,
// request_metadata/: one file per key) and numbers as MLflow writes them in meta.yaml.

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** The sub-folders' names, sorted; none when the folder is missing. */
export async function dirs(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Every file under `folder` as key (path with '/') → content; MLflow nests keys containing '/'. */
export async function keyFiles(folder: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const key = `${prefix}${entry.name}`;
    if (entry.isDirectory()) Object.assign(out, await keyFiles(path.join(folder, entry.name), `${key}/`));
    else if (entry.isFile()) out[key] = await readFile(path.join(folder, entry.name), 'utf8');
  }
  return out;
}

export function num(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
