import { z } from 'zod';
import { Id } from './common.js';
import { BlobName, BlobPrefix, ContainerName } from './transfer.js';

// Browser mode's downloads are the browser's own: the page asks the host for a ticket naming what
// to send (POST, our Origin only, so the selection may be long), then navigates to the ticket's
// address, which streams one blob as it is or several (and folders) as one zip.

/** POST here (under the launch prefix) with a BrowserDownloadRequest; answers with a DownloadTicket. */
export const DOWNLOAD_TICKET_PATH = '/download-ticket';
/** GET here with `?ticket=`; each ticket is good once, for a minute. */
export const DOWNLOAD_PATH = '/download';

/** Names in one download: a screenful of selection many times over. */
export const MAX_DOWNLOAD_NAMES = 1000;

export const BrowserDownloadRequest = z
  .object({
    workspaceId: Id,
    container: ContainerName,
    /** The level the selection was made in: zip entries are named relative to it. */
    base: BlobPrefix,
    /** Blobs, and folders (ending in '/') with everything under them. */
    names: z.array(BlobName).min(1, 'Nothing to download').max(MAX_DOWNLOAD_NAMES, `At most ${MAX_DOWNLOAD_NAMES} names per download`),
  })
  .strict();
export type BrowserDownloadRequest = z.infer<typeof BrowserDownloadRequest>;

export const DownloadTicket = z.object({
  /** Relative to the page, holding the ticket. */
  url: z.string(),
  /** The file the browser saves: the blob's own name, or a .zip. */
  fileName: z.string(),
  /** Blobs it holds. */
  blobs: z.number().int().nonnegative(),
});
export type DownloadTicket = z.infer<typeof DownloadTicket>;
