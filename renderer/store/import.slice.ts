/**
 * The kubeconfig import wizard: the source, the scan main made of it (the
 * kubeconfigs and their secrets stay in main; the renderer sees candidates
 * by id), the user's choices per context, connection tests, and the import
 * report. Pasted kubeconfig text is passed straight to `kubeconfig:scan` and
 * never kept here, so no credential ever sits in the store.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ConnectionTest, ImportReport, ImportSource, ScanResult } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { buildSelections, initialChoices, type CandidateChoice, type SourceKind } from '../features/import/import-model.js';
import type { Store } from './store.js';

export type ImportStep = 'source' | 'review' | 'report';

export interface ImportSlice {
  importStep: ImportStep;
  sourceKind: SourceKind;
  /** Files to scan, one path per line (typed, or filled in by the file picker). */
  pathsText: string;
  folderPath: string;
  /** Why a native picker could not open (e.g. none in the preview), shown by the source step. */
  pickerNote: string | null;
  scanning: boolean;
  scanError: AppErrorDto | null;
  scan: ScanResult | null;
  choices: Record<string, CandidateChoice>;
  testResults: Record<string, ConnectionTest>;
  testingIds: Record<string, true>;
  importing: boolean;
  importError: AppErrorDto | null;
  importReport: ImportReport | null;

  setSourceKind(kind: SourceKind): void;
  setPathsText(text: string): void;
  setFolderPath(path: string): void;
  pickFiles(): Promise<void>;
  pickFolder(): Promise<void>;
  /** Scans a source; on success the wizard moves to the review step. */
  scanSource(source: ImportSource): Promise<boolean>;
  setCandidateName(id: string, name: string): void;
  setCandidateSelected(id: string, selected: boolean): void;
  setCandidatesSelected(ids: readonly string[], selected: boolean): void;
  setOnExisting(id: string, onExisting: CandidateChoice['onExisting']): void;
  testCandidates(ids: readonly string[]): Promise<void>;
  /** Imports the selected contexts; the report step follows. */
  importSelected(): Promise<void>;
  /** Back to the source step; main forgets the scan. */
  backToSource(): Promise<void>;
  /** Clears the wizard; main forgets the scan. */
  resetImport(): Promise<void>;
}

const initialImportState = {
  importStep: 'source' as ImportStep,
  sourceKind: 'default' as SourceKind,
  pathsText: '',
  folderPath: '',
  pickerNote: null,
  scanning: false,
  scanError: null,
  scan: null,
  choices: {},
  testResults: {},
  testingIds: {},
  importing: false,
  importError: null,
  importReport: null,
} satisfies Partial<ImportSlice>;

export const createImportSlice =
  (api: Api): StateCreator<Store, [], [], ImportSlice> =>
  (set, get) => {
    const updateChoice = (id: string, change: Partial<CandidateChoice>) => {
      const current = get().choices[id];
      if (current) set({ choices: { ...get().choices, [id]: { ...current, ...change } } });
    };

    /** Drops the scan here at once, and tells main to forget it (and the secrets it holds for it). */
    const discardScan = async () => {
      const scan = get().scan;
      if (!scan) return;
      set({ scan: null });
      const r = await api.invoke('kubeconfig:discard', { scanId: scan.scanId });
      // NOT_FOUND: main already forgot it (e.g. after an import), which is what we want.
      if (!r.ok && r.error.code !== 'NOT_FOUND') get().notify(r.error);
    };

    return {
      ...initialImportState,

      setSourceKind(kind) {
        set({ sourceKind: kind, scanError: null, pickerNote: null });
      },
      setPathsText(text) {
        set({ pathsText: text });
      },
      setFolderPath(path) {
        set({ folderPath: path });
      },

      async pickFiles() {
        const r = await api.invoke('kubeconfig:pick-files', {});
        if (!r.ok) return set({ pickerNote: r.error.message });
        if (r.result.length > 0) set({ sourceKind: 'files', pathsText: r.result.join('\n'), pickerNote: null });
      },

      async pickFolder() {
        const r = await api.invoke('kubeconfig:pick-folder', {});
        if (!r.ok) return set({ pickerNote: r.error.message });
        if (r.result !== null) set({ sourceKind: 'folder', folderPath: r.result, pickerNote: null });
      },

      async scanSource(source) {
        await discardScan();
        set({ scanning: true, scanError: null });
        const r = await api.invoke('kubeconfig:scan', { source });
        if (!r.ok) {
          set({ scanning: false, scanError: r.error });
          return false;
        }
        set({
          scanning: false,
          scan: r.result,
          choices: initialChoices(r.result.candidates),
          testResults: {},
          testingIds: {},
          importStep: 'review',
        });
        return true;
      },

      setCandidateName(id, name) {
        updateChoice(id, { name });
      },
      setCandidateSelected(id, selected) {
        updateChoice(id, { selected });
      },
      setCandidatesSelected(ids, selected) {
        const choices = { ...get().choices };
        for (const id of ids) if (choices[id]) choices[id] = { ...choices[id], selected };
        set({ choices });
      },
      setOnExisting(id, onExisting) {
        updateChoice(id, { onExisting });
      },

      async testCandidates(ids) {
        const scan = get().scan;
        if (!scan || ids.length === 0) return;
        const testing = { ...get().testingIds };
        for (const id of ids) testing[id] = true;
        set({ testingIds: testing });
        const r = await api.invoke('kubeconfig:test', { scanId: scan.scanId, candidateIds: [...ids] });
        if (get().scan?.scanId !== scan.scanId) return; // the user moved on to another scan
        const done = { ...get().testingIds };
        for (const id of ids) delete done[id];
        if (!r.ok) {
          set({ testingIds: done });
          return get().notify(r.error);
        }
        const results = { ...get().testResults };
        for (const { candidateId, ...test } of r.result) results[candidateId] = test;
        set({ testingIds: done, testResults: results });
      },

      async importSelected() {
        const { scan, choices } = get();
        if (!scan) return;
        const selections = buildSelections(scan.candidates, choices);
        if (selections.length === 0) return;
        set({ importing: true, importError: null });
        const r = await api.invoke('kubeconfig:import', { scanId: scan.scanId, selections });
        if (!r.ok) return set({ importing: false, importError: r.error });
        set({ importing: false, importReport: r.result, importStep: 'report' });
        await discardScan();
        await get().loadSnapshot();
      },

      async backToSource() {
        const discarding = discardScan();
        set({ importStep: 'source', choices: {}, testResults: {}, testingIds: {}, importError: null });
        await discarding;
      },

      async resetImport() {
        const discarding = discardScan(); // takes the scan id before the state is cleared
        set({ ...initialImportState });
        await discarding;
      },
    };
  };
