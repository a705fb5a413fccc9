import { queryOptions } from '@tanstack/react-query';
import { call } from '../api/client.js';

// Shared so every screen reads (and invalidates) the same cache entries.

export const defaultsQuery = queryOptions({
  queryKey: ['workspace.defaults'],
  queryFn: () => call('workspace.defaults', {}),
  // Main's environment does not change while it runs.
  staleTime: Infinity,
});

export const savedWorkspacesQuery = queryOptions({
  queryKey: ['workspace.list'],
  queryFn: () => call('workspace.list', {}),
});

export const importQuery = queryOptions({
  queryKey: ['workspace.import'],
  queryFn: () => call('workspace.import', {}),
});
