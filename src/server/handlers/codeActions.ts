import type { CodeAction, CodeActionParams } from 'vscode-languageserver/node';
import type { Finding } from '../../core/diagnostics';
import { toCodeAction, toDiagnostic, type CellUriResolver } from '../convert';
import type { WorkspaceState } from '../workspaceState';

function overlaps(a: Finding['range'], b: CodeActionParams['range']): boolean {
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

/** Quick fixes come from the findings of the last check of this document, so they match its diagnostics exactly. */
export function codeActions(state: WorkspaceState, params: CodeActionParams, cellUri?: CellUriResolver): CodeAction[] {
  if (params.context.only && !params.context.only.some((k) => k === 'quickfix' || k.startsWith('quickfix'))) return [];
  const findings = state.findingsByUri.get(params.textDocument.uri) ?? [];
  const versionOf = (uri: string) => state.documents.get(uri)?.version ?? null;
  const actions: CodeAction[] = [];
  for (const f of findings) {
    if (!f.fixes?.length || !overlaps(f.range, params.range)) continue;
    const diagnostic = toDiagnostic(f);
    for (const fix of f.fixes) {
      try {
        actions.push(toCodeAction(fix, diagnostic, versionOf, cellUri));
      } catch {
        // e.g. a cell edit for a notebook that was closed meanwhile: offer nothing rather than a broken action.
      }
    }
  }
  return actions;
}
