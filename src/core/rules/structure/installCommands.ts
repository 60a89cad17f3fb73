import { readTextFile, type FileSystem } from '../../fs/fileSystem';
import { basename, joinPath, normalizePath } from '../../fs/paths';
import { isFullyPinned } from '../../requirements/pinned';
import { parseRequirementsFile } from '../../requirements/requirementsFile';
import type { StructureContext } from './context';
import { words } from './shellCommands';

/**
 * What an install-related shell command does, read from its words: which tool, whether it honours
 * the lockfile, whether it installs the project itself. Shared by the CI and Dockerfile rules.
 */
export type InstallCommand =
  | { tool: 'pip'; requirementFiles: string[]; constrained: boolean; targets: string[]; noDeps: boolean; editable: boolean }
  | { tool: 'uv-sync'; locked: boolean; installsProject: boolean }
  | { tool: 'uv-run'; installsProject: boolean }
  | { tool: 'relock'; manager: 'uv' | 'poetry' | 'pdm'; command: string }
  | { tool: 'locked-install'; manager: 'poetry' | 'pdm' | 'uv' | 'pipenv'; installsProject: boolean }
  | { tool: 'runner' }
  | { tool: 'test' };

/** pip options that take a value (so the value is not a target). */
const PIP_VALUE_OPTIONS = new Set(['-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--python', '--platform', '--python-version', '--implementation', '--abi', '--src', '--upgrade-strategy', '--progress-bar', '--report', '--cache-dir', '--log', '--trusted-host', '--proxy', '--timeout', '--retries', '--exists-action', '--config-settings', '-C', '--global-option', '--only-binary', '--no-binary', '--python-platform', '--group', '--extra', '--index', '--default-index', '--index-strategy', '--resolution', '--prerelease', '--torch-backend', '--keyring-provider']);

/** Leading `VAR=value`, `sudo`, `env`, `time`, `exec`: not the command itself. */
function stripPrefix(ws: string[]): string[] {
  let i = 0;
  // Dockerfile RUN flags (`--mount=type=cache,target=/root/.cache`, `--network=none`) come first.
  while (i < ws.length && /^--(mount|network|security)(=|$)/.test(ws[i]!)) i++;
  while (i < ws.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[i]!) || ['sudo', 'env', 'time', 'exec', 'command', 'nice'].includes(ws[i]!) || (/^-/.test(ws[i]!) && i > 0 && ws[i - 1] === 'sudo'))) i++;
  return ws.slice(i);
}

export function parseInstallCommand(text: string): InstallCommand | undefined {
  let ws = stripPrefix(words(text));
  if (!ws.length) return undefined;
  // A requirements-file line (tox `deps = -r requirements.txt`): pip installs it. No shell command starts with -r.
  if (/^(-r|--requirement)/.test(ws[0]!)) return pipInstall(ws);
  const head = basename(ws[0]!);
  // python -m pip / python3.12 -m pip / py -m pip
  if (/^(python[\d.]*|py)$/.test(head) && ws[1] === '-m' && ws[2]) {
    if (ws[2] === 'pip') ws = ['pip', ...ws.slice(3)];
    else if (ws[2] === 'pytest' || ws[2] === 'unittest') return { tool: 'test' };
    else return undefined;
  }
  const cmd = basename(ws[0]!);
  if (cmd === 'pytest' || cmd === 'py.test') return { tool: 'test' };
  if (/^pip[\d.]*$/.test(cmd) && ws[1] === 'install') return pipInstall(ws.slice(2));
  if (cmd === 'uv') {
    const sub = ws[1];
    const rest = ws.slice(2);
    if (sub === 'pip' && ws[2] === 'install') return pipInstall(ws.slice(3));
    if (sub === 'pip' && ws[2] === 'sync') return { tool: 'locked-install', manager: 'uv', installsProject: false };
    if (sub === 'sync') return { tool: 'uv-sync', locked: rest.some((w) => /^--(locked|frozen)$/.test(w)), installsProject: !rest.some((w) => /^--(no-install-project|only-dev|no-install-workspace)$/.test(w)) };
    if (sub === 'run') return { tool: 'uv-run', installsProject: !rest.some((w) => /^--(no-project|isolated|no-sync)$/.test(w)) && !rest.includes('--with-requirements') };
    if (sub === 'lock' && !rest.some((w) => /^--(check|locked|check-exists|frozen|dry-run)$/.test(w))) return { tool: 'relock', manager: 'uv', command: 'uv lock' };
    if (sub === 'export') return { tool: 'locked-install', manager: 'uv', installsProject: false };
    return undefined;
  }
  if (cmd === 'poetry') {
    const rest = ws.slice(2);
    if (ws[1] === 'lock' && !rest.includes('--check')) return { tool: 'relock', manager: 'poetry', command: 'poetry lock' };
    if (ws[1] === 'update') return { tool: 'relock', manager: 'poetry', command: 'poetry update' };
    if (ws[1] === 'install' || ws[1] === 'sync') return { tool: 'locked-install', manager: 'poetry', installsProject: !rest.includes('--no-root') };
    if (ws[1] === 'run' || ws[1] === 'export') return { tool: 'runner' };
    return undefined;
  }
  if (cmd === 'pdm') {
    const rest = ws.slice(2);
    if (ws[1] === 'lock' && !rest.includes('--check')) return { tool: 'relock', manager: 'pdm', command: 'pdm lock' };
    if (ws[1] === 'update') return { tool: 'relock', manager: 'pdm', command: 'pdm update' };
    if (ws[1] === 'install' || ws[1] === 'sync') return { tool: 'locked-install', manager: 'pdm', installsProject: !rest.includes('--no-self') };
    if (ws[1] === 'run' || ws[1] === 'export') return { tool: 'runner' };
    return undefined;
  }
  if (cmd === 'pipenv' && (ws[1] === 'sync' || (ws[1] === 'install' && ws.includes('--deploy')))) return { tool: 'locked-install', manager: 'pipenv', installsProject: false };
  // Tools that install the project themselves, or scripts we cannot see into.
  if (['tox', 'nox', 'hatch', 'make', 'just', 'task', 'pixi', 'conda', 'mamba', 'micromamba', 'pre-commit', 'bash', 'sh', 'source', '.'].includes(cmd) || /\.(sh|bash|py)$/.test(ws[0]!) || ws[0]!.startsWith('./')) return { tool: 'runner' };
  return undefined;
}

