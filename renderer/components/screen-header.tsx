/** The top of a workflow screen: the way back, its title, what it concerns, and room for actions on the right. */
import type { ReactNode } from 'react';
import { ArrowLeftIcon } from './icons.js';

export interface ScreenHeaderProps {
  title: string;
  subtitle?: ReactNode;
  backLabel?: string;
  onBack?(): void;
  children?: ReactNode;
}

export function ScreenHeader({ title, subtitle, backLabel = 'Fleet', onBack, children }: ScreenHeaderProps) {
  return (
    <div className="screen-header">
      {onBack && (
        <button type="button" className="btn btn-ghost screen-back" onClick={onBack} data-testid="screen-back">
          <ArrowLeftIcon />
          {backLabel}
        </button>
      )}
      <div className="screen-titles">
        <h1>{title}</h1>
        {subtitle && <div className="screen-subtitle">{subtitle}</div>}
      </div>
      {children && <div className="screen-header-actions">{children}</div>}
    </div>
  );
}
