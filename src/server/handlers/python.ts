import { readTextFile } from '../../core/fs/fileSystem';
import { toDiagnostic, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { publish } from './diagnostics';

/**
 * `.py` files of a project get MLH110 (imports not declared) and the project checks that point at
 * code (MLH404 notebook-in-production, MLH408 hard-coded hyperparameters), from the open buffer.
 */
export async function refreshPythonDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const doc = state.documents.all().find((d) => uriToPath(d.uri) === path);
  if (!doc) return;
  const engine = await state.engineFor(path);
  const project = await engine.projectFor(path);
  if (!engine.editorSettings.enable || !project) {
    publish(state, doc.uri, []);
    return;
  }
  const texts = new Map<string, string>();
  for (const d of state.documents.all()) {
    const p = uriToPath(d.uri);
    if (p?.endsWith('.py')) texts.set(p, d.getText());
  }
  if (!project.pythonPaths.includes(path)) {
    // A new file the scan has not seen yet.
    const r = await readTextFile(state.fs, path);
    if (r.ok) project.pythonPaths.push(path);
  }
  const findings = [...(await engine.checkProjectImports(project, [], texts)), ...(await engine.checkStructure(project))].filter(
    (f) => f.path === path && (f.code === 'MLH110' || f.code === 'MLH404' || f.code === 'MLH408'),
  );
  state.findingsByUri.set(doc.uri, findings);
  publish(state, doc.uri, findings.map(toDiagnostic), doc.version);
}
