import { BlobServiceClient } from '@azure/storage-blob';
import { GcService } from '../../electron/gc/gc-service.js';
import { GcJournal } from '../../electron/gc/journal.js';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { AzureObjectDeleter } from '../../electron/storage/azure-object-deleter.js';

// Executes a journalled gc plan in its own process, printing one JSON line per progress event, so
// a test can SIGKILL it half-way. Usage: gc-execute-child <journal> <connection string> <container> <root> <plan id> <confirm> <batch size>

const [journalFile, connectionString, container, root, planId, confirm, batch] = process.argv.slice(2);
const service = BlobServiceClient.fromConnectionString(connectionString);
const containerClient = service.getContainerClient(container);
const journal = GcJournal.open(journalFile);
const gc = new GcService(
  journal,
  () => ({
    id: planId,
    name: confirm,
    store: new AzureObjectStore(containerClient, service.url, { kind: 'sharedKey', method: 'connection string' }),
    root,
    deleter: new AzureObjectDeleter(containerClient, Number(batch)),
    azure: service,
    softDelete: () => Promise.resolve({ state: 'unknown' as const, days: null, detail: null }),
  }),
  (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`),
);
const report = await gc.execute(planId, confirm);
process.stdout.write(`${JSON.stringify({ report })}\n`);
journal.close();
