import path from 'node:path';
// A plain require, not `import * as`: see extension.ts (no per-file copy of the API object at load).
import vscode = require('vscode');
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type ExtractPlanParams, type ExtractPlanResult, type ExtractSuggestResult, type ExtractTarget } from '../protocol/protocol';

/** Arguments from the lightbulb (`notebookUri`), the MLH210 fix (`notebookPath`), tests (everything), or nothing (palette). */
export interface ExtractCommandArgs {
  notebookUri?: string;
  notebookPath?: string;
  codeCellIndex?: number;
  /** The last code cell of a range (inclusive), for scripts and tests. */
  lastCodeCellIndex?: number;
  /** Given by scripts and tests: skip the prompts. */
  modulePath?: string;
  functionName?: string;
}

function codeCellIndexOf(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell): number {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).indexOf(cell);
}

/** Which notebook and code cell: from the arguments, the cell toolbar (a NotebookCell), or the active editor's selection. */
function resolveTarget(arg: ExtractCommandArgs | vscode.NotebookCell | undefined): ExtractTarget | undefined {
  if (arg && 'notebook' in arg && 'document' in arg) {
    const index = codeCellIndexOf(arg.notebook, arg);
    return index >= 0 ? { notebookUri: arg.notebook.uri.toString(), codeCellIndex: index } : undefined;
  }
  const args = (arg ?? {}) as ExtractCommandArgs;
  const editor = vscode.window.activeNotebookEditor;
  let notebookUri = args.notebookUri;
  if (!notebookUri && args.notebookPath) {
    notebookUri = vscode.workspace.notebookDocuments.find((n) => n.uri.scheme === 'file' && n.uri.fsPath === args.notebookPath)?.uri.toString();
  }
  notebookUri ??= editor?.notebook.uri.toString();
  if (!notebookUri) return undefined;
  let codeCellIndex = args.codeCellIndex;
  let lastCodeCellIndex = args.lastCodeCellIndex;
  if (codeCellIndex === undefined && editor && editor.notebook.uri.toString() === notebookUri) {
    // Every selected cell (shift-click or shift-arrow selects a run): the code cells from the first to the last.
    const selected = (editor.selections.length ? editor.selections : [editor.selection]).flatMap((range) => editor.notebook.getCells(range));
    const codeIndices = selected.filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => codeCellIndexOf(editor.notebook, c));
    codeCellIndex = codeIndices.length ? Math.min(...codeIndices) : -1;
    if (codeIndices.length > 1) lastCodeCellIndex = Math.max(...codeIndices);
  }
  if (codeCellIndex === undefined || codeCellIndex < 0) return undefined;
  return lastCodeCellIndex !== undefined && lastCodeCellIndex > codeCellIndex ? { notebookUri, codeCellIndex, lastCodeCellIndex } : { notebookUri, codeCellIndex };
}

async function pickModule(s: ExtractSuggestResult): Promise<string | undefined> {
  const rel = (p: string) => path.relative(s.projectRoot, p);
  type Item = vscode.QuickPickItem & { modulePath?: string };
  const items: Item[] = [
    { label: rel(s.modulePath), description: s.createsPackage ? 'new package and module' : s.existingModules.includes(s.modulePath) ? 'append' : 'new module', detail: s.importPathNote, modulePath: s.modulePath },
    ...s.existingModules.filter((m) => m !== s.modulePath).map((m) => ({ label: rel(m), description: 'append', modulePath: m })),
    { label: 'Other module…', description: 'type a path relative to the project' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Extract cell to module: target module', placeHolder: 'Where should the function go?' });
  if (!choice) return undefined;
  if (choice.modulePath) return choice.modulePath;
  const typed = await vscode.window.showInputBox({
    title: 'Extract cell to module: module path',
    value: rel(s.modulePath),
    validateInput: (v) => (/\.py$/.test(v.trim()) ? undefined : 'A Python module path ending in .py'),
  });
  return typed ? path.resolve(s.projectRoot, typed.trim()) : undefined;
}

/**
 * **Extract cell to module**: the server plans (parameters, returns, refusals); the client only asks
 * where and how to name it, then applies the plan as one WorkspaceEdit, so a single undo restores
 * both the notebook cell and the module.
 */
export async function extractCell(client: LanguageClient, arg?: ExtractCommandArgs | vscode.NotebookCell): Promise<ExtractPlanResult | undefined> {
  const target = resolveTarget(arg);
  if (!target) {
    void vscode.window.showWarningMessage('ML Hygiene: select a code cell of a saved notebook to extract it.');
    return undefined;
  }
  const given = (arg && !('notebook' in arg) ? arg : {}) as ExtractCommandArgs;
  let modulePath = given.modulePath;
  let functionName = given.functionName;
  let note = '';
  if (!modulePath || !functionName) {
    const suggestion = await client.sendRequest<ExtractSuggestResult | null>(Requests.extractSuggest, target);
    if (!suggestion) {
      void vscode.window.showWarningMessage('ML Hygiene: the notebook must be open and saved to a file to extract a cell.');
      return undefined;
    }
    note = suggestion.importPathNote;
    modulePath ??= await pickModule(suggestion);
    if (!modulePath) return undefined;
    functionName ??= await vscode.window.showInputBox({
      title: 'Extract cell to module: function name',
      value: suggestion.functionName,
      validateInput: (v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? undefined : 'A Python identifier'),
    });
    if (!functionName) return undefined;
  }
  const params: ExtractPlanParams = { ...target, modulePath, functionName };
  const plan = await client.sendRequest<ExtractPlanResult>(Requests.extractPlan, params);
  if (!plan.ok) {
    void vscode.window.showErrorMessage(`ML Hygiene cannot extract this cell without changing what it does: ${plan.reason}`);
    return plan;
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(plan.edit as Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]);
  if (!edit || !(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('ML Hygiene: the extraction could not be applied (the notebook or module changed meanwhile?).');
    return plan;
  }
  const moved = plan.hoisted?.length ? `Moved ${plan.hoisted.join(', ')} to the module unchanged. ` : '';
  const fn = plan.functionName ? `Extracted into ${plan.functionName}(${plan.parameters.join(', ')})${plan.returns.length ? ` → ${plan.returns.join(', ')}` : ''}.` : '';
  const keptBack = plan.keptBack?.length ? ` Kept with the rest: ${plan.keptBack.map((k) => `${k.name} (${k.reason})`).join('; ')}.` : '';
  const importCells = (plan.importCells ?? []).map((c) => ` Imports cell ${c.codeIndex} ${c.emptied ? 'emptied' : c.removed ? 'trimmed' : 'kept'}: ${c.reason}.`).join('');
  const summary = `${moved}${fn}${keptBack}${importCells}`.trim();
  void vscode.window.showInformationMessage(`${summary} ${note || plan.importPathNote} A running kernel keeps old modules: restart it (or use %autoreload) before re-running the cell.`);
  return plan;
}
