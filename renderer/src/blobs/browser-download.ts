import { z } from 'zod';
import { StratusError, StratusErrorShape } from '../../../shared/errors.js';
import { DownloadTicket, type BrowserDownloadRequest } from '../../../shared/schemas/browser-download.js';

// Browser mode: a selection downloads through the browser itself. The page asks its host for a
// ticket (a POST beside the page, under the launch token's prefix), then follows it with a link
// the browser saves: one blob as it is, several as a zip.

/** Relative: the page's address holds the launch token, and so does this one. */
const TICKET_PATH = './download-ticket';

const Refused = z.object({ error: StratusErrorShape });

async function requestTicket(request: BrowserDownloadRequest): Promise<DownloadTicket> {
  let response: Response;
  try {
    response = await fetch(TICKET_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  } catch {
    throw new StratusError({ code: 'UNREACHABLE', message: 'Lost the connection to the Stratus host while starting the download.' });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) {
    const ticket = DownloadTicket.safeParse(body);
    if (ticket.success) return ticket.data;
  }
  const refused = Refused.safeParse(body);
  if (refused.success) throw new StratusError(refused.data.error);
  if (response.status === 403) {
    throw new StratusError({ code: 'FORBIDDEN', message: 'The Stratus host refused the download.', hint: 'Reload the page from the address the host printed.' });
  }
  throw new StratusError({ code: 'INTERNAL', message: `The Stratus host answered the download with HTTP ${response.status}.` });
}

/** Starts the browser's download of the selection; resolves with what it holds. */
export async function browserDownload(request: BrowserDownloadRequest): Promise<DownloadTicket> {
  const ticket = await requestTicket(request);
  const link = document.createElement('a');
  link.href = ticket.url;
  link.download = ticket.fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  return ticket;
}
