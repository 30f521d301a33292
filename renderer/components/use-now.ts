/** The current time, re-read every `intervalMs` while `active`: for countdowns. */
import { useEffect, useState } from 'react';

export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

/** Whole seconds left until `at` (an ISO time or ms), never below zero. */
export function secondsLeft(at: string | number | undefined, now: number): number {
  if (at === undefined) return 0;
  const t = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.ceil((t - now) / 1000));
}
