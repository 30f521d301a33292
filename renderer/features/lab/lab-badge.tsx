/** The mark that follows a lab fleet everywhere: header, rows, detail panel. */
import { FlaskIcon } from '../../components/icons.js';

export const LAB_NOTICE = 'Lab fleet — emulated clusters, credentials in memory only';

export function LabBadge({ compact = false }: { compact?: boolean }) {
  return (
    <span className={compact ? 'lab-tag' : 'lab-badge'} title={LAB_NOTICE} data-testid={compact ? 'lab-tag' : 'lab-badge'}>
      <FlaskIcon size={compact ? 11 : 14} />
      {compact ? 'lab' : 'Lab fleet'}
    </span>
  );
}
