import { TextField } from '../ui/TextField.js';
import { importedServiceSecrets, type WorkspaceDraft } from './draft.js';

// The metadata service's auth key and headers (METAFLOW_SERVICE_AUTH_KEY, METAFLOW_SERVICE_HEADERS): typed here they
// go to main's vault; imported from a profile, main reads them there itself and this form only says they are set.

interface Props {
  draft: WorkspaceDraft;
  errors?: string[];
  onChange: (patch: Partial<WorkspaceDraft>) => void;
}

export function ServiceSecretFields({ draft, errors, onChange }: Props) {
  const imported = importedServiceSecrets(draft);
  const set = imported && [imported.authKey ? 'auth key set' : undefined, imported.headers ? 'headers set' : undefined].filter(Boolean).join(', ');
  return (
    <>
      {imported && (
        <p className="note note--info" data-testid="service-secrets-imported">
          {set} from {imported.source === 'environment' ? 'the environment' : `the Metaflow profile "${imported.source}"`}: kept in main and sent only to
          this service. Typing a key or headers below replaces them.
        </p>
      )}
      <TextField
        id="metadata-service-key"
        label="Service auth key"
        optional
        secret
        value={draft.serviceAuthKey}
        onChange={(serviceAuthKey) => onChange({ serviceAuthKey })}
        placeholder="METAFLOW_SERVICE_AUTH_KEY (kept in main, sent only to this service)"
      />
      <TextField
        id="metadata-service-headers"
        label="Service headers"
        optional
        secret
        value={draft.serviceHeaders}
        onChange={(serviceHeaders) => onChange({ serviceHeaders })}
        errors={errors}
        placeholder='METAFLOW_SERVICE_HEADERS, e.g. {"Authorization": "Bearer …"}'
        help="A JSON object of header name to value, sent with every request to this service only."
      />
    </>
  );
}
