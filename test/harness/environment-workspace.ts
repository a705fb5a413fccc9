import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServices, type Services } from '../../electron/services.js';
import { contract, type ArgsOf, type Channel, type ResultOf } from '../../shared/contract.js';
import { azuriteConnectionString } from './azurite.js';

/** Calls a channel as the window does (validated by the router) and parses the answer as the renderer would. */
export async function callChannel<C extends Channel>(services: Services, channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new Error(`${channel} failed: ${reply.error.code} ${reply.error.message}`);
  return contract[channel].result.parse(reply.value) as ResultOf<C>;
}

/** Services of their own (a cold index each) with a workspace on Azurite reached through `through` (a link, say). */
export class EnvironmentWorkspaces {
  private readonly opened: { services: Services; dir: string }[] = [];

  async open(sysroot: string, through: string): Promise<{ services: Services; workspaceId: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-env-workspace-'));
    const services = createServices({ env: { AZURE_STORAGE_CONNECTION_STRING: azuriteConnectionString(through) }, userDataDir: dir });
    this.opened.push({ services, dir });
    const info = await callChannel(services, 'workspace.open', { sysroot, endpoint: through, credential: { kind: 'environment' } });
    return { services, workspaceId: info.id };
  }

  async close(): Promise<void> {
    for (const { services, dir } of this.opened.splice(0)) {
      await services.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
}
