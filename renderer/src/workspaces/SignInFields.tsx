import type { ReactNode } from 'react';
import type { AuthKind, WorkspaceDefaults } from '../../../shared/contract.js';
import { TextField } from '../ui/TextField.js';
import { AUTH_LABEL, ENVIRONMENT_VARIABLE, needsSecret, SECRET_LABEL, type SecretAuth } from './auth.js';

const METHODS: AuthKind[] = ['environment', 'connectionString', 'accountKey', 'sas', 'identity'];

const SECRET_PLACEHOLDER: Record<SecretAuth, string> = {
  connectionString: 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…',
  accountKey: 'Base64 account key',
  sas: 'sv=…&sig=…  or a SAS URL',
};

interface Props {
  auth: AuthKind;
  secret: string;
  tenantId: string;
  environment: WorkspaceDefaults['environmentCredential'];
  errors: { secret?: string[]; tenantId?: string[] };
  /** What happens to the typed secret (kept in memory, encrypted, or the stored one kept). */
  secretHelp: ReactNode;
  onChange: (patch: { auth?: AuthKind; secret?: string; tenantId?: string }) => void;
}

function EnvironmentHelp({ environment }: { environment: Props['environment'] }) {
  if (environment) {
    return (
      <p className="field__help">
        Uses <code>{ENVIRONMENT_VARIABLE[environment]}</code> from the Stratus process’s environment.
      </p>
    );
  }
  return (
    <p className="field__help">
      No storage key in the Stratus process’s environment: signs in as your Azure identity (DefaultAzureCredential), as
      Metaflow does.
    </p>
  );
}

/** How Stratus signs in to the storage account, with the secret or tenant the method needs. */
export function SignInFields({ auth, secret, tenantId, environment, errors, secretHelp, onChange }: Props) {
  return (
    <fieldset className="field">
      <legend>Sign-in method</legend>
      <div className="choices" role="radiogroup" aria-label="Sign-in method">
        {METHODS.map((method) => (
          <label key={method} className={`choices__option${auth === method ? ' choices__option--checked' : ''}`}>
            <input
              type="radio"
              name="auth"
              value={method}
              checked={auth === method}
              // A secret typed for one method is never sent as another's.
              onChange={() => onChange({ auth: method, secret: '' })}
            />
            {AUTH_LABEL[method]}
          </label>
        ))}
      </div>
      {auth === 'environment' && <EnvironmentHelp environment={environment} />}
      {needsSecret(auth) && (
        <TextField
          id="secret"
          label={SECRET_LABEL[auth]}
          value={secret}
          onChange={(value) => onChange({ secret: value })}
          errors={errors.secret}
          help={secretHelp}
          placeholder={SECRET_PLACEHOLDER[auth]}
          secret
          testId="secret"
        />
      )}
      {auth === 'identity' && (
        <>
          <p className="field__help">
            DefaultAzureCredential: a service principal from <code>AZURE_CLIENT_ID</code> and friends, workload or managed
            identity, Azure CLI (<code>az login</code>), VS Code or PowerShell.
          </p>
          <TextField
            id="tenant"
            label="Tenant id"
            optional
            value={tenantId}
            onChange={(value) => onChange({ tenantId: value })}
            errors={errors.tenantId}
            placeholder="GUID or contoso.onmicrosoft.com"
          />
        </>
      )}
    </fieldset>
  );
}
