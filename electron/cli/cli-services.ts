import { ANY_LOCAL_PATH } from '../local-access/local-grants.js';
import { createServices, type Services } from '../services.js';

/**
 * Services for one command, closed when it ends, failed or not. The CLI is the user's own process:
 * the paths on its command line are theirs to name, no grant needed.
 */
export async function withCliServices<T>(use: (services: Services) => Promise<T>): Promise<T> {
  const services = createServices({ localAccess: ANY_LOCAL_PATH });
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
