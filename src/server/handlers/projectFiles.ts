import { basename } from '../../core/fs/paths';
import { isDockerfile } from '../../core/rules/structure/dockerfile';
import { toDiagnostic, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { publish } from './diagnostics';

const CONFIG_NAMES = new Set(['.dockerignore', '.gitlab-ci.yml', 'Jenkinsfile', 'tox.ini', 'pyrightconfig.json', 'mypy.ini', '.mypy.ini']);

/**
 * CI, container and type-checker files: the project checks report on them (MLH409/MLH410 on a
 * type-checker config, MLH417/MLH418 on a workflow, MLH419-MLH421 on a Dockerfile). `.dockerignore`
 * has no findings of its own but changes the Dockerfile's.
 */
export function isProjectConfigFile(path: string): boolean {
  return isDockerfile(path) || CONFIG_NAMES.has(basename(path)) || /\/\.(github|gitea|forgejo)\/workflows\/[^/]+\.ya?ml$/.test(path);
}

/** Re-runs the project checks of the file's project and publishes, for every open CI/container/config file of it, the findings that land there. */
export async function refreshProjectFileDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const engine = await state.engineFor(path);
  const project = await engine.projectFor(path);
  const open = state.documents.all().map((doc) => ({ doc, path: uriToPath(doc.uri) })).filter((x): x is { doc: typeof x.doc; path: string } => !!x.path && isProjectConfigFile(x.path));
  const findings = engine.editorSettings.enable && project ? await engine.checkStructure(project) : [];
  for (const { doc, path: p } of open) {
    if (p !== path && (!project || (await engine.projectFor(p))?.root !== project.root)) continue;
    if (state.documents.get(doc.uri) !== doc) continue; // closed while we checked
    const mine = findings.filter((f) => f.path === p);
    state.findingsByUri.set(doc.uri, mine);
    publish(state, doc.uri, mine.map(toDiagnostic), doc.version);
  }
}
