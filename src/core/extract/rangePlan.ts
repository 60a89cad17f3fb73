/**
 * "Extract cells to module": one cell or a run of cells, with definitions hoisted.
 *
 * The selected cells are read as one piece of code (they ran one after the other in the notebook
 * namespace, so names flow between them exactly as between the statements of one cell). Then:
 * - top-level `def`, `class` and literal constants the module can hold unchanged (hoist.ts) move to
 *   module level, and the notebook imports them back: `from pkg.mod import Model, helper`;
 * - what remains stays in the cell when it is only imports and expressions (calls, a displayed
 *   value), else becomes a function exactly as "Extract cell to module" makes it (plan.ts), whose
 *   refusals still apply;
 * - the first selected cell receives the new code, the others are emptied: one edit, one undo.
 * A single cell with nothing to hoist is planned by plan.ts alone, unchanged.
 * Pure: files only through `FileSystem`.
 */
import { analyzeCell } from '../analysis/cellAnalysis';
import type { EditOperation, TextEdit } from '../diagnostics';
import { readTextFile, type FileSystem } from '../fs/fileSystem';
import { basename, relativePath } from '../fs/paths';
import { LineIndex } from '../text/lineIndex';
import { planHoisting, withEvidentAnnotations, withoutHoistedRows, type HoistCell, type HoistedDefinition } from './hoist';
import { moduleImportBindings, readersText, remainingReaders, settleImportCells, type ImportsCellOutcome } from './importCells';
import { cellSourceEdit, readNotebookForEdit, type LocatedCell } from './ipynbText';
import { keptInCell, type KeptInCell } from './keptInCell';
import { locateModule } from './naming';
import { appendToModule, dedupeImports, importResolution, planExtraction, renderImports, wrap, type ExtractPlan, type ExtractRequest } from './plan';
import { displayedExpression, withCellSyntax, type ImportBinding } from './pySyntax';

