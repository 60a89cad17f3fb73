/**
 * Names for the extracted function and the module it goes to: the defaults the quick pick offers, and
 * the checks that what the user typed is importable Python.
 */
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, isInside, joinPath, relativePath } from '../fs/paths';

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

export function isPythonKeyword(name: string): boolean {
  return PYTHON_KEYWORDS.has(name);
}

/** ASCII identifiers only: a non-ASCII function name is legal Python but a poor module API. */
export function isValidIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

// Words that carry no meaning in a function name ("Load the data" → load_data).
const FILLER_WORDS = new Set(['the', 'a', 'an', 'of', 'our', 'some', 'this', 'we', 'let', 's', 'lets', 'now', 'here', 'step']);
const MAX_NAME_WORDS = 5;

/** "Load & clean the 2023 data!" → "load_clean_2023_data"; '' when nothing usable is left. */
export function toSnakeCase(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2') // camelCase → camel Case
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !FILLER_WORDS.has(w))
    .slice(0, MAX_NAME_WORDS);
  let name = words.join('_');
  if (/^[0-9]/.test(name)) name = name.replace(/^[0-9_]+/, '');
  if (!name) return '';
  return isPythonKeyword(name) ? `${name}_step` : name;
}

// Comments that are tool directives or encoding lines, never a description of the cell.
const DIRECTIVE_COMMENT = /^#\s*(!|-\*-|ml-hygiene:|noqa|type:|pylint:|fmt:|%%|In\s*\[)/;

/**
 * The first comment of the cell's leading block of comments (before any code), a line scan that needs
 * no parser because no string literal can have started yet; magic lines are skipped like blank ones.
 */
function leadingComment(cellSource: string): string | undefined {
  for (const raw of cellSource.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!line || line.startsWith('%') || line.startsWith('!')) continue;
    if (!line.startsWith('#')) return undefined;
    if (DIRECTIVE_COMMENT.test(line)) continue;
    const text = line.replace(/^#+/, '').trim();
    if (text) return text;
  }
  return undefined;
}

function firstMarkdownHeading(markdown: string): string | undefined {
  for (const raw of markdown.split(/\r?\n|\r/)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading?.[1]) return heading[1];
  }
  return undefined;
}

export function suggestFunctionName(cellSource: string, precedingMarkdown?: string, codeCellIndex = 0): string {
  for (const candidate of [leadingComment(cellSource), precedingMarkdown ? firstMarkdownHeading(precedingMarkdown) : undefined]) {
    const name = candidate ? toSnakeCase(candidate) : '';
    if (name) return name;
  }
  return `cell_${codeCellIndex}`;
}

export interface ModuleLocation {
  /** Dotted import path, e.g. "churn.cleaning". */
  importName: string;
  /** Folder that must be on sys.path for `importName` to resolve: `<root>/src` or the project root. */
  importRoot: string;
  srcLayout: boolean;
  /** Package folders between importRoot and the module that lack `__init__.py` (they will be created). */
  missingPackageInits: string[];
}

export type ModuleLocationResult = { ok: true; location: ModuleLocation } | { ok: false; reason: string };

/** Where `modulePath` imports from, and whether every path component is an importable name. */
export async function locateModule(fs: FileSystem, projectRoot: string, modulePath: string): Promise<ModuleLocationResult> {
  if (!modulePath.endsWith('.py')) return { ok: false, reason: `the module must be a .py file: ${modulePath}` };
  if (!isInside(projectRoot, modulePath)) return { ok: false, reason: `the module ${modulePath} is outside the project ${projectRoot}` };
  const srcRoot = joinPath(projectRoot, 'src');
  const srcLayout = isInside(srcRoot, modulePath);
  const importRoot = srcLayout ? srcRoot : projectRoot;
  const parts = relativePath(importRoot, modulePath).replace(/\.py$/, '').split('/');
  for (const part of parts) {
    if (!isValidIdentifier(part)) return { ok: false, reason: `"${part}" in ${relativePath(projectRoot, modulePath)} is not a valid Python module name (use letters, digits and underscores)` };
  }
  if (parts.length < 2 && srcLayout) {
    // A top-level module in src/ works, but it is not the project's package; allow it, it still imports.
  }
  // The module must be a file (or not exist yet), and every folder on the way must be a folder:
  // a plan that creates `pkg/__init__.py` where `pkg` is a file cannot be applied.
  const target = await fs.stat(modulePath);
  if (target && target.kind !== 'file') return { ok: false, reason: `${relativePath(projectRoot, modulePath)} exists and is not a file` };
  for (let up = dirname(modulePath); isInside(projectRoot, up) && up !== projectRoot; up = dirname(up)) {
    const st = await fs.stat(up);
    if (st && st.kind !== 'directory') return { ok: false, reason: `${relativePath(projectRoot, up)} exists and is not a folder, so the module cannot be created below it` };
  }
  const missingPackageInits: string[] = [];
  let dir = dirname(modulePath);
  while (isInside(importRoot, dir) && dir !== importRoot) {
    const init = joinPath(dir, '__init__.py');
    const st = await fs.stat(init);
    if (!st) missingPackageInits.unshift(init);
    else if (st.kind !== 'file') return { ok: false, reason: `${relativePath(projectRoot, init)} exists and is not a file` };
    dir = dirname(dir);
  }
  return { ok: true, location: { importName: parts.join('.'), importRoot, srcLayout, missingPackageInits } };
}

