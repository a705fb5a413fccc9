import { z } from 'zod';
import { ById, Id, NoArgs } from '../schemas/common.js';
import {
  ImportedWorkspace,
  LocalPath,
  SaveWorkspaceArgs,
  SavedWorkspace,
  Settings,
  Sysroot,
  WorkspaceDefaults,
  WorkspaceInfo,
  WorkspaceInput,
  WorkspaceList,
} from '../schemas/workspace.js';

/** Saved connections, opening one, and app settings. */
export const workspaceChannels = {
  'workspace.defaults': { args: NoArgs, result: WorkspaceDefaults },
  'workspace.open': { args: WorkspaceInput, result: WorkspaceInfo },
  'workspace.list': { args: NoArgs, result: WorkspaceList },
  'workspace.save': { args: SaveWorkspaceArgs, result: SavedWorkspace },
  'workspace.remove': { args: ById, result: z.object({ removed: z.boolean() }) },
  'workspace.connect': { args: ById, result: WorkspaceInfo },
  /** Opens an open workspace again on one of the sysroots its check suggested, with the same sign-in (for this session). */
  'workspace.useSysroot': {
    args: z
      .object({ id: Id, sysroot: Sysroot.optional(), path: LocalPath.optional() })
      .strict()
      .refine((a) => (a.sysroot === undefined) !== (a.path === undefined), 'Give a sysroot (Azure) or a folder (local), not both'),
    result: WorkspaceInfo,
  },
  /** A workspace opened in this session (saved or not), by its id: how a reloaded window finds it again. */
  'workspace.get': { args: ById, result: WorkspaceInfo },
  'workspace.import': { args: NoArgs, result: z.object({ candidates: z.array(ImportedWorkspace) }) },
  /** Writes the sample workspace into the user-data folder (first time only) and saves a workspace for it. */
  'workspace.openSample': { args: NoArgs, result: SavedWorkspace },
  'settings.get': { args: NoArgs, result: Settings },
  'settings.set': { args: Settings, result: Settings },
} as const;

export const workspaceEvents = {
  'workspace.opened': WorkspaceInfo,
} as const;

export type WorkspaceChannel = keyof typeof workspaceChannels;
