import { BlobServiceClient } from '@azure/storage-blob';
import { TransferEngine } from '../../electron/transfer/engine.js';

// A separate process running the transfer engine, for the kill test: `start` uploads one file and
// `download` fetches one blob into the file, both under a bandwidth cap (so the parent can kill it
// midway); `start-link` uploads without a cap (a simulated link slows it); `resume` loads what the
// journal left and finishes it. Prints one JSON line with the
// engine's request counts when done.
// argv: <start|start-link|download|resume> <connection string> <endpoint> <journal file> <file> <container> <blob>

async function main(): Promise<void> {
  const [mode, connectionString, endpoint, journalFile, filePath, container, blobName] = process.argv.slice(2);
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const engine = new TransferEngine({ journalFile, fixedConcurrency: 4, bandwidth: mode === 'resume' || mode === 'start-link' ? 0 : 8 * 1024 * 1024 });
  const spec = { workspaceId: 'child', service, endpoint, container, blobName, filePath };
  if (mode === 'start' || mode === 'start-link') {
    await engine.enqueueUpload(spec);
  } else if (mode === 'download') {
    engine.enqueueDownload(spec);
  } else {
    const unfinished = await engine.unfinished();
    await engine.resumeUnfinished({ workspaceId: 'child', service, endpoint });
    process.stdout.write(`${JSON.stringify({ unfinished })}\n`);
  }
  await engine.idle();
  const jobs = engine.list().jobs.map((j) => ({ state: j.state, error: j.error, restartReason: j.restartReason }));
  process.stdout.write(`${JSON.stringify({ jobs, stats: engine.stats })}\n`);
  engine.close();
}

void main();
