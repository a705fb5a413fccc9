import type { PriceStore } from './tokens/price-store.js';
import { savedTraceCacheScope, type TraceCaches } from './trace-cache/trace-caches.js';

// What MLflow keeps for a saved workspace, deleted when the user removes it: its own prices and its
// trace caches (one folder per saved workspace). Nothing another workspace uses: the app-wide prices,
// other workspaces' caches and the CLI's stay.

export async function forgetSavedWorkspace(savedId: string, prices: PriceStore, caches: TraceCaches): Promise<void> {
  prices.forgetWorkspace(savedId);
  await caches.forget(savedTraceCacheScope(savedId));
}
