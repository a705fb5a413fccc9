import './workspaces.css';
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { sectionRoot, type SectionPlace } from '../../../shared/routing/route.js';
import { lastPlace, rememberPlace } from '../routing/section-memory.js';
import { call } from '../api/client.js';
import { WorkspaceHeader } from './WorkspaceHeader.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { SectionTabs } from '../ui/SectionTabs.js';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.js';
import { TransferPanel } from '../transfers/TransferPanel.js';
import type { Go } from './section.js';
import { SECTIONS } from './sections.js';
import { needsAttention, SysrootWarning } from './SysrootWarning.js';

interface Props {
  workspace: WorkspaceInfo;
  /** How the route names this workspace. */
  workspaceRef: string;
  /** Where in it the window is. */
  at: SectionPlace;
  go: Go;
  onWorkspaces: () => void;
  onConnected: (workspace: WorkspaceInfo) => void;
  onEdit: (savedId: string) => void;
}

/** An open workspace: its header, the switcher, and one tab per section (Metaflow, MLflow, …), each back where it was left. */
export function WorkspaceView({ workspace, workspaceRef, at, go, onWorkspaces, onConnected, onEdit }: Props) {
  useEffect(() => rememberPlace(workspaceRef, at), [workspaceRef, at]);
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
  const section = SECTIONS.find((s) => s.id === at.section) ?? SECTIONS[0];

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
        <SectionTabs tabs={SECTIONS} current={section.id} onTab={(id) => go(lastPlace(workspaceRef, id) ?? sectionRoot(id))} label="Workspace sections" />
      )}
      <div className="browser__section">{section.render({ workspace, onEditWorkspace }, at, go)}</div>
      {workspace.kind === 'azure' && <TransferPanel workspace={workspace} />}
    </div>
  );
}
