import type { FileSystem } from '../fs/fileSystem';
import { basename, dirname, isInside, joinPath, relativePath } from '../fs/paths';
import { compileGlobs } from '../text/globs';
import { throwIfCancelled, type ProgressCallback } from '../progress';

/** A Python project root and the files that belong to it (nearest enclosing root wins). */
export interface PythonProject {
  root: string;
  pyprojectPath?: string;
  requirementsPaths: string[];
  notebookPaths: string[];
  dvcYamlPaths: string[];
  pythonPaths: string[];
  pythonVersionPath?: string;
}

export interface WorkspaceScan {
  root: string;
  projects: PythonProject[];
  /** Notebooks outside every project: they get their file-level checks only (no MLH1xx/MLH4xx). */
  looseNotebooks: string[];
  /** Folders of the walk that are git repository roots (they hold `.git`). */
  gitRoots: string[];
  /** Whether the workspace folder itself counts as a project (it lies inside one, e.g. below a git root). */
  rootIsProject: boolean;
  /** Every file seen, workspace-relative dirs included, for project-level checks (tests/, CI files...). */
  files: string[];
  directories: string[];
  /** True when the walk stopped at the file limit. */
  truncated: boolean;
}

// Folders that never hold the user's own project files: environments, caches, VCS and build output.
const SKIPPED_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '.env', 'env', '.tox', '.nox', '__pycache__',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', '.ipynb_checkpoints', 'site-packages', '.dvc', '.vscode-test',
  '.eggs', '.cache', '.idea',
]);

export const REQUIREMENTS_FILE = /^requirements[\w.-]*\.(txt|in)$/i;

export function isRequirementsFile(path: string): boolean {
  const b = basename(path);
  return REQUIREMENTS_FILE.test(b) && b.endsWith('.txt');
}

export interface ScanOptions {
  exclude?: string[];
  maxFiles?: number;
  /** Stops the walk: it then throws WorkCancelledError (a partial scan is never returned). */
  signal?: AbortSignal;
  /** The user's home folder: the climb that asks whether the workspace lies inside a project stops there. */
  home?: string;
  /** Told how many files the walk has seen, every few hundred. */
  onProgress?: ProgressCallback;
  /** Folders inside the root walked even when the walk would skip them on the way (the user named them). */
  alsoWalk?: string[];
}

/**
 * Files that make their folder a project (besides pyproject.toml): a folder holding one is a
 * project unless it lies inside another project (docs/requirements.txt belongs to the project above).
 */
const SECONDARY_MARKERS = new Set(['setup.py', 'setup.cfg', 'dvc.yaml']);

export function isSecondaryMarker(path: string): boolean {
  return SECONDARY_MARKERS.has(basename(path)) || isRequirementsFile(path);
}

/**
 * The root of the project that encloses `startDir` (itself included), found by climbing: the
 * nearest folder with a pyproject.toml; else the git repository's root (a `.git` folder, or file
 * for worktrees); else the topmost folder with another marker (setup.py, setup.cfg, dvc.yaml,
 * requirements*.txt). Never climbs above a git root, and stops below the user's home folder (which
 * is no project even with a dotfiles `.git`). Reads only the
 * listings of `startDir` and its ancestors, never their other subfolders. Undefined: no project.
 */
export async function findEnclosingProject(fs: FileSystem, startDir: string, options: { home?: string } = {}): Promise<string | undefined> {
  let dir = startDir;
  let topMarked: string | undefined;
  for (;;) {
    // The home folder itself is no project: a dotfiles repository (`~/.git`) or a stray
    // `~/requirements.txt` must not make every folder below it one.
    if (dir === options.home) return topMarked;
    let entries: Array<{ name: string; kind: string }> = [];
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      // An unreadable folder has no markers we can see; keep climbing.
    }
    if (entries.some((e) => e.name === 'pyproject.toml' && e.kind !== 'directory')) return dir;
    if (entries.some((e) => e.name === '.git')) return dir;
    if (entries.some((e) => e.kind !== 'directory' && isSecondaryMarker(joinPath(dir, e.name)))) topMarked = dir;
    const parent = dirname(dir);
    if (parent === dir) return topMarked;
    dir = parent;
  }
}

const SCAN_PROGRESS_EVERY = 500;

/**
 * Walks the workspace once. Directory symlinks are not followed (a link loop cannot trap the walk),
 * and the walk stops at `maxFiles` so a huge monorepo costs a bounded amount.
 */
