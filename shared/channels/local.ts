import { z } from 'zod';
import { NoArgs } from '../schemas/common.js';

/** Local files and folders main lets the renderer name: only those the user chose in main. */
export const localChannels = {
  /**
   * The desktop app's open dialog, shown by main; what the user picks is granted and returned
   * (null when the dialog was cancelled). A browser tab's host has no dialog and refuses.
   */
  'local.choose': { args: z.object({ kind: z.enum(['folder', 'file']) }).strict(), result: z.object({ path: z.string().nullable() }) },
  /** What is granted: in browser mode the folders the host was started with, in the desktop app those chosen so far. */
  'local.granted': { args: NoArgs, result: z.object({ paths: z.array(z.string()).max(10_000) }) },
} as const;

export const localEvents = {} as const;

export type LocalChannel = keyof typeof localChannels;
