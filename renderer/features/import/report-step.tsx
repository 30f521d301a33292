/** Step 3: what the import did — imported, updated, skipped, failed (with why). */
import type { ReactNode } from 'react';
import { useAppStore } from '../../store/store.js';

export function ReportStep() {
  const report = useAppStore((s) => s.importReport);
  const closeImport = useAppStore((s) => s.closeImport);
  const resetImport = useAppStore((s) => s.resetImport);
  if (!report) return null;

  return (
    <div className="report-step" data-testid="import-report">
      <div className="report-grid">
        <ReportGroup title="Imported" tone="ok" names={report.imported} testId="report-imported" />
        <ReportGroup title="Updated" tone="ok" names={report.updated} testId="report-updated" />
        <ReportGroup title="Skipped" tone="muted" names={report.skipped} testId="report-skipped" />
        <ReportGroup
          title="Failed"
          tone="error"
          names={report.failed.map((f) => f.name)}
          testId="report-failed"
          details={report.failed.map((f) => (
            <li key={f.name}>
              <strong>{f.name}</strong>: {f.message}
            </li>
          ))}
        />
      </div>
      <p className="muted">Credentials went to the OS keychain; Flotilla’s state file keeps only names, servers and settings.</p>
      <div className="wizard-footer">
        <button type="button" className="btn" onClick={() => void resetImport()} data-testid="import-more">
          Import more
        </button>
        <button type="button" className="btn btn-primary" onClick={closeImport} data-testid="import-done">
          Show the fleet
        </button>
      </div>
    </div>
  );
}

function ReportGroup({ title, tone, names, testId, details }: { title: string; tone: 'ok' | 'muted' | 'error'; names: string[]; testId: string; details?: ReactNode }) {
  return (
    <section className={`report-group report-group--${tone}`} data-testid={testId} data-count={names.length} aria-label={title}>
      <div className="report-count">{names.length}</div>
      <div className="report-title">{title}</div>
      {names.length > 0 && <ul className="report-names">{details ?? names.map((n) => <li key={n}>{n}</li>)}</ul>}
    </section>
  );
}
