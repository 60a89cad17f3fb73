import { basename, dirname, joinPath, relativePath } from '../fs/paths';

/**
 * The project's own importable names, which are never third-party dependencies:
 * - packages and modules under `src/` (`src/<pkg>/...`, `src/<mod>.py`), the src layout;
 * - top-level packages (`<pkg>/__init__.py`) and modules (`<mod>.py`) at the project root;
 * - the project's own distribution name, importable once it is installed in editable mode;
 * - per directory, the modules and packages beside a file: Python puts a script's folder (and
 *   Jupyter the notebook's folder) first on `sys.path`, so `from utils import x` next to
 *   `utils.py` is the project's own code.
 */
export interface FirstPartyModules {
  projectWide: ReadonlySet<string>;
  /** Directory (absolute posix) → module names importable from files in it. */
  byDirectory: ReadonlyMap<string, ReadonlySet<string>>;
}

export function computeFirstPartyModules(projectRoot: string, pythonPaths: readonly string[], projectName?: string): FirstPartyModules {
  const projectWide = new Set<string>();
  const byDirectory = new Map<string, Set<string>>();
  const add = (dir: string, name: string) => {
    let set = byDirectory.get(dir);
    if (!set) byDirectory.set(dir, (set = new Set()));
    set.add(name);
  };
  const files = new Set(pythonPaths);
  for (const path of pythonPaths) {
    const rel = relativePath(projectRoot, path);
    if (rel.startsWith('..')) continue;
    const segments = rel.split('/');
    const moduleName = basename(path).replace(/\.py$/, '');
    // Everything under src/ is the package's own code (namespace packages have no __init__.py).
    if (segments[0] === 'src' && segments.length >= 2) projectWide.add(segments[1]!.replace(/\.py$/, ''));
    else if (segments.length === 1) projectWide.add(moduleName);
    else if (files.has(joinPath(projectRoot, segments[0]!, '__init__.py'))) projectWide.add(segments[0]!);

    if (moduleName !== '__init__') add(dirname(path), moduleName);
    else add(dirname(dirname(path)), basename(dirname(path)));
  }
  if (projectName) projectWide.add(projectName.replace(/[-.]+/g, '_').toLowerCase());
  return { projectWide, byDirectory };
}

export function isFirstParty(modules: FirstPartyModules, topLevelModule: string, fromDirectory?: string): boolean {
  if (modules.projectWide.has(topLevelModule)) return true;
  return fromDirectory !== undefined && (modules.byDirectory.get(fromDirectory)?.has(topLevelModule) ?? false);
}
