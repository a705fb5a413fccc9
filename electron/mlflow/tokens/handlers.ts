import type { MlflowTokensChannel } from '../../../shared/channels/mlflow-tokens.js';
import type { HandlersFor } from '../../ipc/router.js';
import type { ServiceContext } from '../../service-context.js';
import { PriceStore, priceFile } from './price-store.js';
import { summarizeSource } from './summarize-source.js';
import { TokenAnalytics } from './token-analytics.js';

export function mlflowTokensHandlers({ workspaces, userDataDir }: ServiceContext): HandlersFor<MlflowTokensChannel> {
  const analytics = new TokenAnalytics(userDataDir);
  const prices = new PriceStore(priceFile(userDataDir));
  return {
    'mlflow.tokens.summary': async ({ workspaceId, ...filter }) => summarizeSource(await workspaces.mlflow(workspaceId), filter, analytics, prices),
    'mlflow.tokens.prices.get': () => Promise.resolve({ rows: prices.get() }),
    'mlflow.tokens.prices.set': ({ rows }) => Promise.resolve({ rows: prices.set(rows) }),
  };
}
