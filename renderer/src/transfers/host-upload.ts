import { StratusError, StratusErrorShape } from '../../../shared/errors.js';
import { z } from 'zod';

// Browser mode: a tab has no file paths, so a dropped file's bytes go to the host that served the
// page (`PUT upload` beside the page, under the launch token's path prefix), which stages them and queues the upload.
// XMLHttpRequest rather than fetch because only it reports upload progress.

/** Into a container under a prefix (the blob browser), or into an MLflow run's artifacts (under `path`, the root when absent). */
export type UploadTarget = { workspaceId: string; container: string; prefix: string } | { workspaceId: string; runId: string; path?: string };

/** Relative: the page's address holds the launch token, and so does this one. */
export const UPLOAD_PATH = './upload';

const Accepted = z.object({ jobIds: z.array(z.string()) });
const Refused = z.object({ error: StratusErrorShape });

function failure(status: number, body: string): StratusError {
  try {
    const refused = Refused.safeParse(JSON.parse(body));
    if (refused.success) return new StratusError(refused.data.error);
  } catch {
    // Not JSON: a proxy or a refusal before the route ran (403 from the host's guard).
  }
  if (status === 403) {
    return new StratusError({ code: 'FORBIDDEN', message: 'The Stratus host refused the upload.', hint: 'Reload the page from the address the host printed.' });
  }
  return new StratusError({ code: 'INTERNAL', message: `The Stratus host answered the upload with HTTP ${status}.` });
}

export function uploadUrl(target: UploadTarget, name: string): string {
  const where: Record<string, string> =
    'runId' in target ? { runId: target.runId, ...(target.path === undefined ? {} : { path: target.path }) } : { container: target.container, prefix: target.prefix };
  const query = new URLSearchParams({ workspaceId: target.workspaceId, ...where, name });
  return `${UPLOAD_PATH}?${query.toString()}`;
}

/** Streams one file to the host; resolves with the engine's job id once the host has queued it. */
export function sendToHost(file: File, name: string, target: UploadTarget, onProgress: (sent: number) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', uploadUrl(target, name));
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () => {
      if (xhr.status !== 200) return reject(failure(xhr.status, xhr.responseText));
      try {
        resolve(Accepted.parse(JSON.parse(xhr.responseText)).jobIds);
      } catch {
        reject(failure(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new StratusError({ code: 'UNREACHABLE', message: `Lost the connection to the Stratus host while sending ${name}.` })),
    );
    xhr.send(file);
  });
}
