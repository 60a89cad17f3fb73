/**
 * "Turn notebook into project": from a notebook and the folder it sits in, the layout the guides
 * recommend, as one reviewable edit that only creates files that are absent:
 * - `src/<package>/`: the notebook's definitions hoisted unchanged (hoist.ts decides which can move)
 *   into one module per markdown heading, plus `params.py` for the hyperparameters and `pipeline.py`,
 *   whose `main()` runs the notebook's remaining steps as a script;
 * - `tests/test_<module>.py`: an import test per module, and a test per pure function the notebook
 *   calls with literal arguments whose saved output is a plain value;
 * - `params.yaml` (the hyperparameters, read back by `params.py`) and `dvc.yaml` (one stage running the
 *   pipeline, with the data it reads, the files it writes and the params);
 * - `pyproject.toml` when missing, else the dependencies it lacks;
 * - the notebook, each cell that defined something now importing it from the package.
 * Pure: files only through `FileSystem`.
 */
import { analyzeCell, type CellAnalysis } from '../analysis/cellAnalysis';
import { maskMagics, type MagicSpan } from '../analysis/magics';
import type { EditOperation, TextEdit } from '../diagnostics';
import type { PythonEnvironment } from '../environment/installedDistributions';
import { planHoisting, withEvidentAnnotations, withoutHoisted, type HoistCell, type HoistedDefinition } from '../extract/hoist';
import { cellList, settleImportCells, type ImportsCellOutcome } from '../extract/importCells';
import { cellSourceEdit, readNotebookForEdit } from '../extract/ipynbText';
import { keptInCell } from '../extract/keptInCell';
import { isValidIdentifier, toSnakeCase } from '../extract/naming';
import { cellSyntax, displayedExpression, type ImportBinding } from '../extract/pySyntax';
import { renderImports } from '../extract/plan';
import { applyTextEdits } from '../fixes/applyEdits';
import { readTextFile, type FileSystem } from '../fs/fileSystem';
import { basename, dirname, joinPath, relativePath } from '../fs/paths';
import { isStdlibModule, tableLookup } from '../imports';
import { normalizeName } from '../python/pep503';
import { parsePyproject } from '../pyproject/pyprojectFile';
import { addDependencyFix } from '../rules/notebooks/addDependency';
import { HYPERPARAMETER_KEYWORDS } from '../rules/structure/MLH408-hardcoded-config';
import { LineIndex } from '../text/lineIndex';

export interface ProductionizeRequest {
  notebookPath: string;
  /** The folder that becomes the project (the notebook's folder, or the project it belongs to). */
  projectRoot: string;
  /** The open buffer's text; else the file is read. */
  notebookText?: string;
  /** The selected Python environment, in trusted workspaces only: dependencies are pinned to its versions. */
  environment?: PythonEnvironment;
}

export interface PlannedFile {
  path: string;
  action: 'create' | 'edit';
  /** What the file is for, shown in the preview. */
  description: string;
  /**
   * Added beyond what the project needs to build, test and run (a section of the user's own README,
   * whose prose is theirs): the refactor preview leaves it unticked until the user opts in.
   */
  optIn?: boolean;
  /** The files a user may leave out by name (the CLI's `--no-ci`, `--with-readme`). */
  role?: 'ci' | 'readme';
}