async function listDirectory(fs: FileSystem, dir: string): Promise<{ name: string; kind: string }[]> {
  try {
    return await fs.readDirectory(dir);
  } catch {
    return [];
  }
}

// Folders next to a flat-layout package that are never the project's importable package.
const NOT_A_PACKAGE = new Set(['tests', 'test', 'docs', 'doc', 'notebooks', 'scripts', 'examples', 'build', 'dist', 'data']);

/** Packages (folders with `__init__.py`) in `src/`, else at the project root (flat layout). */
export async function discoverPackages(fs: FileSystem, projectRoot: string): Promise<{ name: string; dir: string; srcLayout: boolean }[]> {
  for (const srcLayout of [true, false]) {
    const base = srcLayout ? joinPath(projectRoot, 'src') : projectRoot;
    const found: { name: string; dir: string; srcLayout: boolean }[] = [];
    for (const entry of await listDirectory(fs, base)) {
      if (entry.kind !== 'directory' || !isValidIdentifier(entry.name) || NOT_A_PACKAGE.has(entry.name)) continue;
      const dir = joinPath(base, entry.name);
      if ((await fs.stat(joinPath(dir, '__init__.py')))?.kind === 'file') found.push({ name: entry.name, dir, srcLayout });
    }
    if (found.length) return found.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return [];
}

/** `[project] name` of pyproject.toml, read with a line scan that only needs the `name = "..."` key. */
async function projectName(fs: FileSystem, projectRoot: string): Promise<string | undefined> {
  const read = await readTextFile(fs, joinPath(projectRoot, 'pyproject.toml'));
  if (!read.ok) return undefined;
  let inProject = false;
  for (const line of read.text.split(/\r?\n/)) {
    const table = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (table) {
      inProject = table[1]!.trim() === 'project';
      continue;
    }
    const name = inProject ? /^\s*name\s*=\s*["']([^"']+)["']/.exec(line) : null;
    if (name) return name[1];
  }
  return undefined;
}

export async function hasBuildSystem(fs: FileSystem, projectRoot: string): Promise<boolean> {
  const read = await readTextFile(fs, joinPath(projectRoot, 'pyproject.toml'));
  return read.ok && /^\s*\[build-system\]/m.test(read.text);
}

export interface ModuleSuggestion {
  path: string;
  packageName?: string;
  createsPackage: boolean;
  importPathNote: string;
}

/** `src/<package>/<notebook stem>.py`, so extractions from one notebook gather in one module. */
export async function suggestModulePath(fs: FileSystem, projectRoot: string, notebookPath: string, functionName: string): Promise<ModuleSuggestion> {
  const stem = toSnakeCase(basename(notebookPath).replace(/\.ipynb$/i, ''));
  const moduleName = stem && isValidIdentifier(stem) ? stem : isValidIdentifier(functionName) ? functionName : 'extracted';
  const packages = await discoverPackages(fs, projectRoot);
  const declared = await projectName(fs, projectRoot);
  const declaredImportName = declared ? declared.toLowerCase().replace(/[-.]+/g, '_') : undefined;
  const chosen = packages.find((p) => p.name === declaredImportName) ?? packages[0];
  const installable = await hasBuildSystem(fs, projectRoot);
  const note = (pkg: string, srcLayout: boolean): string =>
    `Imports as \`${pkg}.${moduleName}\` when the project is installed in editable mode (\`pip install -e .\`)` +
    (srcLayout ? ' or when `src/` is on PYTHONPATH' : ' or when Jupyter runs from the project root') +
    (installable ? '.' : '; pyproject.toml has no [build-system] yet, so add one before installing.');
  if (chosen) {
    return { path: joinPath(chosen.dir, `${moduleName}.py`), packageName: chosen.name, createsPackage: false, importPathNote: note(chosen.name, chosen.srcLayout) };
  }
  const fallbackName = toSnakeCase(basename(projectRoot)) || 'project';
  const packageName = declaredImportName && isValidIdentifier(declaredImportName) ? declaredImportName : isValidIdentifier(fallbackName) ? fallbackName : 'project';
  return {
    path: joinPath(projectRoot, 'src', packageName, `${moduleName}.py`),
    packageName,
    createsPackage: true,
    importPathNote: `Creates the package src/${packageName}/. ` + note(packageName, true),
  };
}
