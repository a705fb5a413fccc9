import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { FlowFacts } from './FlowFacts.js';
import { ListingView } from './ListingView.js';

interface Props {
  workspaceId: string;
  onOpen: (flow: string) => void;
  onEditWorkspace?: () => void;
}

/** The flows in the datastore (its top-level listing). */
export function FlowsView({ workspaceId, onOpen, onEditWorkspace }: Props) {
  const listing = useQuery({
    queryKey: ['metaflow.list', workspaceId],
    queryFn: () => call('metaflow.list', { workspaceId }),
  });
  if (listing.isPending) return <Loading label="Listing…" />;
  if (listing.isError) {
    return <ErrorPanel error={listing.error} onRetry={() => void listing.refetch()} retrying={listing.isFetching} onEditWorkspace={onEditWorkspace} />;
  }
  return <ListingView listing={listing.data} onOpen={onOpen} entryDetail={(flow) => <FlowFacts workspaceId={workspaceId} flow={flow} />} />;
}
