/**
 * Native file pickers: kubeconfigs for the import wizard (hidden files are
 * shown because kubeconfigs live in ~/.kube), and the open and save dialogs
 * for handoff files and audit exports.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import type { HostDialogs } from '../host/host.js';

/** The dialogs adapter; `parent` is looked up at each call so the dialog is modal to the current window. */
export function electronDialogs(parent: () => BrowserWindow | undefined): HostDialogs {
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
    async pickOpenFile({ title, filters }) {
      const r = await open({ title, filters, properties: ['openFile', 'dontAddToRecent'] });
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
    },
    async pickSaveFile({ title, defaultName, filters }) {
      const options: SaveDialogOptions = { title, defaultPath: defaultName, filters, properties: ['showOverwriteConfirmation', 'dontAddToRecent'] };
      const win = parent();
      const r = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  };
}
