import { toDiagnostic, uriToPath } from '../convert';
import type { WorkspaceState } from '../workspaceState';
import { publish } from './diagnostics';

/**
 * `.py` files of a project get MLH110 (imports not declared) and the project checks that point at
 * code (MLH404 notebook-in-production, MLH408 hard-coded hyperparameters), from the open buffer
 * (the server's file system overlays open documents on the disk).
 */
export async function refreshPythonDiagnostics(state: WorkspaceState, path: string): Promise<void> {
  const doc = state.documents.all().find((d) => uriToPath(d.uri) === path);
  if (!doc) return;
  const engine = await state.engineFor(path);
  const findings = engine.editorSettings.enable ? await engine.checkPythonFile(path) : [];
  state.findingsByUri.set(doc.uri, findings);
  publish(state, doc.uri, findings.map(toDiagnostic), doc.version);
}
