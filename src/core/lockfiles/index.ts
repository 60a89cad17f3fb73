import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, isInside, joinPath, normalizePath, relativePath } from '../fs/paths';
import { compareVersions, isPrerelease, isValidVersion, parseVersion, publicVersion } from '../python/pep440';
import { parseRequirementsFile } from '../requirements/requirementsFile';
import { isFullyPinned } from '../requirements/pinned';
import { parsePdmLock } from './pdmLock';
import { parsePoetryLock } from './poetryLock';
import { parsePylock } from './pylock';
import { parseRequirementsLock } from './requirementsLock';
import { asArray, isTable, parseTomlSafely } from './toml';
import type { LockKind, LockParseResult, LockReadResult, Lockfile } from './types';
import { parseUvLock } from './uvLock';

export type { LockKind, LockedPackage, LockReadResult, Lockfile } from './types';
export { checkLockFreshness, pdmContentHash, poetryContentHash, type DeclaredRequirement, type StaleFinding } from './freshness';
export { pythonJsonDumps } from '../python/pythonJson';

const PYLOCK_NAME = /^pylock\.([^.]+\.)?toml$/;
const REQUIREMENTS_NAME = /^requirements.*\.txt$/i;

/** Which format a file is, by its name; anything unrecognised is read as a requirements file. */
export function lockKindOf(path: string): LockKind {
  const name = basename(path);
  if (name === 'uv.lock') return 'uv';
  if (name === 'poetry.lock') return 'poetry';
  if (name === 'pdm.lock') return 'pdm';
  if (PYLOCK_NAME.test(name)) return 'pylock';
  return 'requirements';
}

function readFailure(reason: 'missing' | 'binary' | 'too-large' | 'unreadable', size: number, detail?: string): string {
  switch (reason) {
    case 'missing':
      return 'the file does not exist';
    case 'binary':
      return 'the file is binary, not a text lockfile';
    case 'too-large':
      return `the file is too large to read (${(size / 1024 / 1024).toFixed(1)} MB)`;
    default:
      return `the file could not be read${detail ? `: ${detail}` : ''}`;
  }
}

/** Reads and parses any supported lockfile. Never throws: broken, binary or huge files give ok:false. */
export async function readLockfile(fs: FileSystem, path: string): Promise<LockReadResult> {
  const kind = lockKindOf(path);
  const read = await readTextFile(fs, path);
  if (!read.ok) return { ok: false, path, kind, message: readFailure(read.reason, read.size, read.detail) };
  let parsed: LockParseResult;
  try {
    parsed = parseLockText(kind, read.text, basename(path));
  } catch (e) {
    // The readers are written not to throw; this guards the promise made to callers all the same.
    parsed = { ok: false, message: `could not parse: ${String((e as Error)?.message ?? e)}` };
  }
  if (!parsed.ok) {
    const failure: LockReadResult = { ok: false, path, kind, message: parsed.message, text: read.text };
    if (parsed.line !== undefined) failure.line = parsed.line;
    if (parsed.column !== undefined) failure.column = parsed.column;
    return failure;
  }
  const lock: Lockfile = { kind, path, packages: parsed.packages, lockCommand: parsed.lockCommand };
  return { ok: true, lock, text: read.text };
}

/** Parses lock text of a known kind; for callers that already hold the text (an open editor buffer). */
export function parseLockText(kind: LockKind, text: string, fileName: string): LockParseResult {
  switch (kind) {
    case 'uv':
      return parseUvLock(text);
    case 'poetry':
      return parsePoetryLock(text);
    case 'pdm':
      return parsePdmLock(text);
    case 'pylock':
      return parsePylock(text, fileName);
    case 'requirements':
      return parseRequirementsLock(text, fileName);
  }
}

async function isFile(fs: FileSystem, path: string): Promise<boolean> {
  const st = await fs.stat(path).catch(() => undefined);
  return st?.kind === 'file';
}

async function listFiles(fs: FileSystem, dir: string): Promise<string[]> {
  try {
    return (await fs.readDirectory(dir)).filter((e) => e.kind === 'file' || e.kind === 'symlink').map((e) => e.name);
  } catch {
    return [];
  }
}

/** A glob over `/`-separated paths: `*` and `?` stay within a segment, `**` spans segments. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  const g = normalizePath(glob).slice(1);
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      source += '.*';
      i++;
      if (g[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether `[tool.uv.workspace]` of the pyproject at `rootDir` makes `projectDir` a member. */
