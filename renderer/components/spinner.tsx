/** A small busy indicator; the label is for screen readers. */
export function Spinner({ label = 'Working…' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}
