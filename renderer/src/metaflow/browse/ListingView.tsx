import type { ReactNode } from 'react';
import type { MetaflowListing } from '../../../../shared/contract.js';
import { plural } from '../../format.js';
import { ArtifactTable } from './ArtifactTable.js';
import { EntryList } from './EntryList.js';

const NOUN: Record<Exclude<MetaflowListing['level'], 'artifacts'>, string> = {
  flows: 'flow',
  runs: 'run',
  steps: 'step',
  tasks: 'task',
};

interface Props {
  listing: MetaflowListing;
  onOpen: (name: string) => void;
  entryDetail?: (name: string) => ReactNode;
}

/** One level of the datastore: a list to descend through, or a task's artifacts at the bottom. */
export function ListingView({ listing, onOpen, entryDetail }: Props) {
  if (listing.level === 'artifacts') {
    return (
      <>
        <div className="listing__summary">
          <span>{plural(listing.entries.length, 'artifact')}</span>
          <span className="badge" data-testid="attempt">attempt {listing.attempt}</span>
        </div>
        <ArtifactTable entries={listing.entries} />
      </>
    );
  }
  const noun = NOUN[listing.level];
  return (
    <>
      <div className="listing__summary">{plural(listing.entries.length, noun)}</div>
      <EntryList entries={listing.entries} noun={noun} onOpen={onOpen} entryDetail={entryDetail} />
    </>
  );
}
