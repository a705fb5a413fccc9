import { useQuery } from '@tanstack/react-query';
import type { CardRef } from '../../../../shared/contract.js';
import { cardQuery, type TaskRef } from '../queries.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { cardUrl } from './card-url.js';

/** One card, in a sandboxed frame: its scripts run, but in an opaque origin (no allow-same-origin). */
export function CardFrame({ task, card }: { task: TaskRef; card: CardRef }) {
  const served = useQuery(cardQuery(task, card.file));
  if (served.isPending) return <Loading label="Fetching the card…" />;
  if (served.isError) return <ErrorPanel error={served.error} onRetry={() => void served.refetch()} retrying={served.isFetching} />;
  return (
    <iframe
      className="card-frame"
      data-testid="card-frame"
      title={`Card ${card.type}${card.id ? ` ${card.id}` : ''}`}
      sandbox="allow-scripts"
      referrerPolicy="no-referrer"
      src={cardUrl(served.data.cardId)}
    />
  );
}
