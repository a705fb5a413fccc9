import { useCallback, useState } from 'react';
import { RelativeName } from '../../../shared/schemas/transfer.js';
import { call, getApi } from '../api/client.js';
import { walkDropped, type TopEntry } from './dropped-files.js';
import { sendToHost, type UploadTarget } from './host-upload.js';

// Hands dropped files to the transfer engine: their local paths in Electron (main reads them), their
// bytes over HTTP in a browser tab. Once queued, jobs show in the activity panel like any other.

/** Files sent to the browser-mode host at once; each is one HTTP request streaming from disk. */
const SEND_CONCURRENCY = 3;
/** Dropped items per transfer.upload call in Electron; the contract allows far more, this keeps each call small. */
const CALL_BATCH = 5000;

export interface SendState {
  files: number;
  filesSent: number;
  bytes: number;
  bytesSent: number;
}

export interface DropUpload {
  upload: (tops: TopEntry[], target: UploadTarget) => Promise<void>;
  /** Browser mode: bytes on their way to the host, before the engine has the jobs. */
  sending: SendState | null;
  /** Files that could not be queued, each with the reason. */
  problems: string[];
  dismissProblems: () => void;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function useDropUpload(): DropUpload {
  const [sending, setSending] = useState<SendState | null>(null);
  const [problems, setProblems] = useState<string[]>([]);

  const upload = useCallback(async (tops: TopEntry[], target: UploadTarget) => {
    const found: string[] = [];
    const validName = (name: string) => {
      const check = RelativeName.safeParse(name);
      if (!check.success) found.push(`${name}: ${check.error.issues[0]?.message ?? 'not a valid blob name'}`);
      return check.success;
    };
    const { host } = getApi();
    if (host.kind === 'electron') {
      // Main expands dropped folders itself, keeping their structure.
      const files: { path: string; name: string }[] = [];
      const paths = await host.grantDropped(tops.map(({ file }) => file));
      tops.forEach(({ file }, i) => {
        if (paths[i] === '') found.push(`${file.name}: it has no file on disk (drop it from a folder instead)`);
        else if (validName(file.name)) files.push({ path: paths[i], name: file.name });
      });
      for (let i = 0; i < files.length; i += CALL_BATCH) {
        try {
          const batch = files.slice(i, i + CALL_BATCH);
          await ('runId' in target ? call('transfer.uploadToRun', { ...target, files: batch }) : call('transfer.upload', { ...target, files: batch }));
        } catch (err) {
          found.push(message(err));
        }
      }
    } else {
      const valid = (await walkDropped(tops)).filter((item) => validName(item.relativeName));
      const state: SendState = { files: valid.length, filesSent: 0, bytes: valid.reduce((n, i) => n + i.file.size, 0), bytesSent: 0 };
      setSending({ ...state });
      const queue = [...valid];
      const worker = async () => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          let sent = 0;
          const current = item;
          try {
            await sendToHost(current.file, current.relativeName, target, (loaded) => {
              state.bytesSent += loaded - sent;
              sent = loaded;
              setSending({ ...state });
            });
          } catch (err) {
            found.push(`${current.relativeName}: ${message(err)}`);
          }
          state.bytesSent += current.file.size - sent;
          state.filesSent++;
          setSending({ ...state });
        }
      };
      await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, valid.length) }, worker));
      setSending(null);
    }
    if (found.length > 0) setProblems((old) => [...old, ...found]);
  }, []);

  return { upload, sending, problems, dismissProblems: useCallback(() => setProblems([]), []) };
}
