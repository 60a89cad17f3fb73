import { analyzeCell, type CellAnalysis } from '../../analysis/cellAnalysis';
import { memoizeByText } from '../../text/memo';
import { OFF_THREAD_MIN_CELLS, OFF_THREAD_MIN_CHARS, type CellAnalyzerPool } from '../../analysis/analyzerPool';
import { DEFAULT_PROJECT_CONFIG, type ProjectConfig } from '../../config';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { computeFirstPartyModules } from '../../imports/firstParty';
import { pythonTargetOf } from '../../imports/pythonTarget';
import { ImportResolver } from '../../imports/resolver';
import { parseIpynb } from '../../notebook/ipynb';
import { codeCells, isPythonNotebook, type CodeCellRef, type NotebookInput, type NotebookReadResult } from '../../notebook/model';
import type { PythonProject } from '../../project/discovery';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { PyprojectFile } from '../../pyproject/pyprojectFile';
import { LineIndex, type Range } from '../../text/lineIndex';
import type { DependencyContext } from '../dependencies/context';
import type { DependencyTarget } from './addDependency';
import { dvcTrackingOf, type DvcTracking } from '../../dvc/trackedOutputs';
import { addModuleAliases, type ModuleAliases } from './moduleAliases';
import { aliasesKeyOf, cellFacts, factSlotsOf, forgetRememberedChecks } from './cellFacts';

/**
 * What the notebook rules know about the project around a notebook: declared dependencies (for
 * MLH204/MLH110), where to add one, how imports map to distributions, and what DVC tracks (MLH211).
 * Built once per project and shared by all its notebooks and `.py` files.
 */
export interface NotebookProjectFacts {
  root: string;
  project?: PythonProject;
  /** Every declared requirement: pyproject groups (runtime, optional, dev, build) and requirements files. */
  requirements: readonly DeclaredRequirement[];
  /** Normalized names of every declared distribution, any group but build requirements: any of them satisfies an import. */
  declaredNames: ReadonlySet<string>;
  /** The project has somewhere it declares dependencies (`[project]` table or a requirements file). */
  declaresDependencies: boolean;
  /** Where "Add `<dist>` to dependencies" writes. */
  dependencyTarget: DependencyTarget;
  pyproject?: PyprojectFile;
  resolver: ImportResolver;
  dvcTracked: DvcTracking;
  config: ProjectConfig;
  /** Text of the manifests the requirements come from (for ranges of MLH111). */
  textOf(path: string): string | undefined;
}

export interface BuildNotebookProjectFactsOptions {
  /** The workspace scan's file list: its `*.dvc` and `dvc.yaml` files say what DVC tracks (MLH211). */
  workspaceFiles: string[];
}

/** Project facts from the dependency rules' context (the engine already builds one per project). */
export async function buildNotebookProjectFacts(deps: DependencyContext, options: BuildNotebookProjectFactsOptions): Promise<NotebookProjectFacts> {
  const { project, pyproject } = deps;
  const requiresPython = pyproject?.toml.get(['project', 'requires-python']);
  const projectName = pyproject?.toml.get(['project', 'name']);
  const resolver = new ImportResolver({
    ...(deps.environment ? { environment: deps.environment } : {}),
    target: pythonTargetOf(typeof requiresPython === 'string' ? requiresPython : undefined, deps.pythonVersion?.version),
    firstParty: computeFirstPartyModules(project.root, project.pythonPaths, typeof projectName === 'string' ? projectName : undefined),
  });
  const dvcTracked = await dvcTrackingOf(deps.fs, options.workspaceFiles);
  const runtimeRequirementsFile = deps.requirementsFiles.find((r) => r.requirements.every((q) => q.groupKind === 'runtime'));
  const hasProjectTable = pyproject?.toml.get(['project']) !== undefined;
  return {
    root: project.root,
    project,
    requirements: deps.allRequirements,
    declaredNames: declaredNamesOf(deps.allRequirements),
    declaresDependencies: hasProjectTable || deps.requirementsFiles.length > 0,
    dependencyTarget: {
      ...(pyproject ? { pyproject } : {}),
      ...(runtimeRequirementsFile && !hasProjectTable ? { requirementsFile: { path: runtimeRequirementsFile.path, text: runtimeRequirementsFile.text } } : {}),
    },
    ...(pyproject ? { pyproject } : {}),
    resolver,
    dvcTracked,
    config: deps.config,
    textOf: (path) => deps.textOf(path),
  };
}

