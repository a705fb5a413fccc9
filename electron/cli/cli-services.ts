import { ANY_LOCAL_PATH } from '../local-access/local-grants.js';
import { createServices, type Services } from '../services.js';

/** The CLI is the user's own process: the paths on its command line are theirs to name, no grant needed. */
export function cliServices(): Services {
  return createServices({ localAccess: ANY_LOCAL_PATH });
}
