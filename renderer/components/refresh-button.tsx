/** "Refresh" in a view's toolbar: a spinner in place of the icon while the view reads again. */
import { RefreshIcon } from './icons.js';
import { Spinner } from './spinner.js';

export function RefreshButton({ onClick, loading, testId, label = 'Refresh', title }: { onClick: () => void; loading: boolean; testId: string; label?: string; title?: string }) {
  return (
    <button type="button" className="btn btn-small" onClick={onClick} disabled={loading} title={title} data-testid={testId}>
      {loading ? <Spinner label="Loading" /> : <RefreshIcon />}
      {label}
    </button>
  );
}
