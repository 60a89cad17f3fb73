import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type WorkspaceEdit as LspWorkspaceEdit,
  type TextDocumentEdit,
  type CreateFile,
} from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import type { Finding, Fix, WorkspaceEdit } from '../core/diagnostics';
import { ruleDocsHref } from '../core/rules/rule';

export function pathToUri(path: string): string {
  return URI.file(path).toString();
}

export function uriToPath(uri: string): string | undefined {
  const u = URI.parse(uri);
  return u.scheme === 'file' ? u.fsPath.replace(/\\/g, '/') : undefined;
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: ruleDocsHref(f.code) },
    source: 'ml-hygiene',
    message: f.message,
    ...(f.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

/** Resolves a cell index to its document URI (notebook sync); undefined when the notebook is not open. */
export type CellUriResolver = (notebookPath: string, cellIndex: number) => string | undefined;
export type VersionOf = (uri: string) => number | null;

export function toLspWorkspaceEdit(edit: WorkspaceEdit, versionOf: VersionOf, cellUri?: CellUriResolver): LspWorkspaceEdit {
  const documentChanges: Array<TextDocumentEdit | CreateFile> = [];
  for (const op of edit.operations) {
    if (op.kind === 'create') {
      const uri = pathToUri(op.path);
      // overwrite:false + ignoreIfExists:false: the edit fails rather than replace a file we did not create.
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: op.content }] });
    } else if (op.kind === 'edit') {
      const uri = pathToUri(op.path);
      documentChanges.push({ textDocument: { uri, version: versionOf(uri) }, edits: op.edits });
    } else {
      const uri = cellUri?.(op.path, op.cell);
      if (!uri) throw new Error('the notebook must be open to edit its cells');
      documentChanges.push({ textDocument: { uri, version: versionOf(uri) }, edits: op.edits });
    }
  }
  return { documentChanges };
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic | undefined, versionOf: VersionOf, cellUri?: CellUriResolver): CodeAction {
  const action = CodeAction.create(fix.title, CodeActionKind.QuickFix);
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.edit) action.edit = toLspWorkspaceEdit(fix.edit, versionOf, cellUri);
  if (fix.command) action.command = { title: fix.command.title, command: fix.command.id, ...(fix.command.arguments ? { arguments: fix.command.arguments } : {}) };
  if (fix.isPreferred) action.isPreferred = true;
  return action;
}
