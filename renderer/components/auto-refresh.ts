/**
 * Refresh every few seconds while the window is visible: the next refresh
 * is scheduled when the last one has finished (a slow read never piles up
 * behind itself), nothing runs while the document is hidden, and showing it
 * again refreshes at once. `useAutoRefresh` ties it to a component's life,
 * so leaving the view stops it.
 */
import { useEffect, useRef } from 'react';

/** What the refresher needs of `document`; a test passes a fake. */
export interface VisibilitySource {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/** Calls `refresh` every `intervalMs` while `doc` is visible; returns the function that stops it. */
export function startAutoRefresh(refresh: () => unknown, intervalMs: number, doc: VisibilitySource): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!stopped && !doc.hidden) timer = setTimeout(() => void run(), intervalMs);
  };
  const run = async () => {
    timer = undefined;
    if (stopped || doc.hidden || running) return;
    running = true;
    try {
      await refresh();
    } finally {
      running = false;
      schedule();
    }
  };
  const onVisibility = () => {
    if (doc.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else if (!running) {
      void run();
    }
  };

  doc.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}

/** `startAutoRefresh` for as long as the component is mounted (and `enabled`); the first load is the caller's. */
export function useAutoRefresh(refresh: () => unknown, intervalMs: number, enabled = true): void {
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  });
  useEffect(() => {
    if (!enabled) return;
    return startAutoRefresh(() => latest.current(), intervalMs, document);
  }, [intervalMs, enabled]);
}