function pipInstall(args: string[]): InstallCommand {
  const requirementFiles: string[] = [];
  const targets: string[] = [];
  let constrained = false;
  let noDeps = false;
  let editable = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (long: string, short?: string): string | undefined => {
      if (a === long || (short && a === short)) return args[++i];
      if (a.startsWith(long + '=')) return a.slice(long.length + 1);
      if (short && a.startsWith(short) && a.length > short.length && !a.startsWith('--')) return a.slice(short.length);
      return undefined;
    };
    const req = value('--requirement', '-r');
    if (req !== undefined) {
      requirementFiles.push(req);
      continue;
    }
    if (value('--constraint', '-c') !== undefined || a === '--require-hashes' || value('--build-constraint') !== undefined) {
      constrained = true;
      continue;
    }
    const ed = value('--editable', '-e');
    if (ed !== undefined) {
      editable = true;
      targets.push(ed);
      continue;
    }
    if (a === '--no-deps') noDeps = true;
    if (a.startsWith('-')) {
      if (PIP_VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    targets.push(a);
  }
  return { tool: 'pip', requirementFiles, constrained, targets, noDeps, editable };
}

/** `.`, `./`, `.[dev]`, `"."`: the project folder itself, or a wheel built from it (`dist/*.whl`). */
export function isProjectTarget(target: string): boolean {
  return /^\.\/?(\[.*\])?$/.test(target) || /\.whl$/.test(target) || /^dist\//.test(target);
}

/** The project's lockfiles, by manager. */
export interface ProjectLocks {
  uv?: string;
  poetry?: string;
  pdm?: string;
  pylock?: string;
}

export function projectLocks(ctx: StructureContext): ProjectLocks {
  const at = (name: string) => {
    const p = joinPath(ctx.project.root, name);
    return ctx.files.includes(p) ? p : undefined;
  };
  const locks: ProjectLocks = {};
  const uv = at('uv.lock');
  const poetry = at('poetry.lock');
  const pdm = at('pdm.lock');
  const pylock = ctx.files.find((f) => f.startsWith(ctx.project.root + '/') && /^pylock(\.[^.]+)?\.toml$/.test(basename(f)) && !f.slice(ctx.project.root.length + 1).includes('/'));
  if (uv) locks.uv = uv;
  if (poetry) locks.poetry = poetry;
  if (pdm) locks.pdm = pdm;
  if (pylock) locks.pylock = pylock;
  return locks;
}

export function anyLock(locks: ProjectLocks): string | undefined {
  return locks.uv ?? locks.poetry ?? locks.pdm ?? locks.pylock;
}

/**
 * Is a requirements file itself a lock (every requirement pinned, as `uv export`, `pip-compile` and
 * `poetry export` write)? Undefined when it cannot be read from the project (generated during the
 * build, or outside the project): then nothing is claimed about it.
 */
export async function requirementsFileIsLock(fs: FileSystem, baseDirs: string[], file: string): Promise<boolean | undefined> {
  if (/[$*{}]/.test(file)) return undefined;
  for (const baseDir of baseDirs) {
    const path = file.startsWith('/') ? normalizePath(file) : normalizePath(joinPath(baseDir, file));
    const r = await readTextFile(fs, path, 8 * 1024 * 1024);
    if (!r.ok) continue;
    const parsed = parseRequirementsFile(r.text);
    // A file that only includes others (`-r base.txt`) or holds only the project (`-e .`) says nothing on its own.
    if (!parsed.lines.some((l) => l.kind === 'requirement')) return undefined;
    // Constraints (`-c constraints.txt`) pin what the requirements leave open.
    if (parsed.lines.some((l) => l.kind === 'include' && l.constraint)) return true;
    return isFullyPinned(parsed);
  }
  return undefined;
}
