/**
 * `ml-hygiene productionize NOTEBOOK [--python PATH] [--no-ci] [--with-readme] [--dry-run | --diff]`: the same plan as
 * the editor's "Turn notebook into project", applied to disk. Files are created only where absent ('wx':
 * never over a file), existing ones get edits, and the `.ipynb` gets byte-preserving edits of the
 * rewritten cells. Dependencies are pinned to the environment given by `--python` (an interpreter or
 * environment folder), else the project's `.venv`/`venv`; its files are read, Python is never run.
 *
 * As in the editor's refactor preview, where they start unticked, files the plan marks opt-in (the
 * README section, the user's own prose) are written only with `--with-readme`; `--no-ci` leaves out the
 * CI workflow, which the preview starts ticked.
 * `--dry-run` lists the files; `--diff` prints the change as a git-style unified diff (what
 * `git apply` takes) and writes nothing, as `ruff --diff` does.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatPatch, structuredPatch } from 'diff';
import { readEnvironment, type PythonEnvironment } from '../core/environment/installedDistributions';
import { applyTextEdits } from '../core/fixes/applyEdits';
import { DiskFileSystem } from '../core/fs/diskFileSystem';
import { dirname, joinPath, normalizePath, relativePath } from '../core/fs/paths';
import { planProductionize } from '../core/productionize/plan';

export interface ProductionizeArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export const PRODUCTIONIZE_USAGE = 'ml-hygiene productionize NOTEBOOK [--python PATH] [--no-ci] [--with-readme] [--dry-run | --diff]';
const UTF8_BOM = '\uFEFF';
const PRODUCTIONIZE_FLAGS = new Set(['--python', '--no-ci', '--with-readme', '--dry-run', '--diff']);

/** The project the notebook belongs to: the nearest folder above it with a pyproject.toml, else its own folder. */
function projectRootFor(notebookPath: string): string {
  for (let dir = dirname(notebookPath); ; ) {
    if (existsSync(path.join(dir, 'pyproject.toml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return dirname(notebookPath);
    dir = parent;
  }
}

export async function runProductionize(args: ProductionizeArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const usage = (message: string): number => {
    err(`ml-hygiene productionize: ${message}\nUsage: ${PRODUCTIONIZE_USAGE}`);
    return 2;
  };
  if (args.flags.has('--help')) {
    out(`Usage: ${PRODUCTIONIZE_USAGE}`);
    return 0;
  }
  // A mistyped flag must not pass silently: `--dif` would otherwise write the project instead of showing it.
  const unknown = [...args.flags.keys()].find((f) => !PRODUCTIONIZE_FLAGS.has(f));
  if (unknown) return usage(`unknown option ${unknown}`);
  const notebookArg = args.positionals[0];
  if (!notebookArg || args.positionals.length > 1) return usage('give exactly one notebook');
  const notebookPath = normalizePath(path.resolve(notebookArg));
  if (!notebookPath.endsWith('.ipynb') || !existsSync(notebookPath) || !statSync(notebookPath).isFile()) return usage(`no such notebook: ${notebookArg}`);
  const pythonArg = args.flags.get('--python');
  if (pythonArg === true) return usage('--python needs an interpreter or environment path');
  const projectRoot = projectRootFor(notebookPath);
  const fs = new DiskFileSystem();

  let environment: PythonEnvironment | undefined;
  const candidates = typeof pythonArg === 'string' ? [normalizePath(path.resolve(pythonArg))] : [joinPath(projectRoot, '.venv'), joinPath(projectRoot, 'venv')];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const env = await readEnvironment(fs, c).catch(() => undefined);
    if (env?.distributions.size) {
      environment = env;
      break;
    }
  }

  const raw = readFileSync(notebookPath, 'utf8');
  const bom = raw.startsWith(UTF8_BOM) ? UTF8_BOM : '';
  const notebookText = raw.slice(bom.length);
  const plan = await planProductionize(fs, { notebookPath, projectRoot, notebookText, ...(environment ? { environment } : {}) });
  const cwd = normalizePath(process.cwd());
  if (!plan.ok) {
    err(`ml-hygiene productionize: nothing changed: ${plan.reason}`);
    return 1;
  }
  const showDiff = args.flags.has('--diff');
  // Opt-in files are left out unless asked for, as the editor's preview leaves them unticked; --no-ci
  // unticks the CI workflow.
  const why = new Map<string, string>();
  for (const f of plan.files) {
    if (f.optIn && !args.flags.has('--with-readme')) why.set(f.path, `${f.role === 'readme' ? 'README section' : 'opt-in'}: pass --with-readme to add it`);
    else if (f.role === 'ci' && args.flags.has('--no-ci')) why.set(f.path, 'CI workflow: left out by --no-ci');
  }
  const leftOut = new Set(why.keys());
  const changes: FileChange[] = [];
  for (const op of plan.edit.operations) {
    if (op.kind === 'create') {
      if (!leftOut.has(op.path)) changes.push({ path: op.path, after: op.content });
    } else if (op.kind === 'edit' && !leftOut.has(op.path)) {
      const current = readFileSync(op.path, 'utf8');
      const fileBom = current.startsWith(UTF8_BOM) ? UTF8_BOM : '';
      changes.push({ path: op.path, before: current, after: fileBom + applyTextEdits(current.slice(fileBom.length), op.edits) });
    }
  }
  if (plan.ipynbEdit.length) changes.push({ path: notebookPath, before: raw, after: bom + applyTextEdits(notebookText, plan.ipynbEdit) });
  if (!changes.length) {
    const only = [...why].map(([p, reason]) => `${relativePath(cwd, p)} (${reason})`).join(', ');
    err(`ml-hygiene productionize: nothing changed: ${only ? `all that is left is ${only}.` : 'the plan has nothing to write.'}`);
    return 1;
  }

  // With --diff, stdout carries the patch alone (so it can go to `git apply`); the listing goes to stderr.
  const list = showDiff ? err : out;
  for (const f of plan.files) {
    const where = relativePath(cwd, f.path);
    if (leftOut.has(f.path)) list(`skip   ${where}  (${why.get(f.path)})`);
    // "(tick to add)" speaks to the editor's preview; here --with-readme has already said yes.
    else list(`${f.action === 'create' ? 'create' : 'edit  '} ${where}  (${f.optIn ? f.description.replace(/\s*\(tick to add\)$/, '') : f.description})`);
  }
  for (const s of plan.skipped) list(`keep   ${s}  (exists; not overwritten)`);
  for (const m of plan.modules) list(`${m.importName}: ${m.names.join(', ')}`);
  for (const k of plan.keptBack) list(`stays in the notebook: ${k.name}, because ${k.reason}`);
  for (const c of plan.importCells) list(`imports cell ${c.codeIndex} ${c.emptied ? 'emptied' : c.removed ? 'trimmed' : 'stays'}: ${c.reason}`);
  if (showDiff) {
    for (const c of changes) out(unifiedDiff(relativePath(cwd, c.path), c.before, c.after));
    const created = changes.filter((c) => c.before === undefined).length;
    err(`Would create ${created} ${created === 1 ? 'file' : 'files'} and edit ${changes.length - created}; nothing was written.`);
    return 0;
  }
  if (args.flags.has('--dry-run')) return 0;

  for (const c of changes) {
    if (c.before === undefined) {
      mkdirSync(dirname(c.path), { recursive: true });
      try {
        writeFileSync(c.path, c.after, { flag: 'wx' });
      } catch {
        err(`ml-hygiene productionize: ${relativePath(cwd, c.path)} appeared meanwhile; it is not overwritten.`);
        return 1;
      }
    } else writeFileSync(c.path, c.after);
  }
  out(`Done: ${plan.modules.length} modules, ${plan.tests} tests, ${plan.params.length} params. Run the tests with \`python -m pytest\`; install the project with \`pip install -e .\` so the notebook imports ${plan.packageName}.`);
  return 0;
}

/** One file the run writes: created when `before` is undefined, else its text before and after. */
interface FileChange {
  path: string;
  before?: string;
  after: string;
}

/**
 * The change to one file as git prints it (`diff --git`, `new file mode` for a created file, `--- /dev/null`),
 * 3 lines of context, paths as given. An empty created file (py.typed) is its header alone, as in git.
 */
function unifiedDiff(relative: string, before: string | undefined, after: string): string {
  const patch = structuredPatch(before === undefined ? '/dev/null' : `a/${relative}`, `b/${relative}`, before ?? '', after, undefined, undefined, { context: 3 });
  return formatPatch({ ...patch, isGit: true, ...(before === undefined ? { isCreate: true, newMode: '100644' } : {}) }).replace(/\n$/, '');
}
