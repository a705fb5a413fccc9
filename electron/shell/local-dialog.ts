import { dialog, type BrowserWindow } from 'electron';

/** The open dialog `local.choose` shows, in main: what the user picks there is theirs, not the page's. */
export async function chooseInDialog(window: BrowserWindow | undefined, kind: 'folder' | 'file'): Promise<string | undefined> {
  const options: Electron.OpenDialogOptions = { properties: kind === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile'] };
  const result = window === undefined ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(window, options);
  return result.canceled ? undefined : result.filePaths[0];
}
