/**
 * What the About section shows: the versions of Flotilla and of what it runs
 * on, and the licenses of the production dependencies bundled into the app.
 *
 * client-node's version and the license list come from a module generated at
 * build time from package-lock.json (build/gen-about.mjs), not from
 * node_modules: the packaged app ships none, and the lockfile is what was
 * actually bundled.
 */
import type { About } from '../../shared/contract/app.js';
import { BUNDLED_LICENSES, CLIENT_NODE_VERSION } from './bundled.generated.js';

/** The About data; `versions` defaults to this process's (Electron's only when running in it). */
export function about(flotillaVersion: string, versions: NodeJS.ProcessVersions = process.versions): About {
  return {
    versions: {
      flotilla: flotillaVersion,
      electron: versions.electron ?? null,
      node: versions.node,
      clientNode: CLIENT_NODE_VERSION,
    },
    licenses: BUNDLED_LICENSES.map((l) => ({ ...l })),
  };
}