export type CellsExtractPlan =
  | (Extract<ExtractPlan, { ok: true }> & {
      /** Names moved to module level unchanged, in order. */
      hoisted: string[];
      /** The remaining code became this function (absent when it stayed in the cell). */
      functionName?: string;
      /** Top-level definitions that stayed with the rest of the code, and why. */
      keptBack: Array<{ name: string; reason: string }>;
      /** Imports-only cells sharing a name with the moved code: emptied by the edit, or kept and why. */
      importCells?: ImportsCellOutcome[];
    })
  | { ok: false; reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function normalise(source: string): string {
  return source.replace(/\r\n?/g, '\n');
}

/** `a = 1` and `def f` are separated by blank lines the way PEP 8 separates them at module level. */
function joinDefinitions(hoisted: HoistedDefinition[], source: string): string {
  let text = '';
  hoisted.forEach((h, i) => {
    if (i > 0) text += hoisted[i - 1]!.kind === 'constant' && h.kind === 'constant' ? '\n' : '\n\n\n';
    text += withEvidentAnnotations(h, source);
  });
  return text;
}

export async function planCellsExtraction(fs: FileSystem, req: ExtractRequest): Promise<CellsExtractPlan> {
  // Read once; the planners below get the text and the cells, so none of them reads the file again.
  const notebook = await readNotebookForEdit(fs, req.notebookPath, req.notebookText);
  if (!notebook.ok) return refuse(notebook.reason);
  const fileCodeCells = notebook.cells.filter((c) => c.kind === 'code');
  const rawSources = req.cells ?? fileCodeCells.map((c) => c.source);
  const read: ExtractRequest = { ...req, notebookText: notebook.text, cells: rawSources };
  const first = req.codeCellIndex;
  const last = req.lastCodeCellIndex ?? first;
  const inRange = Number.isInteger(first) && Number.isInteger(last) && first >= 0 && first <= last && last < rawSources.length && rawSources.length === fileCodeCells.length;
  // Magics and `del` at the top of the first selected cell and at the bottom of the last stay in the notebook.
  const selected = inRange ? rawSources.slice(first, last + 1).map(normalise) : [];
  const top = inRange ? keptInCell(selected[0]!, { top: true, bottom: first === last, after: selected.slice(1).join('\n') }) : undefined;
  if (top && 'refusal' in top) return refuse(top.refusal);
  const bottom = inRange && first !== last ? keptInCell(selected[selected.length - 1]!, { top: false, bottom: true, before: selected.slice(0, -1).join('\n') }) : undefined;
  if (bottom && 'refusal' in bottom) return refuse(bottom.refusal);
  const kept = [top, bottom].filter((k): k is KeptInCell => k !== undefined);
  if (!kept.length) {
    const plan = await planSelection(fs, read);
    return plan.ok ? withImportCells(fs, read, plan) : plan;
  }
  const blanked = rawSources.map((s, j) => (j === first && top ? top.blanked : j === last && bottom ? bottom.blanked : s));
  const boundAbove = top?.boundAbove ?? [];
  const readBelow = kept.flatMap((k) => k.readBelow);
  const planned = await planSelection(
    fs,
    { ...read, cells: blanked, ...(boundAbove.length ? { boundAbove } : {}), ...(readBelow.length ? { readBelow } : {}) },
    top?.top ? top.what : undefined,
  );
  if (!planned.ok) return planned;
  const around = { top: kept.map((k) => k.top).filter(Boolean).join('\n'), bottom: kept.map((k) => k.bottom).filter(Boolean).join('\n') };
  // The planner saw blanked cells: its cell edits must cover the cells as the editor has them.
  const originals = new Map([first, last].map((j) => [fileCodeCells[j]!.cellIndex, rawSources[j]!]));
  const plan = withKeptRows(planned, around, { notebookText: notebook.text, notebookPath: req.notebookPath, target: fileCodeCells[first]!, codeIndex: first, originals });
  return plan.ok ? withImportCells(fs, read, plan) : plan;
}

/** The rows that stayed in the cells (keptInCell.ts) go back around the first cell's new text. */
function withKeptRows(
  plan: Extract<CellsExtractPlan, { ok: true }>,
  around: { top: string; bottom: string },
  at: { notebookText: string; notebookPath: string; target: LocatedCell; codeIndex: number; originals: Map<number, string> },
): CellsExtractPlan {
  const { notebookText, notebookPath, target, originals } = at;
  const cellText = [around.top, plan.cellText, around.bottom].filter(Boolean).join('\n');
  const planned = cellSourceEdit(notebookText, target, plan.cellText);
  const edit = cellSourceEdit(notebookText, target, cellText);
  if (!planned || !edit) return refuse(`Code cell ${at.codeIndex} has no "source" field in ${basename(notebookPath)}; save the notebook from Jupyter or VS Code first.`);
  const sameRange = (e: TextEdit) => JSON.stringify(e.range) === JSON.stringify(planned.range);
  if (plan.ipynbEdit.filter(sameRange).length !== 1) return refuse('Internal error: the planned notebook edit lacks the first cell.');
  const operations = plan.edit.operations.map((op) => {
    const original = op.kind === 'cellEdit' && op.path === notebookPath ? originals.get(op.cell) : undefined;
    if (original === undefined || op.kind !== 'cellEdit') return op;
    return { ...op, edits: [{ range: new LineIndex(original).rangeOf(0, original.length), newText: op.cell === target.cellIndex ? cellText : op.edits[0]!.newText }] };
  });
  return { ...plan, cellText, edit: { operations }, ipynbEdit: plan.ipynbEdit.map((e) => (sameRange(e) ? edit : e)) };
}

/**
 * Imports-only cells whose names only the moved code read are emptied in the same edit (importCells.ts);
 * the others that share a name with the moved code are listed with the reason they stay.
 */
async function withImportCells(fs: FileSystem, req: ExtractRequest, plan: Extract<CellsExtractPlan, { ok: true }>): Promise<CellsExtractPlan> {
  const first = req.codeCellIndex;
  const last = req.lastCodeCellIndex ?? first;
  const notebook = await readNotebookForEdit(fs, req.notebookPath, req.notebookText);
  if (!notebook.ok) return refuse(notebook.reason);
  const fileCodeCells = notebook.cells.filter((c) => c.kind === 'code');
  const rawSources = req.cells ?? fileCodeCells.map((c) => c.source);
  const sources = rawSources.map(normalise);
  const after = sources.map((s, j) => (j === first ? plan.cellText : j > first && j <= last ? '' : s));
  const changed = new Set(sources.map((_, j) => j).filter((j) => j >= first && j <= last));
  const moved = analyzeCell(sources.slice(first, last + 1).join('\n'));
  const movedReads = new Set([...moved.reads, ...moved.lateReads].map((r) => r.name));
  const receivingModule = analyzeCell(plan.importLine).imports[0]?.module;
  const outcomes = settleImportCells({ after, changed, movedReads, moduleImports: moduleImportBindings(plan.moduleText), ...(receivingModule ? { receivingModule } : {}) });
  const operations = [...plan.edit.operations];
  const ipynbEdit = [...plan.ipynbEdit];
  for (const o of outcomes) {
    if (o.text === undefined) continue;
    const target = fileCodeCells[o.codeIndex]!;
    const original = rawSources[o.codeIndex]!;
    const kept = o.text;
    operations.push({ kind: 'cellEdit', path: req.notebookPath, cell: target.cellIndex, edits: [{ range: new LineIndex(original).rangeOf(0, original.length), newText: kept }] });
    const edit = cellSourceEdit(notebook.text, target, kept);
    if (!edit) return refuse(`Code cell ${o.codeIndex} has no "source" field in ${basename(req.notebookPath)}; save the notebook from Jupyter or VS Code first.`);
    ipynbEdit.push(edit);
  }
  return { ...plan, edit: { operations }, ipynbEdit, importCells: outcomes };
}

/** `keptAbove`: what stays at the top of the first cell (keptInCell.ts), whose rows `req.cells` has blanked. */
async function planSelection(fs: FileSystem, req: ExtractRequest, keptAbove?: string): Promise<CellsExtractPlan> {
  const first = req.codeCellIndex;
  const last = req.lastCodeCellIndex ?? first;
  const notebook = await readNotebookForEdit(fs, req.notebookPath, req.notebookText);
  if (!notebook.ok) return refuse(notebook.reason);
  const notebookText = notebook.text;
  const fileCodeCells = notebook.cells.filter((c) => c.kind === 'code');
  const rawSources = req.cells ?? fileCodeCells.map((c) => c.source);
  if (rawSources.length !== fileCodeCells.length) {
    return refuse(`The editor shows ${rawSources.length} code cells but ${basename(req.notebookPath)} has ${fileCodeCells.length}; save the notebook and try again.`);
  }
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= rawSources.length) {
    return refuse(`There are no code cells ${first}${last !== first ? `-${last}` : ''}: the notebook has ${rawSources.length} code cells (numbered from 0).`);
  }
  const sources = rawSources.map(normalise);

  // --- The selection as one source. A cell in the middle that shows a value would lose its output.
  for (let j = first; j < last; j++) {
    const shown = withCellSyntax(sources[j]!, (s) => (s.hasError ? undefined : displayedExpression(s)?.text));
    if (shown) return refuse(`Cell ${j} shows \`${shown.split('\n')[0]}\` as its output; in one function with the cells after it that output would be lost. Select up to cell ${j} or print the value.`);
  }
  const merged = sources.slice(first, last + 1).join('\n');
  const single = first === last;
  const emptied = sources.map((s, j) => (j === first ? merged : j > first && j <= last ? '' : s));

  // Imports only: they move with the code that needs them (every module gets the imports its code
  // reads, and the edit that moves the last reader empties this cell); on their own they stay.
  const importsOnly = withCellSyntax(merged, (s) => !s.hasError && s.statements.length > 0 && s.statements.every((st) => st.type === 'Import' || st.type === 'ImportFrom'));
  if (importsOnly) {
    const names = [...new Set(withCellSyntax(merged, (s) => s.statements.flatMap((st) => (st.imports ?? []).map((b) => b.name))))];
    const selected = new Set(sources.map((_, j) => j).filter((j) => j >= first && j <= last));
    const readers = remainingReaders(sources, names, selected);
    const what = single ? 'The cell only imports modules' : 'The cells only import modules';
    const unread = names.filter((n) => !readers.has(n));
    if (readers.size) {
      return refuse(
        `${what}, and the notebook still reads them: ${readersText(readers)}` +
          (unread.length ? ` (nothing reads ${unread.map((n) => `\`${n}\``).join(', ')})` : '') +
          '. So the imports stay; extracting those cells gives their module the imports it needs' +
          // The kept rows stay when the imports go (importCells.ts keeps them).
          (keptAbove
            ? `, and the edit that moves the last code reading a name removes the imports from this cell; its ${keptAbove} stay.`
            : ', and the edit that moves the last code reading a name empties this cell.'),
      );
    }
    return refuse(
      `${what}, and no code reads ${names.map((n) => `\`${n}\``).join(', ')}: ${names.length > 1 ? 'they are' : 'it is'} unused or imported for a side effect, ` +
        'which a module would not reproduce at the same moment, so nothing moves. Delete the cell by hand if the imports are unused.',
    );
  }

  const others: HoistCell[] = sources.flatMap((source, codeIndex) => (codeIndex >= first && codeIndex <= last ? [] : [{ codeIndex, source, analysis: analyzeCell(source) }]));
  const mergedAnalysis = analyzeCell(merged);
  const hoistable = mergedAnalysis.parsed && !mergedAnalysis.magics.length && !mergedAnalysis.syntaxErrors.length;
  const plan = hoistable ? withCellSyntax(merged, (syntax) => (syntax.hasError ? undefined : { syntax, hoist: planHoisting(syntax, others, first) })) : undefined;

  const fileCellEdits = (firstText: string): { operations: EditOperation[]; ipynbEdit: TextEdit[] } | { error: string } => {
    const operations: EditOperation[] = [];
    const ipynbEdit: TextEdit[] = [];
    for (let j = first; j <= last; j++) {
      const target = fileCodeCells[j]!;
      const newText = j === first ? firstText : '';
      const original = rawSources[j]!;
      operations.push({ kind: 'cellEdit', path: req.notebookPath, cell: target.cellIndex, edits: [{ range: new LineIndex(original).rangeOf(0, original.length), newText }] });
      const edit = cellSourceEdit(notebookText!, target, newText);
      if (!edit) return { error: `Code cell ${j} has no "source" field in ${basename(req.notebookPath)}; save the notebook from Jupyter or VS Code first.` };
      ipynbEdit.push(edit);
    }
    return { operations, ipynbEdit };
  };

  if (!plan || plan.hoist.hoisted.length === 0) {
    const keptBack = plan ? [...plan.hoist.keptBack].map(([name, reason]) => ({ name, reason })) : [];
    if (single) {
      const result = await planExtraction(fs, req);
      return result.ok ? { ...result, hoisted: [], functionName: req.functionName, keptBack } : withKeptBack(result, keptBack);
    }
    const result = await planExtraction(fs, { ...req, notebookText, cells: emptied, lastCodeCellIndex: undefined });
    if (!result.ok) return withKeptBack(refuse(inSelectedCells(result.reason, sources, first, last)), keptBack);
    const cells = fileCellEdits(result.cellText);
    if ('error' in cells) return refuse(cells.error);
    return {
      ...result,
      edit: { operations: [...result.edit.operations.filter((op) => op.kind !== 'cellEdit'), ...cells.operations] },
      ipynbEdit: cells.ipynbEdit,
      hoisted: [],
      functionName: req.functionName,
      keptBack,
    };
  }

  // --- Hoisting.
  const { syntax, hoist } = plan;
  const keptBack = [...hoist.keptBack].map(([name, reason]) => ({ name, reason }));
  const locatedModule = await locateModule(fs, req.projectRoot, req.modulePath);
  if (!locatedModule.ok) return refuse(locatedModule.reason);
  const location = locatedModule.location;
  const names = hoist.hoisted.flatMap((h) => h.names);
  const selfImport = `from ${location.importName} import ${names.join(', ')}`;
  const { text: remainder, rows: remainderRows } = withoutHoistedRows(merged, hoist.hoisted, syntax.linesInsideStrings);
  const stays = withCellSyntax(remainder, (s) => !s.hasError && s.statements.every((st) => st.type === 'Import' || st.type === 'ImportFrom' || st.type === 'ExprStmt'));

  let imports: ImportBinding[] = [...hoist.imports];
  let functionText: string | undefined;
  let cellText: string;
  let parameters: string[] = [];
  let returns: string[] = [];
  let callLine = '';
  let importLine = selfImport;
  if (stays) {
    cellText = remainder ? `${selfImport}\n${remainder}` : selfImport;
  } else {
    // After the remainder's leading comments, which still describe it (the function's docstring comes from them).
    const remainderLines = remainder.split('\n');
    let comments = 0;
    while (comments < remainderLines.length && remainderLines[comments]!.trim().startsWith('#')) comments++;
    const withSelfImport = [...remainderLines.slice(0, comments), selfImport, ...remainderLines.slice(comments)].join('\n');
    const cells = emptied.map((s, j) => (j === first ? withSelfImport : s));
    const result = await planExtraction(fs, { ...req, notebookText, cells, lastCodeCellIndex: undefined });
    if (!result.ok) {
      // Lines of the planned source (the remainder with the import inserted) → lines of the selected cells.
      const reason = result.reason.replace(/\b([Ll])ine (\d+)/g, (whole, l: string, n: string) => {
        const index = Number(n) - 1;
        if (index === comments) return whole;
        const row = remainderRows[index > comments ? index - 1 : index];
        return row === undefined ? whole : `${l}ine ${row + 1}`;
      });
      return withKeptBack(refuse(`${names.join(', ')} could move to the module, but the rest of the code cannot: ${single ? reason : inSelectedCells(reason, sources, first, last)}`), keptBack);
    }
    const generated = withCellSyntax(result.moduleText, (s) => ({
      fn: s.statements.find((st) => st.node.type === 'FunctionDef' && st.node.name.name === req.functionName)?.text,
      imports: s.statements.flatMap((st) => st.imports ?? []),
    }));
    if (!generated.fn) return refuse('Internal error: the planned module lacks the function.');
    functionText = generated.fn;
    imports.push(...generated.imports.filter((b) => b.module !== location.importName));
    importLine = `from ${location.importName} import ${[...names, req.functionName].join(', ')}`;
    cellText = result.cellText
      .split('\n')
      .filter((line) => line !== selfImport)
      .map((line) => (line === result.importLine ? importLine : line))
      .join('\n');
    parameters = result.parameters;
    returns = result.returns;
    callLine = result.callLine;
  }
  const unique = dedupeImports(imports);
  if (!unique.ok) return refuse(unique.reason);
  imports = unique.imports.filter((b) => !names.includes(b.name));
  const code = [joinDefinitions(hoist.hoisted, merged), ...(functionText ? [functionText] : [])].join('\n\n\n') + '\n';

  const operations: EditOperation[] = [];
  const notebookName = basename(req.notebookPath);
  const existing = await readTextFile(fs, req.modulePath);
  if (!existing.ok && existing.reason !== 'missing') return refuse(`Cannot read ${relativePath(req.projectRoot, req.modulePath)} (${existing.reason}); it is left untouched.`);
  let moduleText: string;
  const resolution = await importResolution(fs, req.projectRoot, location);
  if (existing.ok) {
    const bound = new Set(analyzeCell(existing.text).writes.map((w) => w.name));
    const clash = names.find((n) => bound.has(n));
    if (clash) return refuse(`${relativePath(req.projectRoot, req.modulePath)} already defines \`${clash}\`; the module is never overwritten. Pick another module.`);
    const appended = appendToModule(existing.text, imports, code, functionText ? req.functionName : names[0]!, mergedAnalysis, relativePath(req.projectRoot, req.modulePath), location.importName);
    if (!appended.ok) return refuse(appended.reason);
    moduleText = appended.text;
    operations.push({ kind: 'edit', path: req.modulePath, edits: appended.edits });
  } else {
    const doc = [`"""Code moved from ${notebookName} by ML Hygiene, e.g. \`${importLine}\`.`, '', ...wrap(resolution, 96), '"""'];
    const importLines = renderImports(imports);
    moduleText = [...doc, ...(importLines.length ? ['', ...importLines] : []), '', '', code].join('\n');
    for (const init of location.missingPackageInits) operations.push({ kind: 'create', path: init, content: '' });
    operations.push({ kind: 'create', path: req.modulePath, content: moduleText });
  }
  const cells = fileCellEdits(cellText);
  if ('error' in cells) return refuse(cells.error);
  operations.push(...cells.operations);
  return {
    ok: true,
    edit: { operations },
    ipynbEdit: cells.ipynbEdit,
    parameters,
    returns,
    importLine,
    callLine,
    moduleText,
    cellText,
    cellIndex: fileCodeCells[first]!.cellIndex,
    importPathNote: resolution,
    hoisted: names,
    ...(functionText ? { functionName: req.functionName } : {}),
    keptBack,
  };
}

/** A refusal that also says which definitions were kept back from hoisting, so the reason is complete. */
function withKeptBack(result: { ok: false; reason: string }, keptBack: Array<{ name: string; reason: string }>): { ok: false; reason: string } {
  if (!keptBack.length) return result;
  return refuse(`${result.reason} (Not moved to module level: ${keptBack.map((k) => `\`${k.name}\`, because ${k.reason}`).join('; ')}.)`);
}

/** "Line 7" of the selection read as one source → "line 2 of cell 4": where the user can find it. */
function inSelectedCells(reason: string, sources: string[], first: number, last: number): string {
  const starts: Array<{ cell: number; line: number }> = [];
  let line = 1;
  for (let j = first; j <= last; j++) {
    starts.push({ cell: j, line });
    line += sources[j]!.split('\n').length;
  }
  return reason.replace(/\b([Ll])ine (\d+)/g, (_, l: string, n: string) => {
    const at = Number(n);
    const owner = [...starts].reverse().find((st) => st.line <= at)!;
    return `${l}ine ${at - owner.line + 1} of cell ${owner.cell}`;
  });
}
