import './workspaces.css';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { call } from '../api/client.js';
import { WorkspaceHeader } from './WorkspaceHeader.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { SectionTabs } from '../ui/SectionTabs.js';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.js';
import { TransferPanel } from '../transfers/TransferPanel.js';
import { SECTIONS } from './sections.js';
import { needsAttention, SysrootWarning } from './SysrootWarning.js';

interface Props {
  workspace: WorkspaceInfo;
  onWorkspaces: () => void;
  onConnected: (workspace: WorkspaceInfo) => void;
  onEdit: (savedId: string) => void;
}

/** An open workspace: its header, the switcher, and one tab per section (Metaflow, MLflow, …). */
export function WorkspaceView({ workspace, onWorkspaces, onConnected, onEdit }: Props) {
  const [sectionId, setSectionId] = useState(SECTIONS[0].id);
  const switchTo = useMutation({
    mutationFn: (savedId: string) => call('workspace.connect', { id: savedId }),
    onSuccess: onConnected,
  });
  const useSysroot = useMutation({
    mutationFn: (to: string) => call('workspace.useSysroot', workspace.kind === 'local' ? { id: workspace.id, path: to } : { id: workspace.id, sysroot: to }),
    onSuccess: onConnected,
  });
  const { savedId, sysrootCheck } = workspace;
  const onEditWorkspace = savedId === undefined ? undefined : () => onEdit(savedId);
  const section = SECTIONS.find((s) => s.id === sectionId) ?? SECTIONS[0];

  return (
    <div className="browser">
      <WorkspaceHeader
        workspace={workspace}
        switcher={<WorkspaceSwitcher current={workspace} switching={switchTo.isPending} onSwitch={(id) => switchTo.mutate(id)} />}
        onWorkspaces={onWorkspaces}
      />
      {switchTo.isError && (
        <ErrorPanel
          error={switchTo.error}
          onRetry={() => switchTo.variables && switchTo.mutate(switchTo.variables)}
          onEditWorkspace={() => switchTo.variables && onEdit(switchTo.variables)}
          onDismiss={() => switchTo.reset()}
        />
      )}
      {needsAttention(sysrootCheck) && (
        <SysrootWarning finding={sysrootCheck} busy={useSysroot.isPending} onUse={(sysroot) => useSysroot.mutate(sysroot)} />
      )}
      {useSysroot.isError && <ErrorPanel error={useSysroot.error} onDismiss={() => useSysroot.reset()} />}
      {SECTIONS.length > 1 && (
        <SectionTabs tabs={SECTIONS} current={section.id} onTab={setSectionId} label="Workspace sections" />
      )}
      <div className="browser__section">{section.render({ workspace, onEditWorkspace })}</div>
      {workspace.kind === 'azure' && <TransferPanel workspace={workspace} />}
    </div>
  );
}
