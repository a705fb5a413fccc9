import { BlobServiceClient } from '@azure/storage-blob';
import { checkSysroot, sysrootBlobPrefix } from '../../shared/sysroot.js';

// Reads what Metaflow wrote, straight from Azurite, so expectations come from the data and not
// from a list copied into the test.

/** The artifact names in a task attempt's `<attempt>.data.json` (the keys of its `objects`). */
export async function artifactNamesInDataJson(
  connectionString: string,
  sysroot: string,
  task: { flow: string; run: string; step: string; task: string; attempt: number },
): Promise<string[]> {
  const parts = checkSysroot(sysroot);
  if (!parts.ok) throw new Error(`Invalid fixture sysroot ${sysroot}: ${parts.errors.join(' ')}`);
  const name = `${sysrootBlobPrefix(parts.value)}${task.flow}/${task.run}/${task.step}/${task.task}/${task.attempt}.data.json`;
  const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(parts.value.container).getBlobClient(name);
  const index: unknown = JSON.parse((await blob.downloadToBuffer()).toString('utf8'));
  if (typeof index !== 'object' || index === null || !('objects' in index) || typeof index.objects !== 'object' || index.objects === null) {
    throw new Error(`${name} has no "objects" map.`);
  }
  return Object.keys(index.objects);
}
