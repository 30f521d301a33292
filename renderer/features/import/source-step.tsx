/**
 * Step 1: where the kubeconfigs come from. Native pickers where the shell
 * has them; typed paths always work (the preview has no file dialogs).
 * Pasted text lives in this component only and goes straight to the scan:
 * it holds credentials, so it never enters the store.
 */
import { useId, useState, type FormEvent } from 'react';
import { AlertIcon } from '../../components/icons.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { buildSource, SOURCE_LABELS, type SourceKind } from './import-model.js';

const SOURCE_HELP: Record<SourceKind, string> = {
  default: 'The file kubectl uses when KUBECONFIG is not set: ~/.kube/config.',
  env: 'Every file listed in $KUBECONFIG, merged as kubectl does: the first file wins for each name.',
  files: 'One or more kubeconfig files.',
  folder: 'Every kubeconfig file in a folder.',
  text: 'The contents of a kubeconfig, pasted here. Nothing is saved before you import.',
};

const KINDS: SourceKind[] = ['default', 'env', 'files', 'folder', 'text'];

export function SourceStep() {
  const kind = useAppStore((s) => s.sourceKind);
  const setKind = useAppStore((s) => s.setSourceKind);
  const pathsText = useAppStore((s) => s.pathsText);
  const folderPath = useAppStore((s) => s.folderPath);
  const scanning = useAppStore((s) => s.scanning);
  const scanError = useAppStore((s) => s.scanError);
  const scanSource = useAppStore((s) => s.scanSource);
  const [pastedText, setPastedText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildSource(kind, { pathsText, folderPath, pastedText });
    if ('problem' in built) return setProblem(built.problem);
    setProblem(null);
    if (await scanSource(built.source)) setPastedText('');
  };

  return (
    <form className="source-step" onSubmit={(e) => void submit(e)} data-testid="source-step">
      <fieldset className="source-kinds">
        <legend>Read kubeconfigs from</legend>
        {KINDS.map((k) => (
          <label key={k} className={k === kind ? 'source-kind is-checked' : 'source-kind'}>
            <input
              type="radio"
              name="source-kind"
              value={k}
              checked={k === kind}
              onChange={() => {
                setKind(k);
                setProblem(null);
              }}
              data-testid={`source-${k}`}
            />
            <span className="source-kind-label">{SOURCE_LABELS[k]}</span>
            <span className="source-kind-help">{SOURCE_HELP[k]}</span>
          </label>
        ))}
      </fieldset>

      <SourceFields kind={kind} pastedText={pastedText} onPastedText={setPastedText} />

      {(problem || scanError) && (
        <div className="callout callout--error" role="alert" data-testid="scan-error">
          <AlertIcon />
          <div>{problem ?? scanError?.message}</div>
        </div>
      )}

      <div className="wizard-footer">
        <span />
        <button type="submit" className="btn btn-primary" disabled={scanning} data-testid="import-scan">
          {scanning && <Spinner label="Reading kubeconfigs" />}
          {scanning ? 'Reading…' : 'Read contexts'}
        </button>
      </div>
    </form>
  );
}

function SourceFields({ kind, pastedText, onPastedText }: { kind: SourceKind; pastedText: string; onPastedText(text: string): void }) {
  const pathsText = useAppStore((s) => s.pathsText);
  const setPathsText = useAppStore((s) => s.setPathsText);
  const folderPath = useAppStore((s) => s.folderPath);
  const setFolderPath = useAppStore((s) => s.setFolderPath);
  const pickFiles = useAppStore((s) => s.pickFiles);
  const pickFolder = useAppStore((s) => s.pickFolder);
  const pickerNote = useAppStore((s) => s.pickerNote);
  const id = useId();

  switch (kind) {
    case 'default':
    case 'env':
      return null;
    case 'files':
      return (
        <div className="source-fields">
          <div className="field-row">
            <label htmlFor={`${id}-paths`}>Paths, one per line</label>
            <button type="button" className="btn btn-small" onClick={() => void pickFiles()} data-testid="pick-files">
              Choose files…
            </button>
          </div>
          <textarea
            id={`${id}-paths`}
            className="input input-mono"
            rows={4}
            value={pathsText}
            onChange={(e) => setPathsText(e.target.value)}
            placeholder="/home/me/.kube/prod.yaml"
            spellCheck={false}
            data-testid="import-paths"
          />
          {pickerNote && <p className="field-hint">{pickerNote}</p>}
        </div>
      );
    case 'folder':
      return (
        <div className="source-fields">
          <div className="field-row">
            <label htmlFor={`${id}-folder`}>Folder</label>
            <button type="button" className="btn btn-small" onClick={() => void pickFolder()} data-testid="pick-folder">
              Choose folder…
            </button>
          </div>
          <input
            id={`${id}-folder`}
            className="input input-mono"
            value={folderPath}
            onChange={(e) => setFolderPath(e.target.value)}
            placeholder="/home/me/.kube/clusters"
            spellCheck={false}
            data-testid="import-folder"
          />
          {pickerNote && <p className="field-hint">{pickerNote}</p>}
        </div>
      );
    case 'text':
      return (
        <div className="source-fields">
          <label htmlFor={`${id}-text`}>Kubeconfig</label>
          <textarea
            id={`${id}-text`}
            className="input input-mono"
            rows={12}
            value={pastedText}
            onChange={(e) => onPastedText(e.target.value)}
            placeholder={'apiVersion: v1\nkind: Config\nclusters: …'}
            spellCheck={false}
            autoComplete="off"
            data-testid="import-paste"
          />
        </div>
      );
  }
}
