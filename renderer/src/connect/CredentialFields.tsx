import type { WorkspaceDefaults } from '../../../shared/contract.js';
import { ENVIRONMENT_VARIABLE, type CredentialDraft, type CredentialKind } from './credential.js';

interface Props {
  draft: CredentialDraft;
  environment: WorkspaceDefaults['environmentCredential'];
  onChange: (draft: CredentialDraft) => void;
}

interface Choice {
  kind: CredentialKind;
  label: string;
}

/** Radio choice of credential, with the secret input for the chosen kind. */
export function CredentialFields({ draft, environment, onChange }: Props) {
  const choices: Choice[] = [
    ...(environment ? [{ kind: 'environment' as const, label: 'From environment' }] : []),
    { kind: 'connectionString', label: 'Connection string' },
    { kind: 'accountKey', label: 'Account key' },
  ];
  return (
    <fieldset className="field credential">
      <legend>Credential</legend>
      <div className="segmented" role="radiogroup" aria-label="Credential">
        {choices.map((choice) => (
          <label key={choice.kind} className={`segmented__option${draft.kind === choice.kind ? ' segmented__option--checked' : ''}`}>
            <input
              type="radio"
              name="credential"
              value={choice.kind}
              checked={draft.kind === choice.kind}
              onChange={() => onChange({ ...draft, kind: choice.kind })}
            />
            {choice.label}
          </label>
        ))}
      </div>
      {draft.kind === 'environment' && environment && (
        <p className="field__help">
          Uses <code>{ENVIRONMENT_VARIABLE[environment]}</code> from the Stratus process’s environment.
        </p>
      )}
      {draft.kind === 'connectionString' && (
        <input
          type="password"
          aria-label="Connection string"
          className="input input--mono"
          value={draft.connectionString}
          onChange={(e) => onChange({ ...draft, connectionString: e.target.value })}
          placeholder="DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…"
          spellCheck={false}
          autoComplete="off"
        />
      )}
      {draft.kind === 'accountKey' && (
        <input
          type="password"
          aria-label="Account key"
          className="input input--mono"
          value={draft.accountKey}
          onChange={(e) => onChange({ ...draft, accountKey: e.target.value })}
          placeholder="Base64 account key"
          autoComplete="off"
        />
      )}
    </fieldset>
  );
}
