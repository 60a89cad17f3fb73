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
  /** Told how many files the walk has seen, every few hundred. */
  onProgress?: ProgressCallback;
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
  let truncated = false;
  const stack = [root];
  let reported = 0;
  while (stack.length) {
    throwIfCancelled(options.signal);
    if (options.onProgress && files.length - reported >= SCAN_PROGRESS_EVERY) {
      reported = files.length;
      options.onProgress({ task: 'scan', message: `scanning the workspace: ${files.length} files` });
    }
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = joinPath(dir, e.name);
      const rel = relativePath(root, p);
      if (excluded(rel)) continue;
      if (e.kind === 'directory') {
        if (SKIPPED_DIRS.has(e.name)) continue;
        // Hidden folders are tool state, except CI configuration, which project checks look for.
        if (e.name.startsWith('.') && e.name !== '.github' && e.name !== '.gitlab') continue;
        directories.push(p);
        stack.push(p);
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
  return { root, projects: assignProjects(root, files), files, directories, truncated };
}

function newProject(root: string): PythonProject {
  return { root, requirementsPaths: [], notebookPaths: [], dvcYamlPaths: [], pythonPaths: [] };
}

/** Project roots are folders with a pyproject.toml, else with requirements files; the rest go to the nearest root. */
export function assignProjects(workspaceRoot: string, files: string[]): PythonProject[] {
  const roots = new Map<string, PythonProject>();
  for (const f of files) if (basename(f) === 'pyproject.toml') roots.set(dirname(f), { ...newProject(dirname(f)), pyprojectPath: f });
  for (const f of files) {
    if (!isRequirementsFile(f)) continue;
    const d = dirname(f);
    if (!nearestRoot(roots, d)) roots.set(d, newProject(d));
  }
  const fallback = () => {
    let p = roots.get(workspaceRoot);
    if (!p) roots.set(workspaceRoot, (p = newProject(workspaceRoot)));
    return p;
  };
  for (const f of files) {
    const name = basename(f);
    const kind = name.endsWith('.ipynb') ? 'nb' : name === 'dvc.yaml' ? 'dvc' : isRequirementsFile(f) ? 'req' : name.endsWith('.py') ? 'py' : name === '.python-version' ? 'pyver' : undefined;
    if (!kind) continue;
    const owner = nearestRoot(roots, dirname(f)) ?? (kind === 'py' || kind === 'pyver' ? undefined : fallback());
    if (!owner) continue;
    if (kind === 'nb') owner.notebookPaths.push(f);
    else if (kind === 'dvc') owner.dvcYamlPaths.push(f);
    else if (kind === 'req') owner.requirementsPaths.push(f);
    else if (kind === 'py') owner.pythonPaths.push(f);
    else if (kind === 'pyver' && dirname(f) === owner.root) owner.pythonVersionPath = f;
  }
  return [...roots.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
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
