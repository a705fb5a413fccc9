import { MetaflowBrowser } from '../metaflow/browse/MetaflowBrowser.js';
import { GcView } from '../gc/GcView.js';
import { BlobsView } from '../blobs/BlobsView.js';
import { MlflowBrowser } from '../mlflow/MlflowBrowser.js';
import { UsageView } from '../usage/UsageView.js';
import { EXPERIMENTS } from '../../../shared/routing/route.js';
import type { Section } from './section.js';

export const SECTIONS: Section[] = [
  {
    id: 'metaflow',
    label: 'Metaflow',
    render: (props, at, go) => (
      <MetaflowBrowser {...props} location={at.section === 'metaflow' ? at.place : {}} onNavigate={(place) => go({ section: 'metaflow', place })} />
    ),
  },
  {
    id: 'mlflow',
    label: 'MLflow',
    render: (props, at, go) => (
      <MlflowBrowser {...props} location={at.section === 'mlflow' ? at.place : EXPERIMENTS} onNavigate={(place, options) => go({ section: 'mlflow', place }, options)} />
    ),
  },
  {
    id: 'blobs',
    label: 'Blobs',
    render: (props, at, go) => (
      <BlobsView {...props} place={at.section === 'blobs' ? at.place : { prefix: '' }} onNavigate={(place) => go({ section: 'blobs', place })} />
    ),
  },
  { id: 'gc', label: 'Garbage collection', render: (props) => <GcView {...props} /> },
  {
    id: 'usage',
    label: 'Usage',
    render: (props, at, go) => <UsageView {...props} place={at.section === 'usage' ? at.place : {}} onNavigate={(place) => go({ section: 'usage', place })} />,
  },
];
