import type { Locator } from '@playwright/test';

// What a drag of files from the desktop delivers to a drop zone, for the specs that drop files.

export interface DropFile {
  name: string;
  /** Base64, so the bytes cross into the page intact. */
  base64: string;
  size: number;
}

export function dropFile(name: string, bytes: Buffer): DropFile {
  return { name, base64: bytes.toString('base64'), size: bytes.length };
}

/** dragenter, dragover and drop on `zone`, carrying a DataTransfer of the files. */
export async function dropFiles(zone: Locator, files: DropFile[]): Promise<void> {
  const data = await zone.page().evaluateHandle((list: DropFile[]) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], f.name, { type: 'application/octet-stream' }));
    }
    return transfer;
  }, files);
  await zone.dispatchEvent('dragenter', { dataTransfer: data });
  await zone.dispatchEvent('dragover', { dataTransfer: data });
  await zone.dispatchEvent('drop', { dataTransfer: data });
}
