import { useMutation } from '@tanstack/react-query';
import type { BrowserDownloadRequest, DownloadTicket } from '../../../shared/schemas/browser-download.js';
import { browserDownload } from './browser-download.js';

export interface BrowserDownload {
  start: (request: BrowserDownloadRequest) => void;
  pending: boolean;
  started: DownloadTicket | undefined;
  error: Error | null;
  dismiss: () => void;
}

/** A browser-mode download of a selection, with what it started or why it could not. */
export function useBrowserDownload(): BrowserDownload {
  const mutation = useMutation({ mutationFn: browserDownload });
  return { start: mutation.mutate, pending: mutation.isPending, started: mutation.data, error: mutation.error, dismiss: mutation.reset };
}