async function uvWorkspaceCovers(fs: FileSystem, rootDir: string, projectDir: string): Promise<boolean> {
  const read = await readTextFile(fs, joinPath(rootDir, 'pyproject.toml'));
  if (!read.ok) return false;
  const parsed = parseTomlSafely(read.text);
  if (!parsed.ok) return false;
  const tool = parsed.value.tool;
  const uv = isTable(tool) ? tool.uv : undefined;
  const workspace = isTable(uv) ? uv.workspace : undefined;
  if (!isTable(workspace)) return false;
  const relative = relativePath(rootDir, projectDir);
  const matches = (globs: unknown) =>
    asArray(globs).some((glob) => typeof glob === 'string' && globToRegExp(glob).test(relative));
  return matches(workspace.members) && !matches(workspace.exclude);
}

/**
 * The pinned requirements files of a directory that count as a lock, `requirements.txt` first.
 * Only files that look like resolver output (every requirement `==`) qualify.
 */
async function pinnedRequirementsFile(fs: FileSystem, dir: string, names: string[]): Promise<string | undefined> {
  const candidates = names.filter((n) => REQUIREMENTS_NAME.test(n)).sort((a, b) => (a === 'requirements.txt' ? -1 : b === 'requirements.txt' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const name of candidates) {
    const path = joinPath(dir, name);
    const read = await readTextFile(fs, path);
    if (read.ok && isFullyPinned(parseRequirementsFile(read.text))) return path;
  }
  return undefined;
}

/**
 * Finds the lockfile that belongs to a project directory:
 * 1. `uv.lock`, `poetry.lock`, `pdm.lock`, `pylock.toml`, then `pylock.<name>.toml` in `projectDir`;
 * 2. walking up to `stopAt` (inclusive), a `uv.lock` beside a pyproject whose `[tool.uv.workspace]`
 *    members cover the project, because a uv workspace has one lock at its root;
 * 3. a fully pinned `requirements*.txt` in `projectDir` (pip-compile / `uv pip compile` output).
 * The workspace root wins over a pinned requirements file, since uv keeps that export in step with the lock.
 */
export async function findLockfile(fs: FileSystem, projectDir: string, stopAt: string): Promise<string | undefined> {
  const dir = normalizePath(projectDir);
  for (const name of ['uv.lock', 'poetry.lock', 'pdm.lock', 'pylock.toml']) {
    const path = joinPath(dir, name);
    if (await isFile(fs, path)) return path;
  }
  const names = await listFiles(fs, dir);
  const namedPylock = names.filter((n) => PYLOCK_NAME.test(n) && n !== 'pylock.toml').sort()[0];
  if (namedPylock) return joinPath(dir, namedPylock);

  const stop = normalizePath(stopAt);
  if (isInside(stop, dir)) {
    for (let current = dir; current !== stop; ) {
      current = dirname(current);
      const lock = joinPath(current, 'uv.lock');
      if ((await isFile(fs, lock)) && (await uvWorkspaceCovers(fs, current, dir))) return lock;
      if (current === '/') break;
    }
  }
  return pinnedRequirementsFile(fs, dir, names);
}

function isPrereleaseOrInvalid(version: string): boolean {
  const parsed = parseVersion(version);
  return !parsed || isPrerelease(parsed);
}

/**
 * The version to pin `normalizedName` to, as a public version (`2.11.0+cu128` → `2.11.0`, since
 * `==2.11.0` already admits the local build while `==2.11.0+cu128` breaks every other platform).
 *
 * Among several entries: entries without a marker apply everywhere, so they are preferred; among
 * the rest the highest final release wins (the one newer Pythons and platforms get), and a
 * pre-release or unparsable version only when nothing else is locked.
 */
export function lockedVersionFor(lock: Lockfile, normalizedName: string): string | undefined {
  const entries = (lock.packages.get(normalizedName) ?? []).filter((p) => p.version !== undefined && p.version !== '');
  if (!entries.length) return undefined;
  const unmarked = entries.filter((p) => p.marker === undefined);
  const pool = unmarked.length ? unmarked : entries;
  const versions = pool.map((p) => p.version!);
  const finals = versions.filter((v) => !isPrereleaseOrInvalid(v));
  const candidates = finals.length ? finals : versions.filter((v) => isValidVersion(v));
  if (!candidates.length) return publicVersion(versions[0]!);
  let best = candidates[0]!;
  for (const v of candidates.slice(1)) if (compareVersions(v, best) > 0) best = v;
  return publicVersion(best);
}
