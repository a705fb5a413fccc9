// What was dropped. Electron sends main the top-level paths (main walks dropped folders); a browser
// tab walks folders here, giving each file its name relative to the drop: a dropped folder `photos`
// gives `photos/2024/a.jpg`, so the upload keeps the folder structure under the current prefix.
// Directory entries (webkitGetAsEntry) must be taken while the drop event runs; walking them
// can continue afterwards.

export interface DroppedFileItem {
  file: File;
  /** '/'-separated, starting with the dropped file's or folder's own name. */
  relativeName: string;
}

/** One dropped file or folder. */
export interface TopEntry {
  entry: FileSystemEntry | null;
  /** For a folder, a File standing for it (Electron gives its path). */
  file: File;
}

/** Call synchronously inside the drop handler. */
export function takeDropped(data: DataTransfer): TopEntry[] {
  const tops: TopEntry[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const file = item.getAsFile();
    if (file !== null) tops.push({ entry: item.webkitGetAsEntry(), file });
  }
  return tops;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every child of a directory: readEntries answers in batches until it answers none. */
async function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function isFile(entry: FileSystemEntry): entry is FileSystemFileEntry {
  return entry.isFile;
}

function isDirectory(entry: FileSystemEntry): entry is FileSystemDirectoryEntry {
  return entry.isDirectory;
}

async function walk(entry: FileSystemEntry, relative: string, out: DroppedFileItem[]): Promise<void> {
  if (isFile(entry)) out.push({ file: await fileOf(entry), relativeName: relative });
  else if (isDirectory(entry)) {
    for (const child of await childrenOf(entry)) await walk(child, `${relative}/${child.name}`, out);
  }
}

/** The files under what was dropped, folders walked; empty folders add nothing (blob storage has no folders). */
export async function walkDropped(tops: TopEntry[]): Promise<DroppedFileItem[]> {
  const out: DroppedFileItem[] = [];
  for (const { entry, file } of tops) {
    if (entry === null) out.push({ file, relativeName: file.name });
    else await walk(entry, entry.name, out);
  }
  return out;
}
