/**
 * Cluster names in Flotilla: lowercase letters, digits, '-' and '.', at most
 * 63 characters, starting and ending with a letter or digit (the contract's
 * ImportSelection rule). Context names are anything (`arn:aws:eks:…/prod`,
 * `gke_project_zone_name`, `Default`), so they are turned into one, and made
 * unique against the fleet and the rest of a scan.
 */

export const MAX_NAME_LENGTH = 63;

/** The cluster name a context name suggests; always valid, never empty. */
export function toClusterName(contextName: string): string {
  const name = trimEdges(
    contextName
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/-{2,}/g, '-'),
  );
  return trimEdges(name.slice(0, MAX_NAME_LENGTH)) || 'cluster';
}

/**
 * `base` if it is free, else `base-2`, `base-3`, … (shortening `base` so the
 * result still fits in 63 characters).
 */
export function uniqueName(base: string, isTaken: (name: string) => boolean): string {
  if (!isTaken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const stem = trimEdges(base.slice(0, MAX_NAME_LENGTH - suffix.length)) || 'cluster';
    const candidate = `${stem}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}

function trimEdges(s: string): string {
  return s.replace(/^[^a-z0-9]+/, '').replace(/[^a-z0-9]+$/, '');
}
