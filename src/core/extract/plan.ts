/**
 * "Extract cell to module": turns one notebook code cell into a function in a package module and the
 * cell into an import plus a call, without changing what the notebook computes.
 *
 * The cell ran as module-level code in the notebook namespace; the function runs with its own local
 * scope. Everything below is about the places where those two differ, and about refusing whenever we
 * cannot prove they do not:
 * - a name the cell reads before binding it comes from an earlier cell → a parameter (or, when the
 *   earlier cell bound it by a plain import, the same import in the module: imports return the same
 *   module object from `sys.modules`);
 * - a name the cell binds that a later cell reads → a return value, assigned back in the notebook;
 * - code that runs *later* (function and lambda bodies defined in the cell) reads globals at call time,
 *   while inside the function those names become closure cells or module globals of the new module;
 * - code defined in *earlier* cells that the cell calls reads and writes notebook globals, which the
 *   cell's locals no longer are.
 * Pure: files only through `FileSystem`.
 */
import { analyzeCell, isBuiltinName, type CellAnalysis } from '../analysis/cellAnalysis';
import type { TextEdit, WorkspaceEdit, EditOperation } from '../diagnostics';
import { readTextFile, type FileSystem } from '../fs/fileSystem';
import { basename, joinPath, relativePath } from '../fs/paths';
import { parseIpynb } from '../notebook/ipynb';
import { LineIndex } from '../text/lineIndex';
import { generatorsOutlivingStatement, lambdasCalledOnlyWhileRunning, mentionsName, onlyCalledDirectly, topLevelGlobalWriters } from './callTiming';
import { cellSourceEdit, readNotebookForEdit, type LocatedCell } from './ipynbText';
import { isValidIdentifier, locateModule, hasBuildSystem, type ModuleLocation } from './naming';
import {
  looksUpNames,
  definitelyBoundAfter,
  displayedExpression,
  evidentType,
  isStringStatement,
  sameImport,
  simpleAssignedValue,
  withCellSyntax,
  type CellSyntax,
  type ImportBinding,
  type TopLevelStatement,
} from './pySyntax';

export interface ExtractRequest {
  notebookPath: string;
  /** The open buffer's text; else the file is read. */
  notebookText?: string;
  /** Live sources of all code cells in order (from the editor); else from the `.ipynb`. */
  cells?: string[];
  /** 0-based index among code cells. */
  codeCellIndex: number;
  /** Absolute path of the target module. */
  modulePath: string;
  functionName: string;
  projectRoot: string;
  /** The last code cell of a range (inclusive, 0-based); see rangePlan.ts. Default: `codeCellIndex`. */
  lastCodeCellIndex?: number;
  /**
   * Names that rows kept above the call bind (`files = !ls`, `%time y = f()`; keptInCell.ts): they run
   * before the call, so the cell's reads of them become parameters, passed the value they just got.
   */
  boundAbove?: string[];
  /** Names that rows kept below the call mention (`%timeit x + y`): the function returns them, as for a later cell. */
  readBelow?: string[];
}