export type ProductionizePlan =
  | {
      ok: true;
      /** Creates of absent files, edits of existing ones, and one `cellEdit` per rewritten cell. */
      edit: { operations: EditOperation[] };
      /** The notebook's change as text edits of the `.ipynb` (for the CLI). */
      ipynbEdit: TextEdit[];
      files: PlannedFile[];
      packageName: string;
      /** Module (dotted) → names moved there. */
      modules: Array<{ importName: string; names: string[] }>;
      keptBack: Array<{ name: string; reason: string }>;
      /** Imports-only cells sharing a name with the moved definitions: emptied, or kept and why. */
      importCells: ImportsCellOutcome[];
      params: Array<{ key: string; value: string }>;
      tests: number;
      /** Files the plan would have created but that exist: left alone. */
      skipped: string[];
    }
  | { ok: false; reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

interface NotebookCellInfo {
  kind: string;
  source: string;
  cellIndex: number;
  outputs: unknown[];
}

/** Decimal literals YAML 1.1 (PyYAML) reads back as the same int or float. */
const YAML_SAFE_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Line magics that leave nothing behind the code could depend on (display, reloading, installs, timing). */
const SCRIPT_NEUTRAL_LINE_MAGICS = new Set(['matplotlib', 'load_ext', 'reload_ext', 'autoreload', 'config', 'pip', 'conda', 'mamba', 'time', 'timeit', 'who', 'whos', 'who_ls', 'lsmagic']);
/** Cell magics whose body runs as plain Python in the notebook namespace. */
const SCRIPT_NEUTRAL_CELL_MAGICS = new Set(['time', 'capture', 'prun']);
/** Shell escapes that install packages or only report: the script's environment comes from pyproject.toml. */
const SCRIPT_NEUTRAL_SHELL = /^!\s*(?:(?:python3?\s+-m\s+)?pip3?\s+install\b|(?:conda|mamba)\s+install\b|echo\b|nvidia-smi\b|ls\b|pwd\b|which\b)/;

/** Whether a pipeline script may leave out this magic and still run the cell's Python the same way. */
function leavesNothingBehind(m: MagicSpan): boolean {
  const text = m.text.trim();
  if (m.kind === 'shell') return SCRIPT_NEUTRAL_SHELL.test(text) && !/[{$]/.test(text);
  if (m.kind === 'cell') return SCRIPT_NEUTRAL_CELL_MAGICS.has(text.replace(/^%%/, '').split(/\s/)[0]!);
  if (m.kind === 'line') return SCRIPT_NEUTRAL_LINE_MAGICS.has(text.replace(/^%/, '').split(/\s/)[0]!);
  return true; // `obj?` help
}

function normalise(source: string): string {
  return source.replace(/\r\n?/g, '\n');
}

function headingOf(markdown: string): string | undefined {
  const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(markdown);
  return m ? m[1] : undefined;
}

/** Reads at definition time and at call time of a hoisted definition. */
function readsOf(h: HoistedDefinition): string[] {
  const a = analyzeCell(h.statement.text);
  return [...a.reads, ...a.builtinReads].map((r) => r.name).concat(a.definedFunctions.flatMap((f) => f.readsGlobals));
}

/** The plain-repr text of an `execute_result`, when it is one line of a Python literal. */
function plainResult(outputs: unknown[]): string | undefined {
  for (const o of outputs) {
    const out = o as { output_type?: string; data?: Record<string, unknown> };
    if (out.output_type !== 'execute_result' || !out.data) continue;
    const plain = out.data['text/plain'];
    const text = Array.isArray(plain) ? plain.join('') : typeof plain === 'string' ? plain : undefined;
    if (text === undefined || text.includes('\n')) return undefined;
    const syntax = cellSyntax(text);
    const only = syntax.statements[0];
    if (syntax.hasError || syntax.statements.length !== 1 || only!.node.type !== 'ExprStmt') return undefined;
    return isLiteral(only!.node.value) ? text : undefined;
  }
  return undefined;
}

function isLiteral(expr: import('../python/ast').Expr): boolean {
  switch (expr.type) {
    case 'Constant':
      return true;
    case 'List':
    case 'Tuple':
    case 'Set':
      return expr.elts.every(isLiteral);
    case 'Dict':
      return expr.keys.every((k) => k !== null && isLiteral(k)) && expr.values.every(isLiteral);
    case 'UnaryOp':
      return expr.op === '-' || expr.op === '+' ? isLiteral(expr.operand) : false;
    default:
      return false;
  }
}

function indentBody(text: string, insideStrings: Set<number>): string[] {
  return text.split('\n').map((line, row) => (insideStrings.has(row) ? line : line.trim() ? `    ${line}` : ''));
}

export async function planProductionize(fs: FileSystem, req: ProductionizeRequest): Promise<ProductionizePlan> {
  const notebook = await readNotebookForEdit(fs, req.notebookPath, req.notebookText);
  if (!notebook.ok) return refuse(notebook.reason);
  const notebookText = notebook.text;
  let outputsByCell: unknown[][] = [];
  try {
    const json = JSON.parse(notebookText) as { cells?: Array<{ outputs?: unknown[] }> };
    outputsByCell = (json.cells ?? []).map((c) => (Array.isArray(c.outputs) ? c.outputs : []));
  } catch {
    return refuse(`${basename(req.notebookPath)} is not valid JSON.`);
  }
  const cells: NotebookCellInfo[] = notebook.cells.map((c) => ({ kind: c.kind, source: normalise(c.source), cellIndex: c.cellIndex, outputs: outputsByCell[c.cellIndex] ?? [] }));
  const codeCells = cells.filter((c) => c.kind === 'code');
  if (!codeCells.length) return refuse(`${basename(req.notebookPath)} has no code cells.`);

  // --- Names: the package after the project (pyproject name, else the folder), modules after headings.
  const notebookName = basename(req.notebookPath);
  const pyprojectPath = joinPath(req.projectRoot, 'pyproject.toml');
  const pyprojectRead = await readTextFile(fs, pyprojectPath);
  const pyproject = pyprojectRead.ok ? parsePyproject(pyprojectPath, pyprojectRead.text) : undefined;
  const declaredName = pyproject?.toml.find(['project', 'name'])?.value;
  const projectName = declaredName && declaredName.type === 'TOMLValue' && typeof declaredName.value === 'string' ? declaredName.value : basename(req.projectRoot);
  let packageName = toSnakeCase(projectName.replace(/[-.]/g, ' ')) || toSnakeCase(notebookName.replace(/\.ipynb$/i, ''));
  if (!isValidIdentifier(packageName)) packageName = 'project';
  const packageDir = joinPath(req.projectRoot, 'src', packageName);

  // --- What moves: the whole notebook read as one piece of code; cells with magics stay as they are.
  const codeInfos = codeCells.map((c, codeIndex) => ({ ...c, codeIndex, analysis: analyzeCell(c.source) }));
  const included = codeInfos.filter((c) => c.analysis.parsed && !c.analysis.magics.length && !c.analysis.syntaxErrors.length && c.source.trim());
  const excluded: HoistCell[] = codeInfos.filter((c) => !included.includes(c)).map((c) => ({ codeIndex: c.codeIndex, source: c.source, analysis: c.analysis }));
  const cellStart = new Map<number, number>();
  let line = 0;
  for (const c of included) {
    cellStart.set(c.codeIndex, line);
    line += c.source.split('\n').length;
  }
  const merged = included.map((c) => c.source).join('\n');
  const syntax = cellSyntax(merged);
  if (syntax.hasError) return refuse('The notebook\'s code does not parse as one Python program; fix the syntax errors first.');
  const hoist = planHoisting(syntax, excluded, codeInfos.length);
  const cellOfLine = (row: number) => {
    let owner = included[0]!;
    for (const c of included) if (cellStart.get(c.codeIndex)! <= row) owner = c;
    return owner;
  };
  // A comment above a definition belongs to it only within its own cell.
  const mergedLines = merged.split('\n');
  for (const h of hoist.hoisted) {
    const start = cellStart.get(cellOfLine(h.statement.line).codeIndex)!;
    if (h.firstLine < start) {
      h.firstLine = start;
      h.text = mergedLines.slice(h.firstLine, h.lastLine + 1).join('\n');
    }
  }

  // --- Sections: the heading above each code cell names the module its definitions go to.
  const stem = toSnakeCase(notebookName.replace(/\.ipynb$/i, '')) || packageName;
  const sectionOf = new Map<number, string>();
  let section = stem;
  let codeIndex = 0;
  for (const c of cells) {
    if (c.kind === 'markdown') {
      const heading = headingOf(c.source);
      const name = heading ? toSnakeCase(heading) : '';
      if (name && isValidIdentifier(name)) section = name;
    } else if (c.kind === 'code') sectionOf.set(codeIndex++, section);
  }
  const hyperparameter = (h: HoistedDefinition) => {
    if (h.kind !== 'constant') return undefined;
    const name = h.names[0]!;
    if (!HYPERPARAMETER_KEYWORDS.has(name.toLowerCase()) && !HYPERPARAMETER_KEYWORDS.has(name)) return undefined;
    const node = h.statement.node;
    const value = node.type === 'Assign' ? node.value : node.type === 'AnnAssign' ? node.value : null;
    if (!value) return undefined;
    const text = merged.slice(value.start, value.end);
    return YAML_SAFE_NUMBER.test(text) ? { key: name.toLowerCase(), value: text, isFloat: text.includes('.') } : undefined;
  };
  const paramsPath = joinPath(req.projectRoot, 'params.yaml');
  const paramsExists = !!(await fs.stat(paramsPath));
  const moduleOf = new Map<HoistedDefinition, string>();
  for (const h of hoist.hoisted) moduleOf.set(h, !paramsExists && hyperparameter(h) ? 'params' : sectionOf.get(cellOfLine(h.statement.line).codeIndex)!);
  // Reserved names, and a definition that reads a name a later section defines: one module keeps imports acyclic.
  const order = [...new Set(hoist.hoisted.map((h) => moduleOf.get(h)!))];
  const rank = (m: string) => (m === 'params' ? -1 : order.indexOf(m));
  const definedIn = new Map<string, string>();
  for (const h of hoist.hoisted) for (const n of h.names) definedIn.set(n, moduleOf.get(h)!);
  const backward = hoist.hoisted.some((h) => readsOf(h).some((n) => definedIn.has(n) && rank(definedIn.get(n)!) > rank(moduleOf.get(h)!)));
  if (backward || order.some((m) => m === 'pipeline' || m === packageName || m === '__init__' || m === '__main__')) {
    for (const h of hoist.hoisted) if (moduleOf.get(h) !== 'params') moduleOf.set(h, stem === 'params' || stem === 'pipeline' ? 'core' : stem);
    for (const h of hoist.hoisted) for (const n of h.names) definedIn.set(n, moduleOf.get(h)!);
  }
  const modules = [...new Set(hoist.hoisted.map((h) => moduleOf.get(h)!))].sort((a, b) => rank(a) - rank(b));
  const importName = (m: string) => `${packageName}.${m}`;

  // --- Module texts.
  const files: Array<PlannedFile & { content: string }> = [];
  const params: Array<{ key: string; value: string }> = [];
  const moduleSummaries: Array<{ importName: string; names: string[] }> = [];
  const moduleImports: ImportBinding[] = [];
  for (const m of modules) {
    const defs = hoist.hoisted.filter((h) => moduleOf.get(h) === m);
    const needs = new Set(defs.flatMap(readsOf));
    const imports: ImportBinding[] = hoist.imports.filter((b) => needs.has(b.name));
    if (m !== 'params') moduleImports.push(...imports);
    const fromPackage = new Map<string, string[]>();
    for (const n of needs) {
      const home = definedIn.get(n);
      if (home && home !== m) fromPackage.set(home, [...(fromPackage.get(home) ?? []), n]);
    }
    const importLines = renderImports(imports);
    const packageImports = [...fromPackage].sort((a, b) => rank(a[0]) - rank(b[0])).map(([home, names]) => `from ${importName(home)} import ${names.join(', ')}`);
    const body: string[] = [];
    let previousKind: string | undefined;
    for (const h of defs) {
      const param = m === 'params' ? hyperparameter(h) : undefined;
      // `THRESHOLD = 0.5` → `THRESHOLD: float = 0.5`, `def plot(...) -> None:`: types plain from the code.
      let text = param ? h.text : withEvidentAnnotations(h, merged);
      if (param) {
        params.push({ key: param.key, value: param.value });
        const lines = h.text.split('\n');
        const comments = lines.slice(0, h.statement.line - h.firstLine);
        text = [...comments, `${h.names[0]}: ${param.isFloat ? 'float' : 'int'} = PARAMS["${param.key}"]`].join('\n');
      }
      if (body.length) body.push(previousKind === 'constant' && h.kind === 'constant' ? '\n' : '\n\n\n');
      body.push(text);
      previousKind = h.kind;
    }
    const heading = m === 'params' ? `Hyperparameters of ${notebookName}, read from params.yaml at the project root (DVC tracks each key).` : `Code moved from ${notebookName} by ML Hygiene.`;
    const header =
      m === 'params'
        ? ['from pathlib import Path', '', 'import yaml', '', 'PARAMS_PATH = Path(__file__).resolve().parents[2] / "params.yaml"', 'with PARAMS_PATH.open(encoding="utf-8") as params_file:', '    PARAMS = yaml.safe_load(params_file)']
        : [...importLines, ...(importLines.length && packageImports.length ? [''] : []), ...packageImports];
    const content = [`"""${heading}"""`, ...(header.length ? ['', ...header] : []), '', '', body.join(''), ''].join('\n').replace(/\n\n\n\n+/g, '\n\n\n');
    files.push({ path: joinPath(packageDir, `${m}.py`), action: 'create', description: m === 'params' ? 'hyperparameters read from params.yaml' : `definitions of the "${m}" section`, content });
    moduleSummaries.push({ importName: importName(m), names: defs.flatMap((h) => h.names) });
  }

  // --- The notebook: each cell that defined something imports it instead.
  const importLineFor = (names: string[]) => {
    const byModule = new Map<string, string[]>();
    for (const n of names) byModule.set(definedIn.get(n)!, [...(byModule.get(definedIn.get(n)!) ?? []), n]);
    return [...byModule].map(([m, ns]) => `from ${importName(m)} import ${ns.join(', ')}`);
  };
  const newCellText = new Map<number, string>();
  for (const c of included) {
    const start = cellStart.get(c.codeIndex)!;
    const end = start + c.source.split('\n').length;
    const mine = hoist.hoisted.filter((h) => h.statement.line >= start && h.statement.line < end).map((h) => ({ ...h, firstLine: h.firstLine - start, lastLine: h.lastLine - start }));
    if (!mine.length) continue;
    const rest = withoutHoisted(c.source, mine, cellSyntax(c.source).linesInsideStrings);
    newCellText.set(c.codeIndex, [...importLineFor(mine.flatMap((h) => h.names)), ...(rest ? [rest] : [])].join('\n'));
  }
  // Imports-only cells whose names only the moved definitions read: the modules import them now, and
  // the notebook no longer needs them (importCells.ts); the others stay, with the cells that read them.
  const definitionCells = new Set(newCellText.keys());
  const importCells = settleImportCells({
    after: codeInfos.map((c) => newCellText.get(c.codeIndex) ?? c.source),
    changed: definitionCells,
    movedReads: new Set(hoist.hoisted.flatMap(readsOf)),
    moduleImports,
  });
  for (const o of importCells) if (o.text !== undefined) newCellText.set(o.codeIndex, o.text);

  // --- The pipeline: the notebook's remaining steps as `main()`, for DVC to run.
  const steps: string[] = [];
  const scriptImports: string[] = [];
  // Names only the notebook binds (a magic's result, a cell that runs only there): a step reading one
  // cannot run in the script either, or the pipeline would stop with a NameError.
  const notebookOnly = new Set<string>();
  const onlyInNotebook = (codeIndex: number, text: string, why: string) => {
    steps.push(`    # Cell ${codeIndex} ${why} and runs only in the notebook:`, ...text.split('\n').map((l) => `    # ${l}`.trimEnd()));
    for (const w of analyzeCell(text).writes) notebookOnly.add(w.name);
  };
  for (const c of codeInfos) {
    let text = newCellText.get(c.codeIndex) ?? c.source;
    if (!text.trim()) continue;
    if (!included.includes(c)) {
      // Magics at the top or bottom of a cell that leave nothing the code depends on (`%matplotlib
      // inline`, `!pip install`, `%%time`) are the notebook's; the Python between them is a step like
      // any other. Any other magic (`%run`, `%cd`, `%env`, `!wget`) may feed the code: the cell stays out.
      const kept = c.analysis.parsed && !c.analysis.syntaxErrors.length ? keptInCell(normalise(text)) : undefined;
      if (!kept || 'refusal' in kept || kept.boundAbove.length || analyzeCell(kept.blanked).magics.length || !maskMagics([kept.top, kept.bottom].join('\n')).magics.every(leavesNothingBehind)) {
        onlyInNotebook(c.codeIndex, text, 'uses IPython syntax');
        continue;
      }
      const magicLines = [kept.top, kept.bottom].filter(Boolean).join('\n').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
      steps.push(`    # Cell ${c.codeIndex}, in the notebook only: ${magicLines.map((l) => `\`${l.trim()}\``).join(', ')}`);
      for (const w of analyzeCell([kept.top, kept.bottom].join('\n')).writes) notebookOnly.add(w.name);
      text = kept.blanked.replace(/^\n+/, '').replace(/\n+$/, '');
    }
    // Most steps are their cell as written, whose analysis the plan already has.
    const facts = text === c.source ? c.analysis : analyzeCell(text);
    const missing = [...facts.reads, ...facts.lateReads].find((r) => notebookOnly.has(r.name));
    if (missing) {
      onlyInNotebook(c.codeIndex, newCellText.get(c.codeIndex) ?? c.source, `reads \`${missing.name}\`, which only the notebook has,`);
      continue;
    }
    for (const w of facts.writes) notebookOnly.delete(w.name);
    // Imports go to the script's top (those of the package once, below); the value a cell displays
    // is for the notebook's reader, so the script does not compute it just to drop it.
    const s = cellSyntax(text);
    const drop = new Set<number>();
    const displayed = displayedExpression(s);
    for (const st of s.statements) {
      const ownLines = !text.slice(text.lastIndexOf('\n', st.start - 1) + 1, st.start).trim() && !(text.slice(st.end).split('\n')[0] ?? '').trim().replace(/^#.*/, '');
      if (!ownLines) continue;
      if (st.imports && !st.starImport) {
        if (!st.imports.some((b) => b.module.startsWith(`${packageName}.`) || b.module === packageName)) scriptImports.push(st.text);
      } else if (st !== displayed) continue;
      for (let row = st.line; row <= st.endLine; row++) drop.add(row);
    }
    const kept = text
      .split('\n')
      .filter((_, row) => !drop.has(row))
      .join('\n')
      .trim();
    if (!kept || kept.split('\n').every((l) => !l.trim() || l.trim().startsWith('#'))) continue;
    steps.push(...indentBody(kept, cellSyntax(kept).linesInsideStrings));
  }
  const hasPipeline = steps.some((l) => l.trim() && !l.trim().startsWith('#'));
  // The notebook's relative paths are relative to its folder (Jupyter's working directory): the stage runs there too.
  const notebookDir = dirname(req.notebookPath);
  const wdir = notebookDir === req.projectRoot ? '' : relativePath(req.projectRoot, notebookDir);
  const fromWdir = (path: string) => (wdir ? relativePath(notebookDir, path) : relativePath(req.projectRoot, path));
  const dataFiles = await dataFilesOf(fs, notebookDir, codeInfos);
  const pipelineModule = 'pipeline';
  if (hasPipeline) {
    const allNames = hoist.hoisted.flatMap((h) => h.names);
    const rebindsGlobals = analyzeCell(steps.map((l) => l.slice(4)).join('\n')).globalDecls.length > 0;
    const used = new Set(steps.join('\n').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
    const thirdParty = [...new Set(scriptImports)].filter((statement) => withCellSyntaxNames(statement).some((n) => used.has(n)));
    const imports = [...thirdParty, ...(thirdParty.length ? [''] : []), ...importLineFor(allNames.filter((n) => used.has(n)))];
    const content = [
      `"""The steps of ${notebookName} as a script: \`python -m ${packageName}.${pipelineModule}\` (the DVC stage runs it)."""`,
      ...(imports.length ? ['', ...imports] : []),
      '',
      '',
      // A step that rebinds a global (`global n`) needs the steps' names to be module globals, as in the notebook.
      ...(rebindsGlobals
        ? ['if __name__ == "__main__":', "    # The steps stay at module level: a function below rebinds one of their names with `global`.", ...steps]
        : // No `-> None`: the steps are the notebook's statements, never type-checked; an annotated main
          // would have the generated CI's mypy check them (`x = {}` needs an annotation) and fail out of
          // the box. MLH422 points at it instead, for when the steps are typed.
          ['def main():', `    """Runs the notebook's steps top to bottom."""`, ...steps, '', '', 'if __name__ == "__main__":', '    main()']),
      '',
    ].join('\n');
    files.push({ path: joinPath(packageDir, `${pipelineModule}.py`), action: 'create', description: 'the notebook\'s steps as a script (the DVC stage)', content });
  }
  if (files.length) {
    files.unshift({ path: joinPath(packageDir, '__init__.py'), action: 'create', description: 'package marker', content: `"""${projectName}: code moved from ${notebookName}."""\n` });
    files.push({ path: joinPath(packageDir, 'py.typed'), action: 'create', description: 'typed package marker (PEP 561)', content: '' });
  }

  // --- Tests: an import test per module, and a value test per literal call with a plain saved result.
  let testCount = 0;
  const functionDefs = new Map(hoist.hoisted.filter((h) => h.kind === 'function').map((h) => [h.names[0]!, h]));
  for (const m of [...modules, ...(hasPipeline ? [pipelineModule] : [])]) {
    const cases: string[] = [];
    const names = new Set<string>();
    for (const c of codeInfos) {
      if (!included.includes(c)) continue;
      const s = cellSyntax(c.source);
      const last = s.statements[s.statements.length - 1];
      if (!last || last.node.type !== 'ExprStmt' || last.node.value.type !== 'Call') continue;
      const call = last.node.value;
      if (call.func.type !== 'Name' || !functionDefs.has(call.func.id) || definedIn.get(call.func.id) !== m) continue;
      if (!call.args.every(isLiteral) || !call.keywords.every((k) => isLiteral(k.value))) continue;
      const fn = functionDefs.get(call.func.id)!;
      if (/\b(print|open|input|random|time)\b/.test(fn.statement.text)) continue; // not pure enough to pin
      const expected = plainResult(c.outputs);
      if (expected === undefined) continue;
      names.add(call.func.id);
      const callText = c.source.slice(call.start, call.end);
      cases.push('', `    def test_${call.func.id}_${cases.length / 4 + 1}(self) -> None:`, `        # Cell ${c.codeIndex} of ${notebookName} showed this value.`, `        self.assertEqual(${callText}, ${expected})`);
    }
    const lines = [
      `"""Tests of ${packageName}.${m}, generated from ${notebookName}."""`,
      'import importlib',
      'import unittest',
      ...(names.size ? ['', `from ${importName(m)} import ${[...names].join(', ')}`] : []),
      '',
      '',
      `class Test${m.replace(/(^|_)([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase())}(unittest.TestCase):`,
      '    def test_imports(self) -> None:',
      `        importlib.import_module("${importName(m)}")`,
      ...cases,
      '',
    ];
    testCount += 1 + cases.length / 4;
    files.push({ path: joinPath(req.projectRoot, 'tests', `test_${m}.py`), action: 'create', description: `tests of ${importName(m)}`, content: lines.join('\n') });
  }

  // --- params.yaml and dvc.yaml.
  if (params.length) files.push({ path: paramsPath, action: 'create', description: 'hyperparameters (DVC params)', content: params.map((p) => `${p.key}: ${p.value}`).join('\n') + '\n' });
  if (hasPipeline) {
    const stage = packageName;
    const dvc = [
      'stages:',
      `  ${stage}:`,
      `    cmd: python -m ${packageName}.${pipelineModule}`,
      ...(wdir ? [`    wdir: ${wdir}`] : []),
      '    deps:',
      ...[fromWdir(packageDir), ...dataFiles.reads].map((d) => `      - ${d}`),
      ...(params.length
        ? wdir
          ? ['    params:', `      - ${fromWdir(paramsPath)}:`, ...params.map((p) => `          - ${p.key}`)]
          : ['    params:', ...params.map((p) => `      - ${p.key}`)]
        : []),
      ...(dataFiles.writes.length ? ['    outs:', ...dataFiles.writes.map((o) => `      - ${o}`)] : []),
      '',
    ].join('\n');
    files.push({ path: joinPath(req.projectRoot, 'dvc.yaml'), action: 'create', description: 'pipeline stage running the package', content: dvc });
  }

  // --- pyproject.toml: dependencies from the imports, pinned to the environment when there is one.
  const requirements = requirementsOf(codeInfos.map((c) => c.analysis), packageName, req.environment);
  if (params.length && !requirements.some((r) => normalizeName(r.distribution) === 'pyyaml')) requirements.push(requirement('pyyaml', req.environment));
  requirements.sort((a, b) => a.distribution.localeCompare(b.distribution));
  const pythonVersion = await pythonVersionOf(fs, req.projectRoot, req.environment);
  // Third-party modules the package imports: mypy is told not to fail on those that ship no types.
  const untypedCandidates = thirdPartyModules(codeInfos.map((c) => c.analysis), packageName);
  if (params.length && !untypedCandidates.includes('yaml')) untypedCandidates.push('yaml');
  untypedCandidates.sort();
  // CI runs the type checker the project configures (MLH410 asks it of every project).
  const runsMypy = !pyprojectRead.ok || pyproject?.toml.get(['tool', 'mypy']) !== undefined;
  if (!pyprojectRead.ok) {
    files.push({ path: pyprojectPath, action: 'create', description: 'project metadata, dependencies and tool settings', content: newPyproject(projectName, await hasFile(fs, joinPath(req.projectRoot, 'README.md')), requirements.map((r) => r.spec), pythonVersion, untypedCandidates) });
  } else if (pyproject) {
    const declared = new Set(pyproject.requirements.flatMap((r) => (r.parsed.ok ? [normalizeName(r.parsed.requirement.name)] : [])));
    let text = pyprojectRead.text;
    for (const r of requirements.filter((r) => !declared.has(normalizeName(r.distribution)))) {
      const fix = addDependencyFix({ pyproject: parsePyproject(pyprojectPath, text) }, r.spec, r.distribution);
      const op = fix?.edit?.operations[0];
      if (op?.kind === 'edit') text = applyTextEdits(text, op.edits);
    }
    if (text !== pyprojectRead.text) files.push({ path: pyprojectPath, action: 'edit', description: 'adds the dependencies the notebook imports', content: text });
  }

  // --- The Python version and CI the guides ask for: recorded once, run on every change.
  if (pythonVersion) files.push({ path: joinPath(req.projectRoot, '.python-version'), action: 'create', description: 'the Python version used for development and CI', content: `${pythonVersion}\n` });
  if (!(await fs.stat(joinPath(req.projectRoot, '.github', 'workflows')))) {
    files.push({
      path: joinPath(req.projectRoot, '.github', 'workflows', 'tests.yml'),
      action: 'create',
      role: 'ci',
      description: runsMypy ? 'CI running the type checker and the tests on every push and pull request' : 'CI running the tests on every push and pull request',
      content: [
        'name: tests',
        'on: [push, pull_request]',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: actions/setup-python@v5',
        '        with:',
        pythonVersion ? '          python-version-file: .python-version' : '          python-version: "3.x"',
        runsMypy ? '      - run: python -m pip install -e . pytest mypy' : '      - run: python -m pip install -e . pytest',
        ...(runsMypy ? ['      - run: python -m mypy'] : []),
        '      - run: python -m pytest',
        '',
      ].join('\n'),
    });
  }

  // --- How to work on the new project, in the README: the user's own prose, so only when they tick it.
  const readme = await readmeWithSection(fs, req.projectRoot, {
    projectName,
    notebookName,
    packageName,
    pipeline: hasPipeline ? `${packageName}.${pipelineModule}` : undefined,
    hasParams: params.length > 0,
    runsMypy,
    dvcRepository: (await fs.stat(joinPath(req.projectRoot, '.dvc'))) !== undefined,
  });
  if (readme) files.push({ ...readme, optIn: true, role: 'readme' });

  // --- One edit: creates where absent, edits otherwise, and the notebook's cells.
  const operations: EditOperation[] = [];
  const skipped: string[] = [];
  const planned: PlannedFile[] = [];
  for (const f of files) {
    if (f.action === 'create') {
      if (await fs.stat(f.path)) {
        skipped.push(relativePath(req.projectRoot, f.path));
        continue;
      }
      operations.push({ kind: 'create', path: f.path, content: f.content });
    } else {
      const current = await readTextFile(fs, f.path);
      if (!current.ok) continue;
      operations.push({ kind: 'edit', path: f.path, edits: [{ range: new LineIndex(current.text).rangeOf(0, current.text.length), newText: f.content }] });
    }
    planned.push({ path: f.path, action: f.action, description: f.description, ...(f.optIn ? { optIn: true } : {}), ...(f.role ? { role: f.role } : {}) });
  }
  // A module that could not be created (it exists) must not be imported by the notebook.
  const missingModule = skipped.find((s) => s.startsWith(`src/${packageName}/`) && s.endsWith('.py') && !s.endsWith('__init__.py') && !s.endsWith(`${pipelineModule}.py`));
  if (missingModule) return refuse(`${missingModule} already exists; it is never overwritten, and the notebook would import definitions it does not hold. Move or rename it first.`);
  const ipynbEdit: TextEdit[] = [];
  for (const [index, text] of newCellText) {
    const target = notebook.cells[codeCells[index]!.cellIndex]!;
    const original = notebook.cells[codeCells[index]!.cellIndex]!.source;
    operations.push({ kind: 'cellEdit', path: req.notebookPath, cell: target.cellIndex, edits: [{ range: new LineIndex(original).rangeOf(0, original.length), newText: text }] });
    const edit = cellSourceEdit(notebookText, target, text);
    if (!edit) return refuse(`Code cell ${index} has no "source" field in ${notebookName}; save the notebook from Jupyter or VS Code first.`);
    ipynbEdit.push(edit);
  }
  if (newCellText.size) {
    const emptied = importCells.filter((o) => o.emptied).map((o) => o.codeIndex);
    const described = [
      ...(definitionCells.size ? [`${definitionCells.size} cells import from ${packageName} instead of defining`] : []),
      ...(emptied.length ? [`imports-only ${cellList(emptied)} emptied (the modules import what they read)`] : []),
    ];
    planned.push({ path: req.notebookPath, action: 'edit', description: described.join('; ') });
  }
  if (!operations.length) return refuse('Nothing to add: the project already has every file this would create, and the notebook defines nothing that can move.');
  return {
    ok: true,
    edit: { operations },
    ipynbEdit,
    files: planned,
    packageName,
    modules: moduleSummaries,
    keptBack: [...hoist.keptBack].map(([name, reason]) => ({ name, reason })),
    importCells,
    params,
    tests: testCount,
    skipped,
  };
}

const README_SECTION_HEADING = '## Working on this project';

/**
 * The README with a section saying how to work on the new layout (install, test, type-check, run the
 * pipeline), appended to the user's README.md or as a new one; undefined when the section is there already.
 */
async function readmeWithSection(
  fs: FileSystem,
  projectRoot: string,
  project: { projectName: string; notebookName: string; packageName: string; pipeline: string | undefined; hasParams: boolean; runsMypy: boolean; dvcRepository: boolean },
): Promise<{ path: string; action: 'create' | 'edit'; description: string; content: string } | undefined> {
  const path = joinPath(projectRoot, 'README.md');
  const current = await readTextFile(fs, path);
  if (current.ok && current.text.split(/\r?\n/).some((line) => line.trim() === README_SECTION_HEADING)) return undefined;
  const section = [
    README_SECTION_HEADING,
    '',
    `The code of \`${project.notebookName}\` lives in the \`${project.packageName}\` package under \`src/\`; the notebook imports it and stays for exploration.`,
    '',
    '```sh',
    'python -m pip install -e . pytest' + (project.runsMypy ? ' mypy' : '') + '   # the package, editable, and the test tools',
    'python -m pytest                          # the tests in tests/',
    ...(project.runsMypy ? ['python -m mypy                            # the type checker, as CI runs it'] : []),
    ...(project.pipeline && !project.dvcRepository ? ['dvc init                                  # once: makes the folder a DVC repository'] : []),
    ...(project.pipeline ? [`dvc repro                                 # the pipeline in dvc.yaml (python -m ${project.pipeline})`] : []),
    '```',
    ...(project.hasParams ? ['', 'Hyperparameters live in `params.yaml`; change them there, not in the code.'] : []),
    '',
  ];
  if (!current.ok) {
    if (current.reason !== 'missing') return undefined;
    return { path, action: 'create', description: 'how to install, test and run the project (tick to add)', content: [`# ${project.projectName}`, '', ...section].join('\n') };
  }
  const eol = current.text.includes('\r\n') ? '\r\n' : '\n';
  const body = current.text.replace(/(\r?\n)*$/, '');
  const content = `${body}${eol}${eol}${section.join(eol)}`;
  return { path, action: 'edit', description: `adds a "${README_SECTION_HEADING.slice(3)}" section (tick to add)`, content };
}

async function hasFile(fs: FileSystem, path: string): Promise<boolean> {
  return (await fs.stat(path))?.kind === 'file';
}

interface Requirement {
  distribution: string;
  spec: string;
}

function requirement(distribution: string, environment: PythonEnvironment | undefined): Requirement {
  const installed = environment?.distributions.get(normalizeName(distribution));
  return { distribution: installed?.name ?? distribution, spec: installed ? `${installed.name}==${installed.version}` : distribution };
}

/** Third-party imports → distributions, through the environment's own records first, then the import table. */
function requirementsOf(analyses: CellAnalysis[], packageName: string, environment: PythonEnvironment | undefined): Requirement[] {
  const out = new Map<string, Requirement>();
  for (const module of thirdPartyImports(analyses, packageName)) {
    const top = module.split('.')[0]!;
    const fromEnvironment = environment ? [...environment.distributions.values()].find((d) => d.importNames.includes(top)) : undefined;
    const distribution = fromEnvironment?.name ?? tableLookup(module)?.distributions[0] ?? top;
    const r = requirement(distribution, environment);
    out.set(normalizeName(r.distribution), r);
  }
  return [...out.values()];
}

/** Modules of the third-party imports in the notebook's code (absolute, not stdlib, not the package), in order. */
function thirdPartyImports(analyses: CellAnalysis[], packageName: string): string[] {
  const out: string[] = [];
  for (const a of analyses) {
    for (const i of a.imports) {
      if (i.level > 0 || !i.module) continue;
      const top = i.module.split('.')[0]!;
      if (top === packageName || isStdlibModule(top) || top === 'IPython' || top === '__future__') continue;
      out.push(i.module);
    }
  }
  return out;
}

async function pythonVersionOf(fs: FileSystem, root: string, environment: PythonEnvironment | undefined): Promise<string | undefined> {
  const file = await readTextFile(fs, joinPath(root, '.python-version'));
  if (file.ok) {
    const m = /^\s*(?:python-?)?(3\.\d+)/m.exec(file.text);
    if (m) return m[1];
  }
  for (const site of environment?.sitePackages ?? []) {
    const m = /python(3\.\d+)/.exec(site);
    if (m) return m[1];
  }
  return undefined;
}

/** Top-level third-party modules the notebook's code imports (what its dependencies provide). */
function thirdPartyModules(analyses: CellAnalysis[], packageName: string): string[] {
  return [...new Set(thirdPartyImports(analyses, packageName).map((m) => m.split('.')[0]!))];
}

function newPyproject(name: string, hasReadme: boolean, dependencies: string[], pythonVersion: string | undefined, thirdParty: string[] = []): string {
  const distName = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'project';
  return [
    '[project]',
    `name = "${distName}"`,
    'version = "0.1.0"',
    ...(hasReadme ? ['readme = "README.md"'] : []),
    ...(pythonVersion ? [`requires-python = ">=${pythonVersion}"`] : []),
    dependencies.length ? `dependencies = [\n${dependencies.map((d) => `    "${d}",`).join('\n')}\n]` : 'dependencies = []',
    '',
    '[build-system]',
    'requires = ["setuptools>=68"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[tool.mypy]',
    ...(pythonVersion ? [`python_version = "${pythonVersion}"`] : []),
    'files = ["src", "tests"]',
    'mypy_path = "src"',
    '',
    // Many data-science distributions (pandas, scikit-learn, PyYAML) ship no type information; without
    // this, `mypy` in CI fails on their imports until stubs are installed. Only these modules are
    // exempt, and a distribution that ships types is still checked against them.
    ...(thirdParty.length
      ? ['[[tool.mypy.overrides]]', `module = [${thirdParty.map((m) => `"${m}.*"`).join(', ')}]`, 'ignore_missing_imports = true', '']
      : []),
    '[tool.pytest.ini_options]',
    'testpaths = ["tests"]',
    'pythonpath = ["src"]',
    '',
  ].join('\n');
}

const DATA_EXTENSION = /\.(csv|tsv|parquet|pq|json|jsonl|ndjson|xlsx|xls|feather|arrow|pkl|pickle|joblib|npy|npz|h5|hdf5|txt|dat|zip|gz|sqlite|db|pt|pth|ckpt|safetensors|png|jpe?g)$/i;
/** Calls whose first argument is a file they write. */
const WRITERS = /(^|\.)(to_csv|to_parquet|to_json|to_pickle|to_feather|to_excel|savefig|save|savez|savetxt|write_text|write_bytes)$/;

/**
 * The data files the notebook reads (a literal path that exists, relative to the project) and writes
 * (a literal path given to `open(..., "w")` or a writer such as `to_csv`), relative to the project root.
 */
async function dataFilesOf(fs: FileSystem, root: string, cells: Array<{ source: string; analysis: CellAnalysis }>): Promise<{ reads: string[]; writes: string[] }> {
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (const c of cells) {
    const literal = (span: { start: number; end: number }) => c.analysis.strings.find((s) => s.start === span.start && s.end === span.end)?.value;
    for (const call of c.analysis.calls) {
      const first = call.args[0];
      const path = first ? literal(first) : undefined;
      if (!path || !DATA_EXTENSION.test(path) || path.startsWith('/') || path.includes('://')) continue;
      const mode = call.callee === 'open' && call.args[1] ? literal(call.args[1]) : undefined;
      if ((call.callee === 'open' && mode && /[wax]/.test(mode)) || WRITERS.test(call.callee)) writes.add(path.replace(/^\.\//, ''));
    }
    for (const s of c.analysis.strings) {
      const path = s.value.replace(/^\.\//, '');
      if (!DATA_EXTENSION.test(path) || path.startsWith('/') || path.includes('://') || writes.has(path)) continue;
      if ((await fs.stat(joinPath(root, path)))?.kind === 'file') reads.add(path);
    }
  }
  return { reads: [...reads].sort(), writes: [...writes].sort() };
}

/** The names an import statement binds. */
function withCellSyntaxNames(statement: string): string[] {
  return cellSyntax(statement).statements.flatMap((s) => (s.imports ?? []).map((b) => b.name));
}
