import { useQuery } from '@tanstack/react-query';
import { catalogPrice, CATALOG_DATE } from '../../../../shared/price-catalog.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { pricesQuery, workspacePricesQuery } from '../queries.js';
import { PriceTable } from './PriceTable.js';

/**
 * The prices a workspace's costs use, in the order they win: the saved workspace's own, the
 * user's prices for all workspaces, the shipped catalog. An unsaved workspace has no own prices.
 */
export function PriceTables({ workspaceId, suggestedModels }: { workspaceId: string; suggestedModels: string[] }) {
  const own = useQuery(workspacePricesQuery(workspaceId));
  const app = useQuery(pricesQuery());
  if (own.isPending || app.isPending) return <Loading label="Reading prices…" />;
  if (own.isError) return <ErrorPanel error={own.error} onRetry={() => void own.refetch()} />;
  if (app.isError) return <ErrorPanel error={app.error} onRetry={() => void app.refetch()} />;
  const priced = (m: string) => own.data.rows.some((r) => r.model === m) || app.data.rows.some((r) => r.model === m) || catalogPrice(m) !== null;
  const unpriced = suggestedModels.filter((m) => !priced(m));
  return (
    <div className="ml-prices">
      <p className="muted">
        Each model costs this workspace&apos;s override, else your price for all workspaces, else the catalog (dated {CATALOG_DATE}).
      </p>
      {unpriced.length > 0 && (
        <p data-testid="unpriced-models">
          No price (not counted in the cost, not as zero): {unpriced.join(', ')}
        </p>
      )}
      <h4>This workspace</h4>
      {own.data.saved ? (
        <PriceTable scope={{ kind: 'workspace', workspaceId }} suggestedModels={suggestedModels} appRows={app.data.rows} />
      ) : (
        <p className="muted" data-testid="workspace-prices-unsaved">
          This workspace is not saved, so it uses your prices for all workspaces. Save it to give it prices of its own.
        </p>
      )}
      <h4>All workspaces</h4>
      <PriceTable scope={{ kind: 'app' }} suggestedModels={suggestedModels} appRows={[]} />
    </div>
  );
}
