/** Messages beside the thing they concern (a form, a view), styled as the import wizard's scan error. */
import type { ReactNode } from 'react';
import type { AppErrorDto } from '../../shared/contract/index.js';
import { errorText } from '../store/app.slice.js';
import { AlertIcon, InfoIcon } from './icons.js';

export function InlineError({ error, testId }: { error: AppErrorDto | string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <div className="callout callout--error" role="alert" data-testid={testId} data-code={typeof error === 'string' ? undefined : error.code}>
      <AlertIcon />
      <div>{typeof error === 'string' ? error : errorText(error)}</div>
    </div>
  );
}

export function InlineWarning({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="callout callout--warning" role="status" data-testid={testId}>
      <AlertIcon />
      <div>{children}</div>
    </div>
  );
}

export function InlineInfo({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="callout callout--info" role="status" data-testid={testId}>
      <InfoIcon />
      <div>{children}</div>
    </div>
  );
}