export type ExtractPlan =
  | {
      ok: true;
      /** One `create` (new module, plus `__init__.py` of new packages) or `edit` (append) and one `cellEdit`. */
      edit: WorkspaceEdit;
      /** The same cell change as a text edit of the `.ipynb` file, byte-preserving elsewhere (for the CLI). */
      ipynbEdit: TextEdit[];
      parameters: string[];
      returns: string[];
      importLine: string;
      callLine: string;
      moduleText: string;
      /** The new source of the cell. */
      cellText: string;
      /** Index of the cell among all cells (the `cellEdit`'s `cell`). */
      cellIndex: number;
      /** How the notebook finds the module (also said in the module docstring). */
      importPathNote: string;
    }
  | { ok: false; reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** IPython-only names: a module does not have them, so code using them cannot move. */
const NOTEBOOK_ONLY_NAMES = new Set(['display', 'get_ipython', '__IPYTHON__', 'In', 'Out', '_', '__', '___', '_i', '_ii', '_iii', '_ih', '_oh', '_dh']);
/** Module attributes whose value differs between the notebook (`__main__`) and the new module. */
const MODULE_DUNDERS = new Set(['__name__', '__file__', '__doc__', '__spec__', '__loader__', '__package__', '__builtins__', '__annotations__', '__dict__']);

interface CodeCell {
  codeIndex: number;
  source: string;
  analysis: CellAnalysis;
  writes: Set<string>;
  reads: Set<string>;
}

/** 1-based line of an offset in a cell, for messages ("line 3"). */
function lineOf(source: string, offset: number): number {
  return new LineIndex(source).positionAt(offset).line + 1;
}

function cellLabel(codeIndex: number): string {
  return `cell ${codeIndex}`;
}

export async function planExtraction(fs: FileSystem, req: ExtractRequest): Promise<ExtractPlan> {
  if (!isValidIdentifier(req.functionName)) return refuse(`"${req.functionName}" is not a valid Python function name.`);
  if (NOTEBOOK_ONLY_NAMES.has(req.functionName) || isBuiltinName(req.functionName)) {
    return refuse(`"${req.functionName}" would shadow a Python or IPython builtin in the notebook; choose another function name.`);
  }

  // --- The notebook: cells from the editor or the file, and where the cell sits in the file's text.
  const located = await readNotebookForEdit(fs, req.notebookPath, req.notebookText);
  if (!located.ok) return refuse(located.reason);
  const notebookText = located.text;
  const notebook = parseIpynb(req.notebookPath, notebookText);
  if (!notebook.ok) return refuse(notebook.message);
  const fileCodeCells = located.cells.filter((c) => c.kind === 'code');
  const sources = req.cells ?? fileCodeCells.map((c) => c.source);
  if (sources.length !== fileCodeCells.length) {
    return refuse(`The editor shows ${sources.length} code cells but ${basename(req.notebookPath)} has ${fileCodeCells.length}; save the notebook and try again.`);
  }
  if (!Number.isInteger(req.codeCellIndex) || req.codeCellIndex < 0 || req.codeCellIndex >= sources.length) {
    return refuse(`There is no code cell ${req.codeCellIndex}: the notebook has ${sources.length} code cells (numbered from 0).`);
  }
  const k = req.codeCellIndex;
  const target = fileCodeCells[k]!;

  // The module is written with `\n` line endings; analysing the normalised text keeps offsets consistent.
  const cells: CodeCell[] = sources.map((rawSource, codeIndex) => {
    const source = rawSource.replace(/\r\n?/g, '\n');
    const analysis = analyzeCell(source);
    return {
      codeIndex,
      source,
      analysis,
      writes: new Set(analysis.writes.map((w) => w.name)),
      reads: new Set([...analysis.reads, ...analysis.lateReads, ...analysis.deletes, ...analysis.builtinReads].map((r) => r.name)),
    };
  });
  const cell = cells[k]!;
  const source = cell.source;

  // --- Constructs that cannot move into a function at all.
  const a = cell.analysis;
  if (a.magics.length) {
    const m = a.magics[0]!;
    return refuse(`Cell uses the IPython magic \`${m.text.trim()}\` on line ${lineOf(source, m.start)}; magics only run in a notebook, so this cell cannot move to a module. Move the magic to its own cell first.`);
  }
  if (!a.parsed) return refuse('The cell could not be parsed as Python.');
  if (a.syntaxErrors.length) {
    const e = a.syntaxErrors[0]!;
    return refuse(`The cell has a syntax error on line ${lineOf(source, e.start)} (${e.message}); fix it before extracting.`);
  }
  const star = a.imports.find((i) => i.star);
  if (star) return refuse(`\`from ${star.module} import *\` on line ${lineOf(source, star.start)}: a star import binds names we cannot know, so the function's inputs and outputs cannot be determined. Import the names explicitly first.`);
  if (a.topLevelReturn) return refuse('The cell has a top-level `return`; inside a function it would end the function early and change what runs.');
  if (a.topLevelYield) return refuse('The cell has a top-level `yield`; inside a function it would turn the function into a generator.');
  if (a.topLevelAwait) return refuse('The cell uses top-level `await`, which IPython runs in its event loop; a plain function cannot. Make the function `async` by hand.');
  if (!source.trim() || (a.writes.length === 0 && a.reads.length === 0 && a.builtinReads.length === 0 && a.calls.length === 0)) {
    return refuse('The cell has no code to extract.');
  }
  if (a.globalDecls.length) {
    const g = a.globalDecls[0]!;
    return refuse(`\`global ${g.name}\` on line ${lineOf(source, g.start)}: a function in the cell rebinds the notebook global \`${g.name}\` when called; in a module that global would be the module's, not the notebook's.`);
  }
  if (a.nonlocalDecls.length) {
    const n = a.nonlocalDecls[0]!;
    return refuse(`\`nonlocal ${n.name}\` on line ${lineOf(source, n.start)}: moving the cell into a function changes which scope \`${n.name}\` refers to.`);
  }
  for (const r of [...a.builtinReads, ...a.reads]) {
    if (NOTEBOOK_ONLY_NAMES.has(r.name) && !earlierWriter(cells, k, r.name)) {
      const hint = r.name === 'display' ? ' Import it in the cell with `from IPython.display import display` first.' : '';
      return refuse(`Line ${lineOf(source, r.start)} uses \`${r.name}\`, which only exists in an IPython session, not in a module.${hint}`);
    }
    if (MODULE_DUNDERS.has(r.name)) return refuse(`Line ${lineOf(source, r.start)} reads \`${r.name}\`, whose value in a module differs from the notebook's.`);
  }
  for (const c of a.calls) {
    if (looksUpNames(c) && !cells.some((other) => other.writes.has(c.callee))) {
      return refuse(`Line ${lineOf(source, c.start)} calls \`${c.callee}()\`, which inspects the namespace it runs in; inside a function that is the function's locals, not the notebook's globals.`);
    }
  }

  return withCellSyntax(source, (syntax) => planWithSyntax(fs, req, { notebookText: notebookText!, cells, k, source, originalSource: sources[k]!, syntax, targetCellIndex: target.cellIndex, targetLocated: target }));
}

interface PlanContext {
  notebookText: string;
  cells: CodeCell[];
  k: number;
  /** The cell's source with line endings normalised to `\n`. */
  source: string;
  /** The cell's source as the editor or file has it: the `cellEdit` range covers all of it. */
  originalSource: string;
  syntax: CellSyntax;
  targetCellIndex: number;
  targetLocated: LocatedCell;
}

/**
 * Generator expressions whose value outlives their statement, as late readers like function bodies:
 * consumed later, they read the globals of that moment (callTiming.ts). Builtins are left out, as
 * `readsGlobals` leaves them out.
 */
function storedGenerators(source: string, shadowed: (builtin: string) => boolean): Array<{ name: string; start: number; readsGlobals: string[] }> {
  if (!source.includes('for')) return [];
  return generatorsOutlivingStatement(source, shadowed).map((g) => ({ name: '<genexpr>', start: g.start, readsGlobals: g.reads.filter((n) => !isBuiltinName(n)) }));
}

/** The closest earlier code cell that binds `name`, or undefined. */
function earlierWriter(cells: CodeCell[], k: number, name: string): CodeCell | undefined {
  for (let j = k - 1; j >= 0; j--) if (cells[j]!.writes.has(name)) return cells[j];
  return undefined;
}

/**
 * The functions that rebind the notebook global `name` (`global name`) cannot run while cell `k` runs:
 * each is a top-level function of an earlier cell, every cell mentions it only as a direct top-level
 * call `f(...)` (never inside a function, lambda, generator or decorator, never as a value), cell `k`
 * does not mention it, and no cell looks names up dynamically (`globals()`, `eval`, `exec`, ...).
 * Then the value of `name` cannot change under the extracted function, which may read it as a parameter.
 */
function globalWriterOutOfReach(cells: CodeCell[], k: number, name: string): boolean {
  const writers: string[] = [];
  for (const c of cells.slice(0, k)) {
    if (!c.analysis.globalDecls.some((g) => g.name === name)) continue;
    const own = topLevelGlobalWriters(c.source, name);
    if (!own) return false;
    writers.push(...own);
  }
  if (!writers.length) return false;
  if (cells.some((c) => !c.analysis.parsed || c.analysis.magics.length || c.analysis.calls.some(looksUpNames))) return false;
  return writers.every(
    (writer) =>
      !mentionsName(cells[k]!.source, writer) &&
      cells.every((c) => !c.analysis.definedFunctions.some((f) => f.readsGlobals.includes(writer)) && onlyCalledDirectly(c.source, writer)),
  );
}

/** Cells between `from` (exclusive) and `k` (exclusive) whose bindings we cannot see: star imports, opaque magic cells. */
function unknowableCellBetween(cells: CodeCell[], from: number, k: number): CodeCell | undefined {
  for (let j = from + 1; j < k; j++) {
    const c = cells[j]!;
    if (!c.analysis.parsed || c.analysis.imports.some((i) => i.star) || c.analysis.magics.some((m) => /^%\s*run\b/.test(m.text.trim()))) return c;
  }
  return undefined;
}

/**
 * When `provider` binds `name` only through plain top-level import statements, the last of them: the
 * module can repeat it and get the very same object. Anything else (an assignment, an import inside
 * `try`, a relative import whose package differs in the module) makes `name` a parameter instead.
 */
function importOnlyBinding(provider: CodeCell, name: string): ImportBinding | undefined {
  return withCellSyntax(provider.source, (syntax) => {
    const imports = syntax.statements.filter((s) => s.imports && !s.starImport && !s.futureImport);
    const bindings = imports.flatMap((s) => s.imports!).filter((b) => b.name === name);
    const binding = bindings[bindings.length - 1];
    if (!binding || binding.module.startsWith('.')) return undefined;
    // Blank out the top-level imports (same length, so nothing shifts) and see whether anything else binds it.
    let masked = provider.source;
    for (const s of imports) masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
    return analyzeCell(masked).writes.some((w) => w.name === name) ? undefined : binding;
  });
}

/** The imports at the top of the cell, before any other statement, each on lines of its own: they move to the module's top. */
function leadingImports(syntax: CellSyntax): TopLevelStatement[] {
  const out: TopLevelStatement[] = [];
  for (const s of syntax.statements) {
    if (!s.imports || s.starImport || s.futureImport) break;
    const lineStart = syntax.source.lastIndexOf('\n', s.start - 1) + 1;
    const lineEndIndex = syntax.source.indexOf('\n', s.end);
    const rest = syntax.source.slice(s.end, lineEndIndex < 0 ? undefined : lineEndIndex).trim();
    if (syntax.source.slice(lineStart, s.start).trim() || (rest && !rest.startsWith('#'))) break;
    out.push(s);
  }
  return out;
}

async function planWithSyntax(fs: FileSystem, req: ExtractRequest, ctx: PlanContext): Promise<ExtractPlan> {
  const { cells, k, source, syntax } = ctx;
  const cell = cells[k]!;
  const a = cell.analysis;
  if (syntax.hasError) return refuse('The cell does not parse cleanly as Python; fix it before extracting.');
  const future = syntax.statements.find((s) => s.futureImport);
  if (future) return refuse(`\`${future.text}\` on line ${future.line + 1} must be the first statement of a module; it cannot move into a function.`);
  for (const s of syntax.statements) {
    if (s.node.type === 'ClassDef') {
      const name = s.node.name.name;
      return refuse(
        `Line ${s.line + 1} defines class \`${name}\`. Inside a function its qualified name becomes \`${req.functionName}.<locals>.${name}\`, ` +
          `which changes its repr (dataclasses print it), pickling and isinstance checks against instances made before. Move the class to the module by hand, then extract the rest.`,
      );
    }
  }
  const nestedClass = a.definedFunctions.find((f) => f.name.includes('.'));
  if (nestedClass) return refuse(`The cell defines a class (method \`${nestedClass.name}\`); classes cannot move into a function without changing their qualified name.`);

  const laterCells = cells.slice(k + 1);
  // Rows kept below the call (keptInCell.ts) read what the code bound, like a later cell.
  const laterReads = new Set([...laterCells.flatMap((c) => [...c.reads]), ...(req.readBelow ?? [])]);
  const laterWriters = (name: string) => laterCells.filter((c) => c.writes.has(name) || c.analysis.deletes.some((d) => d.name === name));
  const cellWrites = new Set(a.writes.map((w) => w.name));
  const definedEarlier = (name: string) => earlierWriter(cells, k, name) !== undefined;

  // --- Imports at the top of the cell move to the module; bindings a later cell needs stay in the cell too.
  const hoisted = leadingImports(syntax);
  const hoistedBindings = hoisted.flatMap((s) => s.imports!);
  const otherwiseBound = (() => {
    let masked = source;
    for (const s of hoisted) masked = masked.slice(0, s.start) + ' '.repeat(s.end - s.start) + masked.slice(s.end);
    return new Set(analyzeCell(masked).writes.map((w) => w.name));
  })();
  // An import whose name the cell rebinds elsewhere must stay in the body: at module level it would be
  // shadowed by the function's local of the same name, and reads before the rebinding would fail.
  const hoistable: TopLevelStatement[] = [];
  for (const s of hoisted) {
    const movable = s.imports!.every((b) => !otherwiseBound.has(b.name) && hoistedBindings.filter((o) => o.name === b.name).every((o) => sameImport(o, b)));
    if (!movable) break; // keep the order of the rest: everything from here on stays in the body
    hoistable.push(s);
  }
  const hoistedNames = new Set(hoistable.flatMap((s) => s.imports!.map((b) => b.name)));
  const earlierLateReaders = new Map<string, string>();
  const earlierGlobalWriters = new Map<string, string>();
  const shadowedBuiltin = (name: string) => cells.some((c) => c.writes.has(name));
  for (const c of cells.slice(0, k)) {
    // A lambda that only ran while its cell ran (`sorted(xs, key=lambda ...)`) reads nothing later.
    const ranAlready = c.analysis.definedFunctions.some((f) => f.name === '<lambda>') ? lambdasCalledOnlyWhileRunning(c.source, shadowedBuiltin) : new Set<number>();
    for (const f of [...c.analysis.definedFunctions, ...storedGenerators(c.source, shadowedBuiltin)]) {
      if (f.name === '<lambda>' && ranAlready.has(f.start)) continue;
      for (const n of f.readsGlobals) if (!earlierLateReaders.has(n)) earlierLateReaders.set(n, `\`${f.name}\` (${cellLabel(c.codeIndex)})`);
    }
    for (const g of c.analysis.globalDecls) if (!earlierGlobalWriters.has(g.name)) earlierGlobalWriters.set(g.name, cellLabel(c.codeIndex));
  }
  if (hoistable.length === syntax.statements.length) return refuse('The cell only imports modules; there is nothing to move into a function. Move the imports to the module by hand if the functions need them.');
  const keptInCell = hoistable.filter((s) => s.imports!.some((b) => laterReads.has(b.name) || definedEarlier(b.name) || earlierLateReaders.has(b.name)));

  // --- Parameters and imports for what the cell reads before binding it.
  const parameters: string[] = [];
  const moduleImports: ImportBinding[] = hoistable.flatMap((s) => s.imports!);
  const addParameter = (name: string) => {
    if (!parameters.includes(name)) parameters.push(name);
  };
  const readNames = [...a.reads, ...a.builtinReads.filter((r) => earlierWriter(cells, k, r.name))];
  readNames.sort((x, y) => x.start - y.start);
  for (const r of readNames) {
    if (req.boundAbove?.includes(r.name)) {
      addParameter(r.name);
      continue;
    }
    const provider = earlierWriter(cells, k, r.name);
    // Bound by the cell itself, but not on every path before this read (a loop that may not run, a
    // walrus in a comprehension): with no earlier value, both versions fail alike (UnboundLocalError
    // is a NameError) when the path does not bind it, and agree when it does.
    if (!provider && cellWrites.has(r.name)) continue;
    if (!provider) {
      const later = laterCells.find((c) => c.writes.has(r.name));
      const unknowable = unknowableCellBetween(cells, -1, k);
      return refuse(
        `Line ${lineOf(source, r.start)} reads \`${r.name}\`, which no earlier cell defines` +
          (later ? ` (${cellLabel(later.codeIndex)}, further down, does: hidden state)` : unknowable ? ` (it may come from ${cellLabel(unknowable.codeIndex)}, whose bindings cannot be known)` : '') +
          '; the extracted function would not know where it comes from.',
      );
    }
    const binding = !cellWrites.has(r.name) && !unknowableCellBetween(cells, provider.codeIndex, k) && !earlierGlobalWriters.has(r.name) ? importOnlyBinding(provider, r.name) : undefined;
    if (binding) moduleImports.push(binding);
    else addParameter(r.name);
  }

  // --- Code that runs later: function and lambda bodies defined in the cell read globals when called.
  // A lambda called only while the cell runs (`sorted(xs, key=lambda ...)`) reads them within the cell:
  // what it reads becomes an input of the function like any other read.
  const runsWithCell = a.definedFunctions.some((f) => f.name === '<lambda>') ? lambdasCalledOnlyWhileRunning(source, shadowedBuiltin) : new Set<number>();
  for (const f of [...a.definedFunctions, ...storedGenerators(source, shadowedBuiltin)]) {
    const duringCell = f.name === '<lambda>' && runsWithCell.has(f.start);
    for (const name of f.readsGlobals) {
      const where = `\`${f.name}\` (line ${lineOf(source, f.start)})`;
      if (hoistedNames.has(name) || moduleImports.some((b) => b.name === name && !cellWrites.has(name))) {
        const binding = [...moduleImports].reverse().find((b) => b.name === name)!;
        const rebinding = laterCells.find((c) => c.writes.has(name) && importOnlyBinding(c, name)?.statement !== binding.statement);
        if (rebinding) return refuse(`${where} reads \`${name}\` when called, and ${cellLabel(rebinding.codeIndex)} rebinds it; in the module it would keep the import.`);
        continue;
      }
      if (cellWrites.has(name) || parameters.includes(name)) {
        // Inside the function the name is a local that the nested function closes over: equal to the
        // notebook global as long as nothing outside the cell rebinds the global afterwards.
        const rebinding = duringCell ? undefined : laterWriters(name)[0];
        if (rebinding) return refuse(`${where} reads \`${name}\` when called; ${cellLabel(rebinding.codeIndex)} rebinds \`${name}\` later, which the extracted function's closure would not see.`);
        // A function with `global name` rebinds it whenever it is called, from any later cell.
        const laterGlobalWriter = laterCells.find((c) => c.analysis.globalDecls.some((g) => g.name === name));
        const globalWriter = duringCell ? undefined : (earlierGlobalWriters.get(name) ?? (laterGlobalWriter ? cellLabel(laterGlobalWriter.codeIndex) : undefined));
        if (globalWriter) return refuse(`${where} reads \`${name}\` when called; a function from ${globalWriter} rebinds \`${name}\` (\`global ${name}\`) whenever it is called, which the extracted function's closure would not see.`);
        if (cellWrites.has(name) && definedEarlier(name)) addParameter(name); // so the closure starts from the notebook's value
        continue;
      }
      const provider = earlierWriter(cells, k, name);
      const binding = provider && !unknowableCellBetween(cells, provider.codeIndex, k) && !earlierGlobalWriters.has(name) ? importOnlyBinding(provider, name) : undefined;
      if (binding) {
        const rebinding = laterCells.find((c) => c.writes.has(name) && importOnlyBinding(c, name)?.statement !== binding.statement);
        if (rebinding) return refuse(`${where} reads \`${name}\` when called, and ${cellLabel(rebinding.codeIndex)} rebinds it; in the module it would keep the import.`);
        moduleImports.push(binding);
        continue;
      }
      if (provider && duringCell) {
        addParameter(name);
        continue;
      }
      if (provider) {
        return refuse(`${where} reads the notebook global \`${name}\` (from ${cellLabel(provider.codeIndex)}) when it is called, not when it is defined; moved to a module it could no longer see the notebook's \`${name}\`. Pass \`${name}\` to it as an argument first.`);
      }
      const later = laterCells.find((c) => c.writes.has(name));
      return refuse(`${where} reads \`${name}\` when called, which ${later ? `only ${cellLabel(later.codeIndex)}, further down, defines` : 'no cell defines'}; in a module that name would not exist.`);
    }
  }

  // --- Code from earlier cells that this cell calls reads and writes notebook globals, not our locals.
  if (a.calls.length) {
    for (const name of cellWrites) {
      if (hoistedNames.has(name) && keptInCell.some((s) => s.imports!.some((b) => b.name === name))) continue; // still rebound in the notebook, before the call
      const reader = earlierLateReaders.get(name);
      if (reader) return refuse(`The cell rebinds \`${name}\`, which ${reader} reads when called; inside the extracted function the new value would be a local that ${reader.split(' ')[0]} cannot see.`);
    }
    for (const name of [...cellWrites, ...parameters]) {
      const writer = earlierGlobalWriters.get(name);
      if (writer && !globalWriterOutOfReach(cells, k, name)) return refuse(`A function from ${writer} rebinds the notebook global \`${name}\` (\`global ${name}\`) when called; the extracted function would keep working on a stale local copy.`);
    }
  }

  // --- Return values: what later cells read, and what rebinds a name earlier cells defined (so the
  // notebook's namespace ends up holding the same value as before).
  const returns: string[] = [];
  for (const w of a.writes) {
    // Hoisted imports are module globals of the new module; the notebook gets them from `keptInCell`.
    if (returns.includes(w.name) || hoistedNames.has(w.name)) continue;
    // Functions from earlier cells read globals when called (maybe from a later cell): they need the value too.
    if (laterReads.has(w.name) || definedEarlier(w.name) || earlierLateReaders.has(w.name)) returns.push(w.name);
  }
  const definite = definitelyBoundAfter(syntax.statements.map((s) => s.node), new Set(parameters)) ?? new Set<string>();
  for (const name of returns) {
    // A return value the cell binds only on some paths (a loop that may not run, an `if` without
    // `else`) keeps the notebook's earlier value on the others: pass that value in.
    if (!definite.has(name) && definedEarlier(name)) addParameter(name);
  }
  for (const d of a.deletes) {
    if (returns.includes(d.name) || definedEarlier(d.name) || laterReads.has(d.name)) {
      return refuse(`\`del ${d.name}\` on line ${lineOf(source, d.start)} unbinds a notebook variable that other cells use; inside a function it would only delete a local, and the notebook would keep \`${d.name}\`.`);
    }
  }

  // --- Names the edit introduces into the notebook must not collide with the notebook's own.
  const display = displayedExpression(syntax);
  const outputName = `${req.functionName}_output`;
  for (const name of display && returns.length ? [req.functionName, outputName] : [req.functionName]) {
    const user = cells.find((c) => c.writes.has(name) || c.reads.has(name) || c.analysis.definedFunctions.some((f) => f.readsGlobals.includes(name)));
    if (user) return refuse(`The notebook already uses the name \`${name}\` (${cellLabel(user.codeIndex)}); importing the function under that name would change it. Choose another function name.`);
  }
  if (parameters.includes(req.functionName) || cellWrites.has(req.functionName)) return refuse(`\`${req.functionName}\` is a name the cell itself uses; choose another function name.`);

  // --- The module: where it imports from, and what is already in it.
  const located = await locateModule(fs, req.projectRoot, req.modulePath);
  if (!located.ok) return refuse(located.reason);
  const location = located.location;
  const existing = await readTextFile(fs, req.modulePath);
  if (!existing.ok && existing.reason !== 'missing') return refuse(`Cannot read ${relativePath(req.projectRoot, req.modulePath)} (${existing.reason}); it is left untouched.`);

  const annotations = annotate(cells, k, syntax, parameters, returns, moduleImports);
  for (const need of annotations.needs) if (!moduleImports.some((b) => b.name === need.name)) moduleImports.push(need);
  const uniqueImports = dedupeImports(moduleImports);
  if (!uniqueImports.ok) return refuse(uniqueImports.reason);
  if (uniqueImports.imports.some((b) => b.name === req.functionName)) return refuse(`The function needs the import \`${req.functionName}\`, the same name as the function; choose another function name.`);

  const notebookName = basename(req.notebookPath);
  const resolution = await importResolution(fs, req.projectRoot, location);
  const fn = renderFunction({
    name: req.functionName,
    source,
    syntax,
    parameters,
    returns,
    annotations,
    hoisted: hoistable,
    display: display ? { statement: display, tempName: returns.length ? outputName : undefined } : undefined,
    origin: `cell ${k} of ${notebookName}`,
  });

  const importLine = `from ${location.importName} import ${req.functionName}`;
  const callArgs = parameters.join(', ');
  const callee = `${req.functionName}(${callArgs})`;
  const callLine = display && returns.length ? `${[...returns, outputName].join(', ')} = ${callee}\n${outputName}` : returns.length ? `${returns.join(', ')} = ${callee}` : callee;
  const cellText = [...keptInCell.map((s) => s.text), importLine, callLine].join('\n');

  const operations: EditOperation[] = [];
  let moduleText: string;
  if (existing.ok) {
    const appended = appendToModule(existing.text, uniqueImports.imports, fn, req.functionName, a, relativePath(req.projectRoot, req.modulePath), location.importName);
    if (!appended.ok) return refuse(appended.reason);
    moduleText = appended.text;
    operations.push({ kind: 'edit', path: req.modulePath, edits: appended.edits });
  } else {
    moduleText = newModuleText(uniqueImports.imports, fn, notebookName, importLine, resolution);
    for (const init of location.missingPackageInits) operations.push({ kind: 'create', path: init, content: '' });
    operations.push({ kind: 'create', path: req.modulePath, content: moduleText });
  }
  const cellLines = new LineIndex(ctx.originalSource);
  operations.push({
    kind: 'cellEdit',
    path: req.notebookPath,
    cell: ctx.targetCellIndex,
    edits: [{ range: cellLines.rangeOf(0, ctx.originalSource.length), newText: cellText }],
  });
  const ipynbEdit = cellSourceEdit(ctx.notebookText, ctx.targetLocated, cellText);
  if (!ipynbEdit) return refuse(`Code cell ${k} has no "source" field in ${notebookName}; save the notebook from Jupyter or VS Code first.`);
  return {
    ok: true,
    edit: { operations },
    ipynbEdit: [ipynbEdit],
    parameters,
    returns,
    importLine,
    callLine,
    moduleText,
    cellText,
    cellIndex: ctx.targetCellIndex,
    importPathNote: resolution,
  };
}

interface Annotations {
  parameters: Map<string, string>;
  returns: Map<string, string>;
  needs: ImportBinding[];
}

/**
 * Annotations only where the value's type is evident from the code: every binding of the name in the
 * cell that provides it is a plain `name = <literal or known constructor>` with the same type. Anything
 * else (augmented assignment, loop target, tuple unpacking, a call we do not know) gets no annotation:
 * a wrong annotation is worse than none.
 */
function annotate(cells: CodeCell[], k: number, syntax: CellSyntax, parameters: string[], returns: string[], moduleImports: ImportBinding[]): Annotations {
  const result: Annotations = { parameters: new Map(), returns: new Map(), needs: [] };
  const shadowed = (name: string) => cells.some((c) => c.writes.has(name));
  const importBindingAt = (upTo: number) => (alias: string): ImportBinding | undefined => {
    const provider = earlierWriter(cells, upTo, alias);
    return provider ? importOnlyBinding(provider, alias) : undefined;
  };
  const typeIn = (cellSyntax: CellSyntax, name: string, resolve: (alias: string) => ImportBinding | undefined) => {
    const binders = cellSyntax.statements.filter((s) => analyzeCell(s.text).writes.some((w) => w.name === name));
    if (!binders.length) return undefined;
    const types = binders.map((s) => {
      const value = simpleAssignedValue(s, name);
      return value === 'other' ? undefined : evidentType(value, resolve, shadowed);
    });
    const first = types[0];
    return first && types.every((t) => t && t.annotation === first.annotation) ? first : undefined;
  };
  const accept = (target: Map<string, string>, name: string, type: ReturnType<typeof typeIn>) => {
    if (!type) return;
    if (type.needs) {
      const clash = moduleImports.find((b) => b.name === type.needs!.name && !sameImport(b, type.needs!));
      if (clash || parameters.includes(type.needs.name)) return;
      result.needs.push(type.needs);
    }
    target.set(name, type.annotation);
  };
  for (const name of parameters) {
    const provider = earlierWriter(cells, k, name);
    if (!provider) continue;
    withCellSyntax(provider.source, (providerSyntax) => accept(result.parameters, name, typeIn(providerSyntax, name, importBindingAt(provider.codeIndex + 1))));
  }
  const ownImports = (alias: string) => syntax.statements.flatMap((s) => s.imports ?? []).filter((b) => b.name === alias).pop() ?? importBindingAt(k)(alias);
  for (const name of returns) accept(result.returns, name, typeIn(syntax, name, ownImports));
  return result;
}

export function dedupeImports(bindings: ImportBinding[]): { ok: true; imports: ImportBinding[] } | { ok: false; reason: string } {
  const byName = new Map<string, ImportBinding>();
  for (const b of bindings) {
    const seen = byName.get(b.name);
    if (seen && !sameImport(seen, b)) return { ok: false, reason: `The function needs \`${b.name}\` both as \`${seen.statement}\` and as \`${b.statement}\`; rename one of them in the notebook first.` };
    byName.set(b.name, b);
  }
  return { ok: true, imports: [...byName.values()] };
}

/** `import a`, `import b as c` lines first, then `from m import x, y` grouped per module, as isort would. */
export function renderImports(imports: ImportBinding[]): string[] {
  const plain = imports.filter((b) => b.form === 'import').map((b) => b.statement);
  const fromModules = new Map<string, string[]>();
  for (const b of imports.filter((b) => b.form === 'from')) {
    const clause = b.alias ? `${b.importedName} as ${b.alias}` : b.importedName!;
    fromModules.set(b.module, [...(fromModules.get(b.module) ?? []), clause]);
  }
  const from = [...fromModules].map(([module, names]) => `from ${module} import ${names.join(', ')}`);
  return [...[...new Set(plain)].sort(), ...from.sort()];
}

interface RenderFunctionInput {
  name: string;
  source: string;
  syntax: CellSyntax;
  parameters: string[];
  returns: string[];
  annotations: Annotations;
  hoisted: TopLevelStatement[];
  display?: { statement: TopLevelStatement; tempName?: string };
  origin: string;
}

function firstCommentSummary(source: string): string | undefined {
  for (const line of source.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (!t.startsWith('#')) return undefined;
    // Backslashes and quotes would end or alter the docstring literal.
    const text = t.replace(/^#+/, '').replace(/["\\]/g, "'").trim();
    if (text) return text.endsWith('.') ? text : `${text}.`;
  }
  return undefined;
}

/** Indentation unit of the cell (a tab when the cell indents with tabs, so Python does not see a mix). */
function indentUnit(source: string): string {
  return source.split('\n').some((l) => l.startsWith('\t')) ? '\t' : '    ';
}

function renderFunction(input: RenderFunctionInput): string {
  const { source, syntax, annotations } = input;
  const unit = indentUnit(source);
  const lines = source.split('\n');
  const skipped = new Set<number>();
  for (const s of input.hoisted) for (let row = s.line; row <= s.endLine; row++) skipped.add(row);
  const display = input.display;
  const body: string[] = [];
  lines.forEach((line, row) => {
    if (skipped.has(row)) return;
    let text = line;
    if (display && row === display.statement.line) {
      const column = display.statement.column;
      const prefix = display.tempName ? `${display.tempName} = ` : 'return ';
      text = text.slice(0, column) + prefix + text.slice(column);
    }
    if (syntax.linesInsideStrings.has(row)) body.push(text); // inside a multi-line string: bytes of the value
    else body.push(text.trim() ? unit + text : '');
  });
  while (body.length && !body[body.length - 1]!.trim()) body.pop();
  while (body.length && !body[0]!.trim()) body.shift();

  const returned = display?.tempName ? [...input.returns, display.tempName] : input.returns;
  if (returned.length) body.push(`${unit}return ${returned.join(', ')}`);
  if (!body.some((l) => l.trim() && !l.trim().startsWith('#'))) body.push(`${unit}pass`);

  const params = input.parameters.map((p) => (annotations.parameters.has(p) ? `${p}: ${annotations.parameters.get(p)}` : p));
  let returnAnnotation = '';
  if (!returned.length && !display) returnAnnotation = ' -> None';
  else if (!display && input.returns.every((r) => annotations.returns.has(r))) {
    const types = input.returns.map((r) => annotations.returns.get(r)!);
    returnAnnotation = ` -> ${types.length === 1 ? types[0] : `tuple[${types.join(', ')}]`}`;
  }
  const doc: string[] = [`${unit}"""${firstCommentSummary(source) ?? 'TODO: describe this step.'}`, '', `${unit}Extracted from ${input.origin}.`];
  if (input.parameters.length) doc.push('', `${unit}Args:`, ...input.parameters.map((p) => `${unit}${unit}${p}: TODO.`));
  if (returned.length) doc.push('', `${unit}Returns:`, `${unit}${unit}${returned.join(', ')}.`);
  doc.push(`${unit}"""`);
  return [`def ${input.name}(${params.join(', ')})${returnAnnotation}:`, ...doc, ...body].join('\n') + '\n';
}

/** How the notebook's `from <package>.<module> import ...` resolves, said plainly in the docstring. */
export async function importResolution(fs: FileSystem, projectRoot: string, location: ModuleLocation): Promise<string> {
  const editable = await editableInstallEvidence(fs, projectRoot, location);
  const root = location.srcLayout ? '`src/`' : 'the project root';
  if (editable) return `The project is installed in editable mode (${editable}), so the notebook imports \`${location.importName}\` from ${root} directly.`;
  const installable = await hasBuildSystem(fs, projectRoot);
  return (
    `The notebook imports \`${location.importName}\` from ${root}: install the project in editable mode ` +
    `(\`pip install -e .\`${installable ? '' : ', after adding a [build-system] to pyproject.toml'})` +
    (location.srcLayout ? ' or start Jupyter with `PYTHONPATH=src`.' : ' or run Jupyter from the project root.') +
    ' Nothing here changes sys.path.'
  );
}

/** A `.pth` file of the project's virtual environment that points at the import root or an editable finder. */
async function editableInstallEvidence(fs: FileSystem, projectRoot: string, location: ModuleLocation): Promise<string | undefined> {
  const topPackage = location.importName.split('.')[0]!;
  for (const venv of ['.venv', 'venv']) {
    const lib = joinPath(projectRoot, venv, 'lib');
    let pythons: { name: string; kind: string }[] = [];
    try {
      pythons = await fs.readDirectory(lib);
    } catch {
      continue;
    }
    for (const py of pythons.filter((p) => p.name.startsWith('python'))) {
      const site = joinPath(lib, py.name, 'site-packages');
      let entries: { name: string; kind: string }[] = [];
      try {
        entries = await fs.readDirectory(site);
      } catch {
        continue;
      }
      for (const e of entries.filter((e) => e.name.endsWith('.pth'))) {
        const text = await readTextFile(fs, joinPath(site, e.name), 1024 * 1024);
        if (text.ok && (text.text.includes(location.importRoot) || (e.name.startsWith('__editable__') && text.text.includes(topPackage)))) {
          return `${venv}/lib/${py.name}/site-packages/${e.name}`;
        }
      }
    }
  }
  return undefined;
}

function newModuleText(imports: ImportBinding[], fn: string, notebookName: string, importLine: string, resolution: string): string {
  const doc = [`"""Functions extracted from ${notebookName} by ML Hygiene, e.g. \`${importLine}\`.`, '', ...wrap(resolution, 96), '"""'];
  const importLines = renderImports(imports);
  return [...doc, ...(importLines.length ? ['', ...importLines] : []), '', '', fn].join('\n');
}

export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Appends the function to an existing module (never rewrites it). New imports go after the module's
 * leading imports when it has any, else above the function. Refuses when the module already binds a
 * name the new code binds, or shadows a builtin the function uses: either would change the module or
 * the function.
 */
export function appendToModule(
  existing: string,
  imports: ImportBinding[],
  fn: string,
  functionName: string,
  cellAnalysis: CellAnalysis,
  displayPath: string,
  /** The module's own import name (`pkg.steps`). */
  moduleImportName: string,
): { ok: true; text: string; edits: TextEdit[] } | { ok: false; reason: string } {
  const moduleAnalysis = analyzeCell(existing);
  if (!moduleAnalysis.parsed || moduleAnalysis.syntaxErrors.length) return { ok: false, reason: `${displayPath} has a syntax error; fix it before appending to it.` };
  const bound = new Set(moduleAnalysis.writes.map((w) => w.name));
  if (bound.has(functionName)) return { ok: false, reason: `${displayPath} already defines \`${functionName}\`; choose another function name (the module is never overwritten).` };
  const existingImports = withCellSyntax(existing, (s) => ({
    bindings: s.statements.flatMap((st) => st.imports ?? []),
    leadingEnd: (() => {
      let end = -1;
      for (const st of s.statements) {
        if (st.imports || st.futureImport) end = st.end;
        else if (!(isStringStatement(st) && end < 0)) break;
      }
      return end;
    })(),
  }));
  const missing: ImportBinding[] = [];
  const aliases: string[] = [];
  for (const b of imports) {
    if (existingImports.bindings.some((e) => sameImport(e, b))) continue;
    // The notebook imports `x` from this very module (an earlier extraction moved it here): inside the
    // module, the function reads the module's own `x`, the same object, so there is nothing to import.
    if (b.form === 'from' && b.module === moduleImportName && b.importedName === b.name && bound.has(b.name)) continue;
    if (bound.has(b.name)) return { ok: false, reason: `${displayPath} already binds \`${b.name}\` differently from \`${b.statement}\`, which the function needs.` };
    // Under another name (`from pkg.steps import helper as h`), the module names its own object: an
    // import of itself at its top would run before `helper` exists (a circular ImportError).
    if (b.form === 'from' && b.module === moduleImportName && b.importedName && bound.has(b.importedName)) {
      aliases.push(`${b.name} = ${b.importedName}`);
      continue;
    }
    missing.push(b);
  }
  for (const r of cellAnalysis.builtinReads) {
    if (bound.has(r.name)) return { ok: false, reason: `${displayPath} defines \`${r.name}\`, which the function uses as the builtin \`${r.name}\`; appending would change what it calls.` };
  }
  const lines = new LineIndex(existing);
  const importText = renderImports(missing).join('\n');
  const edits: TextEdit[] = [];
  const separator = existing.endsWith('\n') ? '' : '\n';
  if (aliases.length) fn = `${aliases.join('\n')}\n\n\n${fn}`;
  let tail = `${separator}\n\n${fn}`;
  if (importText && existingImports.leadingEnd >= 0) {
    edits.push({ range: lines.rangeOf(existingImports.leadingEnd, existingImports.leadingEnd), newText: `\n${importText}` });
  } else if (importText) tail = `${separator}\n${importText}\n\n\n${fn}`;
  edits.push({ range: lines.rangeOf(existing.length, existing.length), newText: tail });
  let text = existing;
  for (const e of [...edits].reverse()) {
    const start = lines.offsetAt(e.range.start);
    text = text.slice(0, start) + e.newText + text.slice(lines.offsetAt(e.range.end));
  }
  return { ok: true, text, edits };
}
