import type { NotebookDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { planCellsExtraction, suggestFunctionName, suggestModulePath } from '../../core/extract';
import { dirname, joinPath } from '../../core/fs/paths';
import type { ExtractPlanParams, ExtractPlanResult, ExtractSuggestResult, ExtractTarget } from '../../protocol/protocol';
import { toLspWorkspaceEdit, uriToPath, type CellUriResolver } from '../convert';
import type { WorkspaceState } from '../workspaceState';

const CODE_CELL = 2;

/** Live sources of the notebook's cells from sync: code cells in order, and the markdown before each. */
function liveCells(notebooks: NotebookDocuments<TextDocument>, notebookUri: string): { code: string[]; markdownBefore: (string | undefined)[] } | undefined {
  const nb = notebooks.getNotebookDocument(notebookUri);
  if (!nb) return undefined;
  const code: string[] = [];
  const markdownBefore: (string | undefined)[] = [];
  let lastMarkdown: string | undefined;
  for (const cell of nb.cells) {
    const text = notebooks.getCellTextDocument(cell)?.getText() ?? '';
    if (cell.kind === CODE_CELL) {
      code.push(text);
      markdownBefore.push(lastMarkdown);
      lastMarkdown = undefined;
    } else lastMarkdown = text;
  }
  return { code, markdownBefore };
}

async function projectRootOf(state: WorkspaceState, notebookPath: string): Promise<string> {
  const engine = await state.engineFor(notebookPath);
  return (await engine.projectFor(notebookPath))?.root ?? dirname(notebookPath);
}

export async function extractSuggest(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, target: ExtractTarget): Promise<ExtractSuggestResult | null> {
  const path = uriToPath(target.notebookUri);
  const cells = liveCells(notebooks, target.notebookUri);
  if (!path || !cells || cells.code[target.codeCellIndex] === undefined) return null;
  const projectRoot = await projectRootOf(state, path);
  const selected = cells.code.slice(target.codeCellIndex, (target.lastCodeCellIndex ?? target.codeCellIndex) + 1).join('\n');
  const functionName = suggestFunctionName(selected, cells.markdownBefore[target.codeCellIndex], target.codeCellIndex);
  const module = await suggestModulePath(state.fs, projectRoot, path, functionName);
  const existingModules: string[] = [];
  const packageDir = dirname(module.path);
  try {
    for (const e of await state.fs.readDirectory(packageDir)) {
      if (e.kind === 'file' && e.name.endsWith('.py') && e.name !== '__init__.py' && e.name !== '__main__.py') existingModules.push(joinPath(packageDir, e.name));
    }
  } catch {
    // The package does not exist yet: the suggestion creates it.
  }
  return {
    functionName,
    modulePath: module.path,
    createsPackage: module.createsPackage,
    ...(module.packageName ? { packageName: module.packageName } : {}),
    importPathNote: module.importPathNote,
    existingModules: existingModules.sort(),
    projectRoot,
  };
}

/** The plan as one LSP workspace edit: new module (or append) and the rewritten cell, undone together. */
export async function extractPlan(state: WorkspaceState, notebooks: NotebookDocuments<TextDocument>, params: ExtractPlanParams, cellUri: CellUriResolver): Promise<ExtractPlanResult> {
  const path = uriToPath(params.notebookUri);
  const cells = liveCells(notebooks, params.notebookUri);
  if (!path || !cells) return { ok: false, reason: 'Open the notebook in the editor to extract one of its cells.' };
  const plan = await planCellsExtraction(state.fs, {
    notebookPath: path,
    cells: cells.code,
    codeCellIndex: params.codeCellIndex,
    ...(params.lastCodeCellIndex !== undefined ? { lastCodeCellIndex: params.lastCodeCellIndex } : {}),
    modulePath: params.modulePath,
    functionName: params.functionName,
    projectRoot: await projectRootOf(state, path),
  });
  if (!plan.ok) return plan;
  const versionOf = (uri: string) => state.documents.get(uri)?.version ?? null;
  return {
    ok: true,
    edit: toLspWorkspaceEdit(plan.edit, versionOf, cellUri),
    parameters: plan.parameters,
    returns: plan.returns,
    callLine: plan.callLine,
    importLine: plan.importLine,
    importPathNote: plan.importPathNote,
    hoisted: plan.hoisted,
    ...(plan.functionName ? { functionName: plan.functionName } : {}),
    keptBack: plan.keptBack,
    ...(plan.importCells?.length ? { importCells: plan.importCells.map((c) => ({ codeIndex: c.codeIndex, emptied: c.emptied, reason: c.reason })) } : {}),
  };
}
