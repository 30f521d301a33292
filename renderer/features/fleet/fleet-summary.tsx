/** The line above the table: clusters, reachable, primaries, secondaries, failing (as main counts them). */
import { useAppStore } from '../../store/store.js';

export function FleetSummary() {
  const summary = useAppStore((s) => s.summary);
  const items: { key: keyof typeof summary; label: string; tone?: string }[] = [
    { key: 'clusters', label: summary.clusters === 1 ? 'cluster' : 'clusters' },
    { key: 'reachable', label: 'reachable', tone: summary.reachable < summary.clusters ? 'warn' : 'ok' },
    { key: 'primaries', label: summary.primaries === 1 ? 'primary' : 'primaries' },
    { key: 'secondaries', label: summary.secondaries === 1 ? 'secondary' : 'secondaries' },
    { key: 'failing', label: 'failing', tone: summary.failing > 0 ? 'bad' : undefined },
  ];
  return (
    <dl className="fleet-summary" aria-label="Fleet summary" data-testid="fleet-summary">
      {items.map(({ key, label, tone }) => (
        <div key={key} className={tone ? `summary-item summary-item--${tone}` : 'summary-item'} data-testid={`summary-${key}`} data-value={summary[key]}>
          <dt>{label}</dt>
          <dd>{summary[key]}</dd>
        </div>
      ))}
    </dl>
  );
}
