import type { ProjectConfig } from '../../config';
import type { PythonEnvironment } from '../../environment/installedDistributions';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { basename, joinPath } from '../../fs/paths';
import { checkLockFreshness, type StaleFinding } from '../../lockfiles/freshness';
import { findLockfile, lockedVersionFor, readLockfile, type LockReadResult } from '../../lockfiles';
import { publicVersion } from '../../python/pep440';
import { parseRequirement } from '../../python/pep508';
import type { PythonProject } from '../../project/discovery';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import { parsePyproject, type PyprojectFile } from '../../pyproject/pyprojectFile';
import { parseRequirementsFile, type RequirementsFile } from '../../requirements';
import { LineIndex } from '../../text/lineIndex';

export interface UnreadableFile {
  path: string;
  reason: 'binary' | 'too-large' | 'unreadable' | 'invalid-lockfile';
  message: string;
  line?: number;
  column?: number;
  /** The file's text when it is text (a lockfile that does not parse), to keep ranges inside it. */
  text?: string;
}

export interface RequirementsDocument {
  path: string;
  text: string;
  parsed: RequirementsFile;
  requirements: DeclaredRequirement[];
}

export interface LockInfo {
  path: string;
  result: LockReadResult;
  /** Staleness against the manifest; empty when fresh or when it cannot be judged. */
  stale: StaleFinding[];
}

export interface PythonVersionFile {
  path: string;
  version: string;
  start: number;
  end: number;
}

/** Everything the MLH1xx rules look at for one Python project. */
export interface DependencyContext {
  fs: FileSystem;
  workspaceRoot: string;
  project: PythonProject;
  pyproject?: PyprojectFile;
  requirementsFiles: RequirementsDocument[];
  unreadable: UnreadableFile[];
  lock?: LockInfo;
  pythonVersion?: PythonVersionFile;
  /** Libraries should use ranges, not pins (RULES.md): configuration wins over the guess. */
  kind: 'application' | 'library';
  config: ProjectConfig;
  environment?: PythonEnvironment;
  /** Every declared requirement across the pyproject and requirements files. */
  allRequirements: DeclaredRequirement[];
  textOf(path: string): string | undefined;
  lineIndexOf(path: string): LineIndex | undefined;
}

export interface PinSource {
  version: string;
  /** "uv.lock", "requirements.lock.txt" or "the installed environment". */
  from: string;
  /** The lock command to run afterwards, when pinning makes a lockfile stale. */
  relockCommand?: string;
}

/** Where **Pin dependency** takes the version from: the lockfile first, then the installed environment. */
export function pinSourceFor(ctx: DependencyContext, normalizedName: string): PinSource | undefined {
  const lock = ctx.lock?.result;
  if (lock?.ok) {
    const v = lockedVersionFor(lock.lock, normalizedName);
    if (v) {
      // A fully pinned requirements file "lock" records no inputs, so pinning cannot make it stale.
      const relock = lock.lock.kind === 'requirements' || lock.lock.kind === 'pylock' ? undefined : lock.lock.lockCommand;
      return { version: publicVersion(v), from: basename(lock.lock.path), ...(relock ? { relockCommand: relock } : {}) };
    }
  }
  const installed = ctx.environment?.distributions.get(normalizedName);
  if (installed) return { version: publicVersion(installed.version), from: 'the installed environment' };
  return undefined;
}

export interface BuildDependencyContextOptions {
  fs: FileSystem;
  workspaceRoot: string;
  project: PythonProject;
  config: ProjectConfig;
  pyproject?: PyprojectFile;
  environment?: PythonEnvironment;
}

