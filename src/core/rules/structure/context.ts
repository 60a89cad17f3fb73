import type { ProjectConfig } from '../../config';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { basename, dirname, isInside, joinPath, relativePath } from '../../fs/paths';
import { projectForFile, type PythonProject, type WorkspaceScan } from '../../project/discovery';
import type { PyprojectFile } from '../../pyproject/pyprojectFile';
import { LineIndex, ZERO_RANGE, type Range } from '../../text/lineIndex';
import { dvcTrackingOf, type DvcTracking } from '../../dvc/trackedOutputs';
import { GitIgnore } from './gitIgnore';

/** Where a project-level finding is shown. */
export interface ReportAnchor {
  path: string;
  range: Range;
}

/** Everything the MLH4xx rules look at for one Python project. */
export interface StructureContext {
  fs: FileSystem;
  workspaceRoot: string;
  scan: WorkspaceScan;
  project: PythonProject;
  pyproject?: PyprojectFile;
  config: ProjectConfig;
  /** The project's files: below its root and not claimed by a nested project. */
  files: string[];
  /** The project's folders, same rule. */
  directories: string[];
  /** The `[project]` header of pyproject.toml, else the project's most relevant file at line 0. */
  anchor: ReportAnchor;
  /** Reads (and remembers, for suppressions) a text file; undefined when missing, binary or too large. */
  readText(path: string): Promise<string | undefined>;
  textOf(path: string): string | undefined;
  lineIndexOf(path: string): LineIndex | undefined;
  gitIgnore(): Promise<GitIgnore>;
  dvcTracking(): Promise<DvcTracking>;
}

export interface CreateStructureContextOptions {
  fs: FileSystem;
  workspaceRoot: string;
  scan: WorkspaceScan;
  project: PythonProject;
  config: ProjectConfig;
  pyproject?: PyprojectFile;
}

export function createStructureContext(opts: CreateStructureContextOptions): StructureContext {
  const { fs, scan, project, pyproject } = opts;
  const owns = (path: string) => isInside(project.root, path) && projectForFile(scan, path) === project;
  const files = scan.files.filter(owns);
  // A folder belongs to the project whose root is nearest above it (a nested project's root is its own).
  const directories = scan.directories.filter(owns);
  const texts = new Map<string, string>();
  if (pyproject) texts.set(pyproject.path, pyproject.toml.text);
  const lineIndexes = new Map<string, LineIndex>();
  const lineIndexOf = (path: string) => {
    let li = lineIndexes.get(path);
    const text = texts.get(path);
    if (!li && text !== undefined) lineIndexes.set(path, (li = new LineIndex(text)));
    return li;
  };
  let gitIgnore: Promise<GitIgnore> | undefined;
  return {
    fs,
    workspaceRoot: opts.workspaceRoot,
    scan,
    project,
    ...(pyproject ? { pyproject } : {}),
    config: opts.config,
    files,
    directories,
    anchor: anchorOf(project, pyproject, lineIndexOf),
    async readText(path) {
      const known = texts.get(path);
      if (known !== undefined) return known;
      const r = await readTextFile(fs, path);
      if (!r.ok) return undefined;
      texts.set(path, r.text);
      return r.text;
    },
    textOf: (path) => texts.get(path),
    lineIndexOf,
    gitIgnore: () => (gitIgnore ??= GitIgnore.load(fs, project.root, opts.workspaceRoot)),
    // DVC files anywhere in the workspace may track this project's data (a root dvc.yaml often does).
    dvcTracking: () => dvcTrackingOf(fs, scan.files),
  };
}

/**
 * The `[project]` header says "this is about the project as a whole". Without a pyproject the
 * requirements file, then a notebook, then `dvc.yaml`, then a script stand for the project.
 */
function anchorOf(project: PythonProject, pyproject: PyprojectFile | undefined, lineIndexOf: (path: string) => LineIndex | undefined): ReportAnchor {
  if (pyproject) {
    const header = pyproject.toml.tableHeader(['project']);
    const li = lineIndexOf(pyproject.path);
    if (header && li) return { path: pyproject.path, range: li.rangeOf(header.range[0], header.key.range[1] + 1) };
    return { path: pyproject.path, range: ZERO_RANGE };
  }
  const byDepth = (paths: string[]) => [...paths].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  const candidate =
    project.pyprojectPath ??
    byDepth(project.requirementsPaths)[0] ??
    byDepth(project.notebookPaths)[0] ??
    byDepth(project.dvcYamlPaths)[0] ??
    byDepth(project.pythonPaths)[0] ??
    joinPath(project.root, 'pyproject.toml');
  return { path: candidate, range: ZERO_RANGE };
}

// ------------------------------------------------------------------------------------------------
// Facts about a project's files, shared by the rules and the readiness score.
// ------------------------------------------------------------------------------------------------

const TOOLING_SCRIPTS = new Set(['setup.py', 'conftest.py', 'noxfile.py', 'fabfile.py', 'manage.py']);

/** Path segments below the project root, for layout questions ("is it under tests/?"). */
export function segmentsBelow(root: string, path: string): string[] {
  return relativePath(root, path).split('/');
}

export function isTestFile(root: string, path: string): boolean {
  const name = basename(path);
  if (/^test_.*\.py$|^.*_test\.py$|^conftest\.py$/.test(name)) return true;
  return segmentsBelow(root, path).slice(0, -1).some((s) => s === 'tests' || s === 'test');
}

/** Python files that are the project's own code: not tests, not build/tooling entry points, not docs config. */
export function codeFiles(root: string, files: string[]): string[] {
  return files.filter((f) => {
    if (!f.endsWith('.py') || isTestFile(root, f) || TOOLING_SCRIPTS.has(basename(f))) return false;
    const segs = segmentsBelow(root, f);
    return !(segs[0] === 'docs' && basename(f) === 'conf.py');
  });
}

/**
 * The `.py` modules of the project's importable packages (`codeFiles` inside `packageDirs`): the
 * code that ships, which MLH422's figure and MLH423 both look at.
 */
export function packageModules(root: string, files: string[]): string[] {
  const packages = packageDirs(root, files);
  return packages.length ? codeFiles(root, files).filter((f) => packages.some((dir) => isInside(dir, f))) : [];
}

export function notebookFiles(files: string[]): string[] {
  return files.filter((f) => f.endsWith('.ipynb'));
}

export function testFiles(root: string, files: string[]): string[] {
  return files.filter((f) => f.endsWith('.py') && isTestFile(root, f) && basename(f) !== '__init__.py');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Importable packages: `src/<pkg>/__init__.py` or `<pkg>/__init__.py` at the project root. Returns their folders. */
export function packageDirs(root: string, files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (basename(f) !== '__init__.py') continue;
    const segs = segmentsBelow(root, f);
    const pkg = segs.length === 3 && segs[0] === 'src' ? segs[1]! : segs.length === 2 ? segs[0]! : undefined;
    if (!pkg || !IDENTIFIER.test(pkg) || pkg === 'tests' || pkg === 'test') continue;
    out.push(dirname(f));
  }
  return out.sort();
}
