/**
 * What differs between the shells Flotilla runs in (the Electron app, the
 * browser preview, the `flotilla` command line), as one interface passed in
 * when the services are made. Services never ask which shell they run in:
 * they use what the host offers and say clearly when it offers nothing
 * (a file dialog in the CLI, the system browser in the preview).
 */
import type { SystemClipboard } from './clipboard.js';

export type Shell = 'electron' | 'preview' | 'cli';

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** Native file pickers (Electron's dialog); absent where paths are typed. */
export interface HostDialogs {
  pickFiles(): Promise<string[]>;
  pickFolder(): Promise<string | null>;
  /** Where to save a file; null when the user cancelled. */
  pickSaveFile(opts: { title: string; defaultName: string; filters?: FileFilter[] }): Promise<string | null>;
  /** One file to open; null when the user cancelled. */
  pickOpenFile(opts: { title: string; filters?: FileFilter[] }): Promise<string | null>;
}

export interface Host {
  readonly shell: Shell;
  /** Where the state file, logs and audit log live. */
  readonly userDataDir: string;
  readonly dialogs?: HostDialogs;
  /** The system clipboard, for a token the user asked to copy (concealed and cleared, see clipboard.ts). */
  readonly clipboard?: SystemClipboard;
  /** Opens an already checked http(s) URL in the system browser. */
  openExternal?(url: string): Promise<void>;
  /** Opens a folder in the system's file manager; rejects with the system's reason when it cannot. */
  openPath?(dir: string): Promise<void>;
  /** Calls `listener` when the session locks (the clipboard is cleared then); returns the unsubscribe. */
  onLock?(listener: () => void): () => void;
}