/**
 * Distributions the project declares for running its code: every group except `[build-system].requires`,
 * which exists only while building (setuptools there does not provide `distutils` at run time).
 */
export function declaredNamesOf(requirements: readonly DeclaredRequirement[]): Set<string> {
  const names = new Set<string>();
  for (const r of requirements) if (r.parsed.ok && r.groupKind !== 'build') names.add(r.parsed.requirement.normalizedName);
  return names;
}

/** A code cell with its dataflow analysis. */
export interface AnalyzedCell extends CodeCellRef {
  analysis: CellAnalysis;
  lines: LineIndex;
  /** What rules derived from `analysis` (cellFacts.ts `factSlotsOf`). */
  factSlots: unknown[];
}

export interface NotebookContext {
  path: string;
  /** Undefined when the file could not be read as a notebook (`readError` says why). */
  notebook?: NotebookInput;
  readError?: { message: string; range: Range };
  /** False for R, Julia, ... kernels: the Python rules skip the notebook and MLH214 says so once. */
  isPython: boolean;
  cells: AnalyzedCell[];
  /** Some code cell has an execution count: the notebook was run and saved. */
  hasRun: boolean;
  /** Imported module names across the notebook: `np` → `numpy`, `seed` → `numpy.random.seed`. */
  aliases: ModuleAliases;
  config: ProjectConfig;
  project?: NotebookProjectFacts;
  /** `aliases` as one string (cellFacts.ts `aliasesKeyOf`), made once per check for the alias-dependent facts. */
  aliasesKey: string;
}

export interface CreateNotebookContextOptions {
  config?: ProjectConfig;
  project?: NotebookProjectFacts;
  /** Worker threads for a cold notebook's many cells; without one every cell is analysed in process. */
  analyzer?: CellAnalyzerPool;
}

/**
 * The context the notebook rules run on, from a parsed notebook (from disk via `parseIpynb`, or from
 * LSP notebook sync) or from a failed read.
 */
export async function createNotebookContext(input: NotebookInput | { path: string; read: NotebookReadResult; text?: string }, options: CreateNotebookContextOptions = {}): Promise<NotebookContext> {
  const config = options.config ?? options.project?.config ?? DEFAULT_PROJECT_CONFIG;
  const aliases: ModuleAliases = new Map();
  const base = {
    aliases,
    config,
    ...(options.project ? { project: options.project } : {}),
    aliasesKey: '',
  };
  let notebook: NotebookInput;
  if ('read' in input) {
    if (!input.read.ok) {
      const pos = input.text !== undefined && input.read.offset !== undefined ? new LineIndex(input.text).positionAt(input.read.offset) : { line: 0, character: 0 };
      return { ...base, path: input.path, readError: { message: input.read.message, range: { start: pos, end: { line: pos.line, character: pos.character + 1 } } }, isPython: false, cells: [], hasRun: false };
    }
    notebook = input.read.notebook;
  } else notebook = input;

  const isPython = isPythonNotebook(notebook);
  const refs = codeCells(notebook);
  const hasRun = refs.some((r) => typeof r.cell.executionCount === 'number');
  if (!isPython) return { ...base, path: notebook.path, notebook, isPython, cells: [], hasRun };
  if (options.analyzer) await analyzeOffThread(refs.map((r) => r.cell.source), options.analyzer);
  const cells = refs.map((ref): AnalyzedCell => {
    const analysis = analyzeCellCached(ref.cell.source);
    const cell = { codeIndex: ref.codeIndex, cellIndex: ref.cellIndex, cell: ref.cell, analysis, lines: lineIndexCached(ref.cell.source), factSlots: factSlotsOf(analysis) };
    const imported = importedNamesOf(cell);
    if (imported) for (const [name, module] of imported) aliases.set(name, module);
    return cell;
  });
  return { ...base, aliasesKey: aliasesKeyOf(aliases), path: notebook.path, notebook, isPython, cells, hasRun };
}

