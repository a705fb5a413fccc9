import type { ReactNode } from 'react';
import type { WorkspaceDefaults } from '../../../shared/contract.js';
import { TextField } from '../ui/TextField.js';
import type { DraftCheck, WorkspaceDraft } from './draft.js';
import { SignInFields } from './SignInFields.js';
import { SysrootField } from './SysrootField.js';
import { WasbsField } from './WasbsField.js';

interface Props {
  draft: WorkspaceDraft;
  check: DraftCheck;
  environment: WorkspaceDefaults['environmentCredential'];
  secretHelp: ReactNode;
  onChange: (patch: Partial<WorkspaceDraft>) => void;
}

/** Where a Metaflow datastore in Azure Blob Storage is, and how to sign in to it. */
export function AzureFields({ draft, check, environment, secretHelp, onChange }: Props) {
  const { errors } = check;
  return (
    <>
      <WasbsField onParsed={onChange} />
      <SysrootField value={draft.sysroot} check={check.sysroot} onChange={(sysroot) => onChange({ sysroot })} />
      <TextField
        id="endpoint"
        label="Blob endpoint"
        value={draft.endpoint}
        onChange={(endpoint) => onChange({ endpoint })}
        errors={errors.endpoint}
        placeholder="https://<account>.blob.core.windows.net"
      />
      <TextField
        id="card-root"
        label="Card root"
        optional
        value={draft.cardRoot}
        onChange={(cardRoot) => onChange({ cardRoot })}
        errors={errors.cardRoot}
        // Metaflow's own default when METAFLOW_CARD_AZUREROOT is unset.
        placeholder={`${draft.sysroot.trim() || '<sysroot>'}/mf.cards`}
        help={<>Metaflow’s <code>METAFLOW_CARD_AZUREROOT</code>; empty means the placeholder.</>}
      />
      <TextField
        id="mlflow"
        label="MLflow tracking URI"
        optional
        value={draft.mlflowTrackingUri}
        onChange={(mlflowTrackingUri) => onChange({ mlflowTrackingUri })}
        errors={errors.mlflowTrackingUri}
        placeholder="https://mlflow.example.com or azureml://…"
      />
      <SignInFields
        auth={draft.auth}
        secret={draft.secret}
        tenantId={draft.tenantId}
        environment={environment}
        errors={errors}
        secretHelp={secretHelp}
        onChange={onChange}
      />
    </>
  );
}
