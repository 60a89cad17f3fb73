import type { ImportRef } from '../../analysis/cellAnalysis';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { basename, dirname } from '../../fs/paths';
import { LineIndex } from '../../text/lineIndex';
import { analyzeCellCached, readNotebookContext, type NotebookContext, type NotebookProjectFacts } from './context';

/** One place imports are written: a notebook code cell or a `.py` file. */
export interface ImportSite {
  path: string;
  /** Code-cell index for notebooks; undefined for `.py` files. */
  cell?: number;
  inNotebook: boolean;
  directory: string;
  imports: ImportRef[];
  /** Line index of the cell's source or of the file, for ranges. */
  lines: LineIndex;
}

/** What MLH110/MLH111 compare: every import of the project's notebooks and Python files, and its declared dependencies. */
export interface ProjectImportsContext {
  facts: NotebookProjectFacts;
  sites: ImportSite[];
  /** Every module imported anywhere, dotted, with `from m import a` also recorded as `m.a` (namespace packages). */
  importedModules: ReadonlySet<string>;
}

export interface CreateProjectImportsContextOptions {
  fs: FileSystem;
  /**
   * Notebook contexts already built (open notebooks from LSP sync, or the ones the notebook rules ran
   * on): reused instead of reading those paths from disk.
   */
  notebooks?: readonly NotebookContext[];
  /** Override `.py` texts (e.g. unsaved editor buffers) by path. */
  pythonTexts?: ReadonlyMap<string, string>;
}

/** Files that configure tools or the build rather than ship code: their imports are the tools' own. */
const TOOLING_FILES = new Set(['setup.py', 'noxfile.py', 'fabfile.py', 'tasks.py', 'conf.py']);

/**
 * Gathers the imports of every notebook (`project.notebookPaths`) and Python file
 * (`project.pythonPaths`) of the project. Never throws on a bad file: it contributes no imports.
 */
export async function createProjectImportsContext(facts: NotebookProjectFacts, options: CreateProjectImportsContextOptions): Promise<ProjectImportsContext> {
  const sites: ImportSite[] = [];
  const given = new Map((options.notebooks ?? []).map((n) => [n.path, n]));
  const notebookPaths = new Set([...(facts.project?.notebookPaths ?? []), ...given.keys()]);
  for (const path of notebookPaths) {
    const ctx = given.get(path) ?? (await readNotebookContext(options.fs, path, { project: facts }));
    for (const cell of ctx.cells) {
      if (!cell.analysis.imports.length) continue;
      sites.push({ path, cell: cell.codeIndex, inNotebook: true, directory: dirname(path), imports: cell.analysis.imports, lines: cell.lines });
    }
  }
  for (const path of facts.project?.pythonPaths ?? []) {
    if (TOOLING_FILES.has(basename(path))) continue;
    let text = options.pythonTexts?.get(path);
    if (text === undefined) {
      const r = await readTextFile(options.fs, path, 4 * 1024 * 1024);
      if (!r.ok) continue;
      text = r.text;
    }
    const analysis = analyzeCellCached(text);
    if (!analysis.imports.length) continue;
    sites.push({ path, inNotebook: false, directory: dirname(path), imports: analysis.imports, lines: new LineIndex(text) });
  }
  const importedModules = new Set<string>();
  for (const site of sites) {
    for (const imp of site.imports) {
      if (imp.level > 0 || !imp.module) continue;
      importedModules.add(imp.module);
      for (const name of imp.names) importedModules.add(`${imp.module}.${name}`);
    }
  }
  return { facts, sites, importedModules };
}
