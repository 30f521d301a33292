/**
 * Native file pickers for the kubeconfig import wizard. Hidden files are
 * shown because kubeconfigs live in ~/.kube.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { Dialogs } from '../services.js';

/** The dialogs adapter; `parent` is looked up at each call so the dialog is modal to the current window. */
export function electronDialogs(parent: () => BrowserWindow | undefined): Dialogs {
  const open = async (options: OpenDialogOptions) => {
    const win = parent();
    return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
  };
  return {
    async pickFiles() {
      const r = await open({ title: 'Choose kubeconfig files', properties: ['openFile', 'multiSelections', 'showHiddenFiles', 'dontAddToRecent'] });
      return r.canceled ? [] : r.filePaths;
    },
    async pickFolder() {
      const r = await open({ title: 'Choose a folder of kubeconfig files', properties: ['openDirectory', 'showHiddenFiles', 'dontAddToRecent'] });
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
    },
  };
}
