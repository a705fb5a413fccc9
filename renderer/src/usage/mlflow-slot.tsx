import type { ReactNode } from 'react';

// MERGE SLOT (issue 18, MLflow usage): h-usageml builds renderer/src/usage/mlflow/MlflowUsage.tsx
// (props `{ workspaceId: string }`). When it is merged, return <MlflowUsage workspaceId={workspaceId} />
// here; UsageView renders this below the Metaflow usage for workspaces with an MLflow tracking URI.
export function mlflowUsageSlot(workspaceId: string): ReactNode {
  void workspaceId;
  return null;
}
