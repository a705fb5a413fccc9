import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { StratusError } from '../../shared/errors.js';

// The local files and folders the renderer may name: only those the user chose in main (an
// Electron open dialog, a file dropped onto the window, a folder browser mode was started with).
// The renderer sends paths; main honours one only when a grant covers it, so a compromised
// renderer cannot reach /etc/hostname or write into ~/.ssh. A folder's grant covers what is inside it.

export interface LocalAccess {
  /** Resolves when a grant covers `target`; FORBIDDEN otherwise. `what` names it in the error ("the download folder"). */
  allow(target: string, what: string): Promise<void>;
  /** Records a path the user chose in main; returns its real path. */
  grant(chosen: string): Promise<string>;
  /** What is granted, for the UI to offer. */
  list(): string[];
}

/** The CLI: the user's own process, reading and writing what they name on its command line. */
export const ANY_LOCAL_PATH: LocalAccess = {
  allow: () => Promise.resolve(),
  grant: (chosen) => Promise.resolve(path.resolve(chosen)),
  list: () => [],
};

/** The real path of `target`, or for one not made yet (a download folder) its nearest existing parent's, plus the rest. */
async function realTarget(target: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing);
    } catch (err) {
      const parent = path.dirname(current);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw err;
      missing.unshift(path.basename(current));
      current = parent;
    }
  }
}

function inside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

export class LocalGrants implements LocalAccess {
  /** Real paths, resolved when granted: a granted folder later swapped for a symlink grants nothing new. */
  private readonly roots = new Set<string>();

  /** @param hint how the user grants a path in this front end, shown with every refusal. */
  constructor(private readonly hint: string) {}

  /** A whole drive is never granted. */
  async grant(chosen: string): Promise<string> {
    const real = await realpath(path.resolve(chosen)).catch(() => {
      throw new StratusError({ code: 'NOT_FOUND', message: `${chosen} does not exist.` });
    });
    if (path.parse(real).root === real) {
      throw new StratusError({ code: 'FORBIDDEN', message: `Stratus does not take a whole drive (${real}); choose a folder inside it.` });
    }
    this.roots.add(real);
    return real;
  }

  list(): string[] {
    return [...this.roots];
  }

  async allow(target: string, what: string): Promise<void> {
    const real = await realTarget(target).catch(() => undefined);
    if (real !== undefined && [...this.roots].some((root) => inside(root, real))) return;
    throw new StratusError({
      code: 'FORBIDDEN',
      message: `Stratus uses only files and folders you chose: ${what} ${target} is not one of them, nor inside one.`,
      hint: this.hint,
    });
  }
}