export async function buildDependencyContext(opts: BuildDependencyContextOptions): Promise<DependencyContext> {
  const { fs, project } = opts;
  const texts = new Map<string, string>();
  const unreadable: UnreadableFile[] = [];
  const readText = async (path: string): Promise<string | undefined> => {
    const r = await readTextFile(fs, path);
    if (r.ok) {
      texts.set(path, r.text);
      return r.text;
    }
    if (r.reason !== 'missing') unreadable.push({ path, reason: r.reason, message: unreadableMessage(basename(path), r.reason, r.size, r.detail) });
    return undefined;
  };

  let pyproject = opts.pyproject;
  if (pyproject) texts.set(pyproject.path, pyproject.toml.text);
  else if (project.pyprojectPath) {
    const text = await readText(project.pyprojectPath);
    if (text !== undefined) pyproject = parsePyproject(project.pyprojectPath, text);
  }

  const requirementsFiles: RequirementsDocument[] = [];
  for (const path of project.requirementsPaths) {
    const text = await readText(path);
    if (text === undefined) continue;
    requirementsFiles.push(toRequirementsDocument(path, text));
  }

  let lock: LockInfo | undefined;
  const lockPath = await findLockfile(fs, project.root, opts.workspaceRoot);
  if (lockPath) {
    const result = await readLockfile(fs, lockPath);
    let stale: StaleFinding[] = [];
    if (!result.ok) {
      unreadable.push({
        path: lockPath,
        reason: 'invalid-lockfile',
        message: `${basename(lockPath)} cannot be read: ${result.message}`,
        ...(result.line !== undefined ? { line: result.line } : {}),
        ...(result.column !== undefined ? { column: result.column } : {}),
        ...(result.text !== undefined ? { text: result.text } : {}),
      });
    } else if (pyproject?.toml.data && result.lock.kind !== 'requirements') {
      const lockText = result.text;
      const declared = pyproject.requirements
        .filter((r) => r.parsed.ok && r.groupKind !== 'build')
        .map((r) => {
          const req = (r.parsed as Extract<typeof r.parsed, { ok: true }>).requirement;
          return { raw: r.raw, normalizedName: req.normalizedName, specifier: req.specifiers.map((s) => s.operator + s.version).join(','), group: r.group };
        });
      stale = checkLockFreshness(result.lock, lockText, pyproject.toml.data, declared);
    }
    lock = { path: lockPath, result, stale };
  }

  let pythonVersion: PythonVersionFile | undefined;
  const pvPath = project.pythonVersionPath ?? joinPath(project.root, '.python-version');
  const pvText = await readText(pvPath);
  if (pvText !== undefined) {
    // The first non-comment line holds the version (pyenv and uv allow comments and several lines).
    const lines = pvText.split(/\r?\n/);
    let offset = 0;
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed && !trimmed.startsWith('#')) {
        const start = offset + line.indexOf(trimmed);
        pythonVersion = { path: pvPath, version: trimmed, start, end: start + trimmed.length };
        break;
      }
      offset += line.length + (pvText[offset + line.length] === '\r' ? 2 : 1);
    }
  }

  const hasBuildSystem = pyproject?.toml.data?.['build-system'] !== undefined;
  const kind = opts.config.kind ?? (!lock && hasBuildSystem ? 'library' : 'application');
  const lineIndexes = new Map<string, LineIndex>();
  return {
    fs,
    workspaceRoot: opts.workspaceRoot,
    project,
    ...(pyproject ? { pyproject } : {}),
    requirementsFiles,
    unreadable,
    ...(lock ? { lock } : {}),
    ...(pythonVersion ? { pythonVersion } : {}),
    kind,
    config: opts.config,
    ...(opts.environment ? { environment: opts.environment } : {}),
    allRequirements: [...(pyproject?.requirements ?? []), ...requirementsFiles.flatMap((r) => r.requirements)],
    textOf: (path) => texts.get(path),
    lineIndexOf: (path) => {
      let li = lineIndexes.get(path);
      const text = texts.get(path);
      if (!li && text !== undefined) lineIndexes.set(path, (li = new LineIndex(text)));
      return li;
    },
  };
}

function unreadableMessage(name: string, reason: string, size: number, detail?: string): string {
  if (reason === 'binary') return `${name} is not a text file (it contains NUL bytes); it was not checked.`;
  if (reason === 'too-large') return `${name} is ${(size / 1024 / 1024).toFixed(1)} MB, over the size ML Hygiene parses; it was not checked.`;
  return `${name} could not be read${detail ? `: ${detail}` : ''}.`;
}

const DEV_REQUIREMENTS = /(^|[-_.])(dev|test|tests|testing|lint|docs|doc|ci|typing)([-_.]|$)/i;

/** requirements-dev.txt, requirements_test.txt, requirements.docs.txt...: files of development tools, not of the runtime. */
export function isDevRequirementsFile(path: string): boolean {
  return DEV_REQUIREMENTS.test(basename(path).replace(/^requirements/i, '').replace(/\.txt$/i, ''));
}

export function toRequirementsDocument(path: string, text: string): RequirementsDocument {
  const parsed = parseRequirementsFile(text);
  const name = basename(path);
  const groupKind = isDevRequirementsFile(path) ? 'dev' : 'runtime';
  const requirements: DeclaredRequirement[] = [];
  for (const line of parsed.lines) {
    if (line.kind !== 'requirement') continue;
    const start = line.start;
    requirements.push({
      path,
      group: name,
      groupKind,
      raw: line.text,
      parsed: parseRequirement(line.text),
      toFileOffset: (i) => start + Math.min(i, line.end - line.start),
      start: line.start,
      end: line.end,
    });
  }
  return { path, text, parsed, requirements };
}
