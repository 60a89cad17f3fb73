import type { TextDocument } from 'vscode-languageserver-textdocument';
import { basename } from '../../core/fs/paths';
import { isRequirementsFile } from '../../core/project/discovery';
import { toDiagnostic, pathToUri, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';

/** Which open text documents the dependency rules speak about. */
export function isDependencyFile(path: string): boolean {
  const name = basename(path);
  return name === 'pyproject.toml' || isRequirementsFile(path) || /^(uv|poetry|pdm)\.lock$/.test(name) || /^pylock(\.[^.]+)?\.toml$/.test(name);
}

/**
 * Re-checks the project a document belongs to and publishes diagnostics for every *open* document
 * of that project (a change in pyproject.toml can clear a finding shown on requirements.txt).
 * Closed documents get none: the Problems panel should follow what the user has open.
 */
export async function refreshDependencyDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const engine = await state.engineFor(path);
  if (!engine.editorSettings.enable) {
    publish(state, pathToUri(path), []);
    return;
  }
  const project = await engine.projectFor(path);
  if (!project) {
    publish(state, pathToUri(path), []);
    return;
  }
  const findings = [...(await engine.checkDependencies(project)), ...(await engine.checkPyprojectStructure(project))];
  const openPaths = state.documents
    .all()
    .map((d) => ({ doc: d, path: uriToPath(d.uri) }))
    .filter((x): x is { doc: TextDocument; path: string } => !!x.path && isDependencyFile(x.path) && engine.options.workspaceRoot.length <= x.path.length);
  const sameProject = [];
  for (const entry of openPaths) if ((await engine.projectFor(entry.path))?.root === project.root) sameProject.push(entry);
  // No await from here on: a document closed while we checked must not get diagnostics again.
  for (const { doc, path: p } of sameProject) {
    if (state.documents.get(doc.uri) !== doc) continue;
    const mine = findings.filter((f) => f.path === p);
    state.findingsByUri.set(doc.uri, mine);
    publish(state, doc.uri, mine.map(toDiagnostic), doc.version);
  }
}

/**
 * The one way diagnostics leave the server. Checks are asynchronous and a document can close while
 * one runs: findings are only ever sent for documents (and notebook cells) open right now; clearing
 * (an empty list) is always allowed.
 */
export function publish(state: WorkspaceState, uri: string, diagnostics: ReturnType<typeof toDiagnostic>[], version?: number): void {
  if (!diagnostics.length) state.findingsByUri.delete(uri);
  else if (!state.documents.get(uri)) {
    state.findingsByUri.delete(uri);
    return;
  }
  void state.connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
}
