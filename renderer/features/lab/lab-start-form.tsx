/** Opens a lab fleet: how many emulated clusters (default 3), then start. */
import { useId, useState, type FormEvent } from 'react';
import { Spinner } from '../../components/spinner.js';
import { DEFAULT_LAB_CLUSTERS, MAX_LAB_CLUSTERS } from '../../store/lab.slice.js';
import { useAppStore } from '../../store/store.js';

/** The count typed, if it is a whole number the lab accepts. */
export function parseClusterCount(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_LAB_CLUSTERS ? n : undefined;
}

export function LabStartForm() {
  const busy = useAppStore((s) => s.labBusy);
  const startLab = useAppStore((s) => s.startLab);
  const [countText, setCountText] = useState(String(DEFAULT_LAB_CLUSTERS));
  const id = useId();
  const count = parseClusterCount(countText);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (count !== undefined) void startLab(count);
  };

  return (
    <form className="lab-start-form" onSubmit={submit} data-testid="lab-start-form">
      <label htmlFor={`${id}-count`}>Clusters</label>
      <input
        id={`${id}-count`}
        className="input input-number"
        type="number"
        min={1}
        max={MAX_LAB_CLUSTERS}
        value={countText}
        onChange={(e) => setCountText(e.target.value)}
        aria-invalid={count === undefined}
        aria-describedby={`${id}-hint`}
        data-testid="lab-cluster-count"
      />
      <button type="submit" className="btn btn-lab" disabled={count === undefined || busy !== null} data-testid="open-lab">
        {busy === 'starting' ? <Spinner label="Starting the lab fleet" /> : null}
        {busy === 'starting' ? 'Starting…' : 'Open a lab fleet'}
      </button>
      <span id={`${id}-hint`} className={count === undefined ? 'field-hint field-hint--error' : 'field-hint'}>
        {count === undefined ? `A whole number from 1 to ${MAX_LAB_CLUSTERS}` : 'Each runs on 127.0.0.1 with its own CA and K10'}
      </span>
    </form>
  );
}
