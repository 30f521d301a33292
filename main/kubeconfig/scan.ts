/**
 * One scan: inputs → parsed files → merged (kubectl's rules) → one candidate
 * per context, with its auth kind, its problems and the name it would be
 * imported under. The resolved contexts (which hold secrets) stay with the
 * scan in main; the renderer gets the Candidate DTOs.
 */
import type { Candidate, FileReport, Problem } from '../../shared/contract/kubeconfig.js';
import { detectAuthKind } from './auth-kind.js';
import { findExecutable, type SearchPath } from '../kube/exec-path.js';
import { readFileLimited, type FileRead } from './files.js';
import { mergeKubeconfigs, resolveContexts, type ResolvedContext } from './merge.js';
import { materialize, readReferences } from './materialize.js';
import type { KubeconfigFile } from './model.js';
import { toClusterName, uniqueName } from './names.js';
import { parseKubeconfig } from './parse.js';
import { redactServerUrl } from './credentials.js';
import { contextProblems } from './problems.js';
import type { SourceInput } from './sources.js';

/** A cluster already in Flotilla, as far as naming is concerned. */
export interface ExistingName {
  id: string;
  name: string;
  server: string;
  source: 'imported' | 'lab';
}

export interface ScanDeps {
  now: Date;
  existing: readonly ExistingName[];
  /** The PATH to look exec plugins up in (asked only when a context uses one). */
  searchPath: () => Promise<SearchPath>;
  read?: (path: string) => Promise<FileRead>;
}

export interface ScannedCandidate {
  dto: Candidate;
  context: ResolvedContext;
}

export interface BuiltScan {
  candidates: ScannedCandidate[];
  files: FileReport[];
  execSearchPath?: string;
}

/** Parses, merges and judges `inputs`; reads referenced files; never writes anything. */
export async function buildScan(inputs: readonly SourceInput[], deps: ScanDeps): Promise<BuiltScan> {
  const files: FileReport[] = [];
  const parsed: KubeconfigFile[] = [];
  for (const input of inputs) {
    const path = input.origin.path ?? input.origin.label;
    if ('error' in input) {
      files.push({ path, ok: false, error: input.error, contexts: 0 });
      continue;
    }
    const r = parseKubeconfig(input.text, input.origin);
    if (!r.ok) files.push({ path, ok: false, error: r.error, contexts: 0 });
    else {
      parsed.push(r.file);
      files.push({ path, ok: true, contexts: r.file.contexts.length });
    }
  }

  const resolved = resolveContexts(mergeKubeconfigs(parsed), parsed);
  // Many contexts share a CA file: read each referenced file once per scan.
  const cache = new Map<string, Promise<FileRead>>();
  const read = deps.read ?? readFileLimited;
  const cachedRead = (p: string) => {
    let r = cache.get(p);
    if (!r) cache.set(p, (r = read(p)));
    return r;
  };
  const needsExec = resolved.some((rc) => rc.user?.value.exec);
  const search = needsExec ? await deps.searchPath() : undefined;
  const execLookups = new Map<string, Promise<string | undefined>>();

  const naming = new Naming(deps.existing);
  const candidates: ScannedCandidate[] = [];
  for (const [i, rc] of resolved.entries()) {
    const { value: m, missing } = materialize(rc, await readReferences(rc, cachedRead));
    let exec: { found?: string; search: SearchPath } | undefined;
    if (m.user.exec && search) {
      const cmd = m.user.exec.command;
      if (!execLookups.has(cmd)) execLookups.set(cmd, findExecutable(cmd, search.path));
      exec = { found: await execLookups.get(cmd), search };
    }
    const problems = contextProblems(rc, m, { now: deps.now, missing, exec });
    const named = naming.suggest(rc.context.name, rc.cluster?.value.server ?? '');
    const ctx = rc.context;
    candidates.push({
      context: rc,
      dto: {
        id: `c${i + 1}`,
        contextName: ctx.name,
        clusterName: ctx.value.cluster,
        userName: ctx.value.user,
        server: redactServerUrl(rc.cluster?.value.server ?? ''),
        ...(ctx.value.namespace ? { namespace: ctx.value.namespace } : {}),
        authKind: detectAuthKind(rc.user?.value),
        ...(ctx.origin.path ? { sourceFile: ctx.origin.path } : {}),
        problems: sortProblems([...problems, ...named.problems]),
        suggestedName: named.name,
        ...(named.existingClusterId ? { existingClusterId: named.existingClusterId } : {}),
      },
    });
  }
  return { candidates, files, ...(search ? { execSearchPath: search.path } : {}) };
}

/**
 * Suggests unique names: a context whose name matches an imported cluster
 * gets that name and `existingClusterId` (update or skip); any other clash —
 * with a lab cluster, or with an earlier context of this scan — gets `-2`,
 * `-3`, … and a warning saying why.
 */
class Naming {
  private readonly byName = new Map<string, ExistingName>();
  private readonly used = new Map<string, string>(); // suggested name → context it went to

  constructor(existing: readonly ExistingName[]) {
    for (const e of existing) this.byName.set(e.name, e);
  }

  suggest(contextName: string, server: string): { name: string; existingClusterId?: string; problems: Problem[] } {
    const base = toClusterName(contextName);
    const existing = this.byName.get(base);
    const problems: Problem[] = [];
    if (existing?.source === 'imported' && !this.used.has(base)) {
      this.used.set(base, contextName);
      const elsewhere = existing.server && server && existing.server.replace(/\/+$/, '') !== server.replace(/\/+$/, '');
      problems.push({
        code: 'already-imported',
        severity: 'warning',
        message:
          `A cluster named "${base}" is already imported (server ${existing.server || 'unknown'}). Importing updates it, replacing its credentials, or skips it; give this one another name to keep both.` +
          (elsewhere ? ` Note that this context points at a different server (${redactServerUrl(server)}).` : ''),
      });
      return { name: base, existingClusterId: existing.id, problems };
    }
    const name = uniqueName(base, (n) => this.used.has(n) || this.byName.has(n));
    if (name !== base) {
      const why = this.used.has(base)
        ? `Context "${this.used.get(base)}" in this scan would also be named "${base}"`
        : existing?.source === 'lab'
          ? `A lab cluster is named "${base}"`
          : `A cluster named "${base}" already exists`;
      problems.push({ code: 'duplicate-name', severity: 'warning', message: `${why}, so this one would be imported as "${name}"; rename it if you prefer.` });
    }
    this.used.set(name, contextName);
    return { name, problems };
  }
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
