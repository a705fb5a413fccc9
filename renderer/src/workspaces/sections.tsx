import { MetaflowBrowser } from '../metaflow/browse/MetaflowBrowser.js';
import { GcView } from '../gc/GcView.js';
import { BlobsView } from '../blobs/BlobsView.js';
import { MlflowBrowser } from '../mlflow/MlflowBrowser.js';
import type { Section } from './section.js';

export const SECTIONS: Section[] = [
  { id: 'metaflow', label: 'Metaflow', render: (props) => <MetaflowBrowser {...props} /> },
  { id: 'mlflow', label: 'MLflow', render: (props) => <MlflowBrowser {...props} /> },
  { id: 'blobs', label: 'Blobs', render: (props) => <BlobsView {...props} /> },
  { id: 'gc', label: 'Garbage collection', render: (props) => <GcView {...props} /> },
];