export async function scanWorkspace(fs: FileSystem, root: string, options: ScanOptions = {}): Promise<WorkspaceScan> {
  const maxFiles = options.maxFiles ?? 200_000;
  const excluded = compileGlobs(options.exclude ?? []);
  const files: string[] = [];
  const directories: string[] = [];
  const gitRoots: string[] = [];
  let truncated = false;
  // Named folders go on the stack as they are: the checks below (hidden, skipped, excluded) apply to
  // what the walk finds inside them, not to the folders themselves. Each folder is read once.
  const named = (options.alsoWalk ?? []).filter((d) => d !== root && isInside(root, d));
  const stack = [root, ...named];
  const walked = new Set<string>();
  let reported = 0;
  while (stack.length) {
    throwIfCancelled(options.signal);
    if (options.onProgress && files.length - reported >= SCAN_PROGRESS_EVERY) {
      reported = files.length;
      options.onProgress({ task: 'scan', message: `scanning the workspace: ${files.length} files` });
    }
    const dir = stack.pop()!;
    // A folder is listed when it is walked, so one that is both named and reached is walked and listed once.
    if (walked.has(dir)) continue;
    walked.add(dir);
    if (dir !== root) directories.push(dir);
    let entries;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.name === '.git') gitRoots.push(dir);
      const p = joinPath(dir, e.name);
      const rel = relativePath(root, p);
      if (excluded(rel)) continue;
      if (e.kind === 'directory') {
        if (SKIPPED_DIRS.has(e.name)) continue;
        // Hidden folders are tool state, except CI configuration, which project checks look for.
        if (e.name.startsWith('.') && e.name !== '.github' && e.name !== '.gitlab') continue;
        if (!walked.has(p)) stack.push(p);
      } else if (e.kind === 'file' || e.kind === 'symlink') {
        if (files.length >= maxFiles) {
          truncated = true;
          break;
        }
        files.push(p);
      }
    }
    if (truncated) break;
  }
  files.sort();
  directories.sort();
  // A workspace folder inside a project (a subfolder of a git repository, say) is a project of its own;
  // one that is not (the system's temp folder) is just a place where projects may live.
  const climbs = root !== options.home && dirname(root) !== root;
  const rootIsProject = climbs && (await findEnclosingProject(fs, dirname(root), options)) !== undefined;
  return { root, ...assignProjects(root, files, { gitRoots, rootIsProject }), files, directories, truncated, gitRoots, rootIsProject };
}

/** The scan of given files alone, without walking their folders: a file outside every project. */
export function scanOfFiles(root: string, files: string[]): WorkspaceScan {
  const sorted = [...files].sort();
  return { root, ...assignProjects(root, sorted), files: sorted, directories: [], truncated: false, gitRoots: [], rootIsProject: false };
}

function newProject(root: string): PythonProject {
  return { root, requirementsPaths: [], notebookPaths: [], dvcYamlPaths: [], pythonPaths: [] };
}

/**
 * Project roots: folders with a pyproject.toml; then folders with another marker (setup.py,
 * setup.cfg, dvc.yaml, requirements*.txt) that no root above already covers; then git roots (and
 * the workspace folder itself when `rootIsProject`), for the files no marker claims. Each file goes
 * to the nearest root; notebooks under none are loose.
 */
export function assignProjects(workspaceRoot: string, files: string[], options: { gitRoots?: string[]; rootIsProject?: boolean } = {}): { projects: PythonProject[]; looseNotebooks: string[] } {
  const roots = new Map<string, PythonProject>();
  for (const f of files) if (basename(f) === 'pyproject.toml') roots.set(dirname(f), { ...newProject(dirname(f)), pyprojectPath: f });
  // Shallowest first, so a marker's folder is claimed by the marker folder above it whatever the
  // path order (`app/requirements.txt` sorts before `requirements.txt`).
  const markerDirs = [...new Set(files.filter(isSecondaryMarker).map(dirname))].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  for (const d of markerDirs) if (!nearestRoot(roots, d)) roots.set(d, newProject(d));
  for (const g of [...(options.gitRoots ?? []), ...(options.rootIsProject ? [workspaceRoot] : [])]) if (!roots.has(g)) roots.set(g, newProject(g));
  const looseNotebooks: string[] = [];
  for (const f of files) {
    const name = basename(f);
    const kind = name.endsWith('.ipynb') ? 'nb' : name === 'dvc.yaml' ? 'dvc' : isRequirementsFile(f) ? 'req' : name.endsWith('.py') ? 'py' : name === '.python-version' ? 'pyver' : undefined;
    if (!kind) continue;
    const owner = nearestRoot(roots, dirname(f));
    if (!owner) {
      if (kind === 'nb') looseNotebooks.push(f);
      continue;
    }
    if (kind === 'nb') owner.notebookPaths.push(f);
    else if (kind === 'dvc') owner.dvcYamlPaths.push(f);
    else if (kind === 'req') owner.requirementsPaths.push(f);
    else if (kind === 'py') owner.pythonPaths.push(f);
    else if (kind === 'pyver' && dirname(f) === owner.root) owner.pythonVersionPath = f;
  }
  return { projects: [...roots.values()].sort((a, b) => (a.root < b.root ? -1 : 1)), looseNotebooks };
}

function nearestRoot(roots: Map<string, PythonProject>, dir: string): PythonProject | undefined {
  let best: PythonProject | undefined;
  for (const [root, p] of roots) if (isInside(root, dir) && (!best || root.length > best.root.length)) best = p;
  return best;
}

/** The project a file belongs to. */
export function projectForFile(scan: WorkspaceScan, path: string): PythonProject | undefined {
  let best: PythonProject | undefined;
  for (const p of scan.projects) if (isInside(p.root, path) && (!best || p.root.length > best.root.length)) best = p;
  return best;
}
