/**
 * An import source → the kubeconfig texts to parse, one per file (or one for
 * pasted text), or for each file why it cannot be used. Sources: the default
 * file, every file in $KUBECONFIG, chosen files, a folder's files (not
 * recursive), pasted text. Order matters: it is the merge order.
 */
import { readdir, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ImportSource } from '../../shared/contract/kubeconfig.js';
import type { SearchPath } from '../kube/exec-path.js';
import { describeFsError, expandHome, readFileLimited, type FileRead } from './files.js';
import { PASTED_LABEL, type Origin } from './model.js';
import { decodeText } from './parse.js';

/** A folder with more files than this is not a kubeconfig folder; only the first ones are read. */
export const MAX_FOLDER_FILES = 500;

/** One input: its text, or why it has none (a sentence naming the file). */
export type SourceInput = { origin: Origin; text: string } | { origin: Origin; error: string };

export interface SourceEnvironment {
  home: string;
  /** Flotilla's environment (for KUBECONFIG). */
  env: NodeJS.ProcessEnv;
  /** The login shell's environment, asked for KUBECONFIG when Flotilla's has none (a desktop launcher drops it). */
  loginShell: () => Promise<SearchPath>;
  read?: (path: string) => Promise<FileRead>;
}

/** Reads a source into inputs, in merge order. Never throws for a bad file: it becomes an input with an error. */
export async function readSource(source: ImportSource, senv: SourceEnvironment): Promise<SourceInput[]> {
  const read = senv.read ?? readFileLimited;
  switch (source.kind) {
    case 'text':
      return [{ origin: { label: PASTED_LABEL }, text: source.text }];
    case 'default':
      return [await readOne(join(senv.home, '.kube', 'config'), read)];
    case 'files':
      return Promise.all(dedupe(source.paths.map((p) => expandHome(p.trim(), senv.home))).map((p) => readOne(p, read)));
    case 'env': {
      let value = senv.env.KUBECONFIG;
      if (!value) value = (await senv.loginShell()).kubeconfig;
      const paths = dedupe((value ?? '').split(delimiter).filter((p) => p.trim() !== '').map((p) => expandHome(p, senv.home)));
      if (paths.length === 0) {
        return [{ origin: { label: '$KUBECONFIG' }, error: 'KUBECONFIG is not set, neither in Flotilla\'s environment nor in your login shell\'s. Choose the files instead.' }];
      }
      return Promise.all(paths.map((p) => readOne(p, read)));
    }
    case 'folder':
      return readFolder(expandHome(source.path.trim(), senv.home), read);
  }
}

async function readOne(path: string, read: (path: string) => Promise<FileRead>): Promise<SourceInput> {
  const origin: Origin = { path, label: path };
  if (!isAbsolute(path)) return { origin, error: `${path} is not an absolute path; give the full path of the file.` };
  const r = await read(path);
  if (!r.ok) return { origin, error: `${path} ${r.reason}.` };
  const decoded = decodeText(r.bytes, path);
  return decoded.ok ? { origin, text: decoded.text } : { origin, error: decoded.error };
}

async function readFolder(dir: string, read: (path: string) => Promise<FileRead>): Promise<SourceInput[]> {
  const origin: Origin = { path: dir, label: dir };
  if (!isAbsolute(dir)) return [{ origin, error: `${dir} is not an absolute path; give the full path of the folder.` }];
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return [{ origin, error: `${dir} is a file, not a folder; add it as a file instead.` }];
    names = await readdir(dir);
  } catch (err) {
    return [{ origin, error: `The folder ${dir} ${describeFsError(err)}.` }];
  }
  // Regular files only (symbolic links to files count); sub-folders are not entered, as kubectl would not.
  const files: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      if ((await stat(path)).isFile()) files.push(path);
    } catch {
      // A dangling symbolic link: not a file to read.
    }
  }
  if (files.length === 0) return [{ origin, error: `The folder ${dir} has no files to read.` }];
  const inputs = await Promise.all(files.slice(0, MAX_FOLDER_FILES).map((p) => readOne(p, read)));
  if (files.length > MAX_FOLDER_FILES) {
    inputs.push({ origin, error: `The folder ${dir} holds ${files.length} files; only the first ${MAX_FOLDER_FILES} (by name) were read.` });
  }
  return inputs;
}

function dedupe(paths: string[]): string[] {
  return [...new Set(paths)];
}