/**
 * The module each name a cell imports stands for, once per cell text (see cellFacts.ts). Applied cell
 * after cell, later imports of a name win, as when the aliases were added cell by cell.
 */
const importedNamesOf = cellFacts('aliases', (cell): ModuleAliases | null => {
  if (!cell.analysis.imports.length) return null;
  const own: ModuleAliases = new Map();
  addModuleAliases(own, cell.cell.source, cell.analysis);
  return own.size ? own : null;
});

/**
 * A keystroke changes one cell: the other 999 of a big notebook keep their source, so their
 * analysis is reused. Keyed by source text (analysis depends on nothing else).
 */
const ANALYSIS_CACHE_SIZE = 20_000;
export const analyzeCellCached = memoizeByText<CellAnalysis>(analyzeCell, ANALYSIS_CACHE_SIZE);

/**
 * Shares the cells whose analysis is not cached between the pool's threads and this one, and caches
 * the answers, so the in-process pass that follows finds them all. Small batches (an edited cell)
 * stay in process; a pool that fails leaves its cells to that pass too, so the answer is the same
 * either way.
 */
async function analyzeOffThread(sources: string[], pool: CellAnalyzerPool): Promise<void> {
  const missing = [...new Set(sources.filter((s) => !analyzeCellCached.has(s)))];
  let chars = 0;
  for (const s of missing) chars += s.length;
  if (missing.length < OFF_THREAD_MIN_CELLS || chars < OFF_THREAD_MIN_CHARS) return;
  try {
    const results = await pool.analyzeMany(missing, analyzeCell);
    missing.forEach((source, i) => results[i] && analyzeCellCached.remember(source, results[i]));
  } catch {
    // Worker gone or failed to start: the in-process pass analyses these cells.
  }
}

/** Line indexes of unchanged cells are reused too (a LineIndex is immutable). */
const lineIndexCached = memoizeByText((source: string) => new LineIndex(source), ANALYSIS_CACHE_SIZE);

/**
 * Forgets every cell analysis kept in this process, with every per-cell fact derived from them
 * (cellFacts.ts keys facts by analysis object) and what rules kept of their last check of each
 * notebook: the next check starts cold, as in a new process. Tests compare the check of an edited
 * notebook, made from what earlier checks kept, with such a cold check.
 */
export function forgetCellAnalyses(): void {
  analyzeCellCached.clear();
  lineIndexCached.clear();
  forgetRememberedChecks();
}

/** Reads and parses a `.ipynb` from the file system into a context. Never throws. */
export async function readNotebookContext(fs: FileSystem, path: string, options: CreateNotebookContextOptions = {}): Promise<NotebookContext> {
  // Notebooks with saved images are routinely far larger than manifests: allow them, up to a sane cap.
  const r = await readTextFile(fs, path, MAX_NOTEBOOK_BYTES);
  if (!r.ok) {
    const message =
      r.reason === 'too-large'
        ? `The notebook is ${(r.size / 1024 / 1024).toFixed(0)} MB, over the ${MAX_NOTEBOOK_BYTES / 1024 / 1024} MB ML Hygiene reads; it was not checked.`
        : r.reason === 'binary'
          ? 'The notebook is not a text file; it was not checked.'
          : `The notebook could not be read${r.detail ? `: ${r.detail}` : ''}.`;
    return createNotebookContext({ path, read: { ok: false, message } }, options);
  }
  return createNotebookContext({ path, read: parseIpynb(path, r.text), text: r.text }, options);
}

export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

/** The range of a cell's first line (for findings about the cell as a whole: outputs, execution order). */
export function firstLineRange(cell: AnalyzedCell): Range {
  const end = cell.lines.lineEnd(0);
  return { start: { line: 0, character: 0 }, end: cell.lines.positionAt(end) };
}

export function spanRange(cell: AnalyzedCell, start: number, end: number): Range {
  return cell.lines.rangeOf(start, end);
}

/** Rules that need Python cells run only when the notebook was read and its kernel is Python. */
export function pythonCells(ctx: NotebookContext): AnalyzedCell[] {
  return ctx.isPython ? ctx.cells : [];
}
