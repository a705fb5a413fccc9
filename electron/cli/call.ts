import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import type { Services } from '../services.js';
import { CliFailure } from './output.js';

// Every CLI command calls the same handlers the app does, through the router: its error becomes the
// command's failure (stderr, exit code 1).

export async function call<C extends Channel>(services: Services, channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new CliFailure(reply.error, 1);
  return reply.value as ResultOf<C>;
}
