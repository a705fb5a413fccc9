import type { CardRef } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { ObjectStore } from '../storage/object-store.js';

// Metaflow cards (LAYOUT.md §5): raw HTML files under the card root, outside the datastore, in
//   <root><Flow>/runs/<run>/steps/<step>/tasks/<task>/cards/<type>[-<id>]-<hash>.html
// or, as older Metaflow wrote them, without `steps/<step>/`. Both are listed one level deep, so a
// task's `runtime/` data files and other tasks' cards are never read.

export interface CardTask {
  flow: string;
  run: string;
  step: string;
  task: string;
}

/** Cards larger than this are refused rather than held in memory (real ones are about 1 MB). */
export const MAX_CARD_BYTES = 64 * 1024 * 1024;

const SEGMENT = /^[A-Za-z0-9_]+$/;
const HASH = /^[0-9a-fA-F]+$/;
const SUFFIX = '.html';

/**
 * Parses `<type>-<hash>.html` / `<type>-<id>-<hash>.html` as Metaflow's card_info_from_path does (split
 * on '-', two or three parts). The hash is a uuid4 hex now, a content hash in older versions.
 */
export function parseCardFileName(file: string): CardRef | undefined {
  if (!file.endsWith(SUFFIX)) return undefined;
  const parts = file.slice(0, -SUFFIX.length).split('-');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => SEGMENT.test(p)) || !HASH.test(parts[parts.length - 1])) return undefined;
  return { file, type: parts[0], id: parts.length === 3 ? parts[1] : null };
}

/** The task's card folders, the current layout first. `root` is the card root's blob prefix: '' or ending in '/'. */
function cardFolders(root: string, { flow, run, step, task }: CardTask): string[] {
  return [`${root}${flow}/runs/${run}/steps/${step}/tasks/${task}/cards/`, `${root}${flow}/runs/${run}/tasks/${task}/cards/`];
}

interface FoundCard {
  ref: CardRef;
  blob: string;
  size: number;
}

async function findCards(store: ObjectStore, root: string, path: CardTask): Promise<Map<string, FoundCard>> {
  const folders = cardFolders(root, path);
  const listings = await Promise.all(folders.map((folder) => store.listHierarchy(folder)));
  const found = new Map<string, FoundCard>();
  listings.forEach((listing, i) => {
    for (const object of listing.objects) {
      const ref = parseCardFileName(object.name.slice(folders[i].length));
      // A card in both layouts is shown once, from the current one.
      if (ref !== undefined && !found.has(ref.file)) found.set(ref.file, { ref, blob: object.name, size: object.size });
    }
  });
  return found;
}

/** A task's cards, by file name. Two listings (one per layout) and no reads. */
export async function listCards(store: ObjectStore, cardRoot: string, path: CardTask): Promise<CardRef[]> {
  const found = await findCards(store, cardRoot, path);
  return [...found.values()].map((c) => c.ref).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The HTML of one card of the task. Only a name the task's listing holds is read, so no name can reach another blob. */
export async function readCard(store: ObjectStore, cardRoot: string, path: CardTask, file: string): Promise<string> {
  if (file.includes('/') || parseCardFileName(file) === undefined) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `"${file}" is not a Metaflow card file name (<type>[-<id>]-<hash>.html).` });
  }
  const card = (await findCards(store, cardRoot, path)).get(file);
  if (card === undefined) {
    throw new StratusError({
      code: 'NOT_FOUND',
      message: `Task ${path.flow}/${path.run}/${path.step}/${path.task} has no card ${file}.`,
    });
  }
  if (card.size > MAX_CARD_BYTES) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `The card ${file} is ${(card.size / 2 ** 20).toFixed(0)} MiB; the app shows cards up to ${MAX_CARD_BYTES / 2 ** 20} MiB.`,
    });
  }
  return (await store.read(card.blob)).toString('utf8');
}
