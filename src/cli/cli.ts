import { existsSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Finding, TextEdit } from '../core/diagnostics';
import { Engine, sortFindings } from '../core/engine';
import { DiskFileSystem } from '../core/fs/diskFileSystem';
import { normalizePath, relativePath, dirname, isInside } from '../core/fs/paths';
import { findEnclosingProject } from '../core/project/discovery';
import { applyTextEdits } from '../core/fixes/applyEdits';
import { toJson, toText } from './format';
import { toSarif } from './sarif';
import { toGithubAnnotations } from './github';
import { allRules } from '../core/rules/registry';
import { formatReadinessText, toReadinessJson } from '../core/readiness';
import { collectPins, pinEdits } from '../core/fixes/pinPlan';
import type { EnvironmentHints } from '../core/environment/installedDistributions';
import { runExtract } from './extract';
import { terminalProgress } from './progress';
import { hashingProgress } from '../core/progress';
import type { HashProgress } from '../core/dvc/hashing';
import { runProductionize } from './productionize';
import { notebookRangeMapper } from '../core/notebook/fileRanges';
import { formatStatusJson, formatStatusText } from '../core/dvc/status';
import { buildPipelineGraph, formatGraphDot, formatGraphMermaid } from '../core/dvc/pipelineGraph';
import { hashCacheFile, loadHashCache, saveHashCache, userCacheDir } from '../adapters/hashCacheStore';
import { HashWorkerPool } from '../adapters/hashWorkerPool';
import { CellAnalysisWorkerPool } from '../adapters/cellAnalysisPool';
import { CellAnalysisStore, analysisStoreFile, analyzerStamp } from '../adapters/cellAnalysisStore';
import { activatedEnvironmentHints } from '../adapters/activatedEnvironment';

const USAGE = `ml-hygiene — production readiness checks for Python ML projects

Usage:
  ml-hygiene check [PATH...] [--format text|json|sarif|github] [--fail-on error|warning|never]
  ml-hygiene readiness [PATH] [--format text|json]
  ml-hygiene pin [PATH] (--all | --package NAME) [--python PATH] [--dry-run]
  ml-hygiene status [PATH] [--format text|json|dot|mermaid]
  ml-hygiene extract NOTEBOOK (--cell N | --cells A-B) --module PATH [--function NAME]  (0-based code-cell indices)
  ml-hygiene productionize NOTEBOOK [--python PATH] [--no-ci] [--with-readme] [--dry-run | --diff]  (turn the notebook into a package, tests, params.yaml, dvc.yaml)
  ml-hygiene --help | --version

pin takes versions from the lockfile, else from the installed environment, looked for in this
order (as uv does): --python PATH (an interpreter or environment folder; then nothing else),
$VIRTUAL_ENV, $CONDA_PREFIX, <project>/.venv, <project>/venv, and conda's base environment last.

productionize writes what the editor's preview starts ticked: the package, tests, params.yaml,
dvc.yaml, pyproject.toml and the CI workflow (--no-ci leaves that out). The README section on how to
work on the project is the user's prose, unticked in the preview: --with-readme adds it. --dry-run
lists the files; --diff prints the whole change as a unified diff (git apply takes it), writes nothing.

Exit status: 0 when nothing is at error severity, 1 when something is, 2 on usage or internal error.`;

class UsageError extends Error {}

interface ParsedArgs {
  command: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--format', '--fail-on', '--package', '--cell', '--module', '--function', '--cells', '--python']);

export function parseArgs(argv: string[]): ParsedArgs {
  const [command = '', ...rest] = argv;
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (VALUE_FLAGS.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value`);
        flags.set(name, value);
      } else flags.set(name, true);
    } else positionals.push(a);
  }
  return { command, positionals, flags };
}

function toAbsolute(p: string): string {
  return normalizePath(path.resolve(p));
}

/** A folder the engine scans for some of the given paths; `onlyFiles` when they lie outside every project. */
interface CheckRoot {
  root: string;
  paths: string[];
  onlyFiles?: string[];
}

function userHome(): string | undefined {
  try {
    return normalizePath(homedir());
  } catch {
    return undefined;
  }
}

/**
 * Where to check each path. A path inside a project (a folder with pyproject.toml, setup.py,
 * setup.cfg, requirements*.txt or dvc.yaml, or a git repository's root; found by climbing, never
 * above a git root or the home folder) is checked as part of that project. A folder in no project
 * is walked as asked. A file in no project is checked alone: its folder's other contents (the
 * system's temp folder, the Downloads folder) are not the user's project.
 */
async function checkRootsOf(paths: string[], engineFs: DiskFileSystem): Promise<CheckRoot[]> {
  const home = userHome();
  const groups = new Map<string, CheckRoot>();
  const loose = new Map<string, CheckRoot>();
  for (const p of paths) {
    const isFile = statSync(p).isFile();
    const project = await findEnclosingProject(engineFs, isFile ? dirname(p) : p, home ? { home } : {});
    if (!project && isFile) {
      const dir = dirname(p);
      const group = loose.get(dir) ?? { root: dir, paths: [], onlyFiles: [] };
      group.paths.push(p);
      group.onlyFiles!.push(p);
      loose.set(dir, group);
      continue;
    }
    const root = project ?? p;
    const group = groups.get(root) ?? { root, paths: [] };
    group.paths.push(p);
    groups.set(root, group);
  }
  // A root inside another root's walk is covered by it (`check repo repo/sub`).
  const walked = [...groups.values()].sort((a, b) => a.root.length - b.root.length);
  const kept: CheckRoot[] = [];
  for (const g of walked) {
    const outer = kept.find((k) => isInside(k.root, g.root));
    if (outer) outer.paths.push(...g.paths);
    else kept.push(g);
  }
  for (const g of loose.values()) {
    const outer = kept.find((k) => isInside(k.root, g.root));
    if (outer) outer.paths.push(...g.paths);
    else kept.push(g);
  }
  return kept;
}

async function runCheck(args: ParsedArgs, out: (s: string) => void): Promise<number> {
  const format = (args.flags.get('--format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'sarif', 'github'].includes(format)) throw new UsageError(`unknown --format ${format}`);
  const failOn = (args.flags.get('--fail-on') as string | undefined) ?? 'error';
  if (!['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`unknown --fail-on ${failOn}`);
  const paths = (args.positionals.length ? args.positionals : ['.']).map(toAbsolute);
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  const findings: Finding[] = [];
  let engine: Engine | undefined;
  const progress = terminalProgress();
  try {
    for (const target of await checkRootsOf(paths, new DiskFileSystem())) {
      // The CLI runs where the user runs it: that is a trusted context, but it still never executes Python.
      const at = engineAt(target.root, target.onlyFiles, target.paths);
      findings.push(...(await at.engine.checkWorkspace(target.paths, progress ? { onProgress: progress.onProgress } : {})));
      at.save();
      engine = at.engine;
    }
  } finally {
    progress?.done();
  }
  sortFindings(findings);
  const cwd = normalizePath(process.cwd());
  if (format === 'json') out(JSON.stringify(toJson(findings, cwd), null, 2));
  // SARIF URIs are relative to where CI runs the command: the repository checkout (GitHub's %SRCROOT%).
  else if (format === 'sarif') {
    const notebookRange = await notebookRangeMapper(engine!.fs, findings);
    out(JSON.stringify(toSarif(findings, { srcRoot: cwd, rules: allRules(), toolVersion: '0.1.0', notebookRange }), null, 2));
  } else if (format === 'github') out(toGithubAnnotations(findings, cwd, await notebookRangeMapper(engine!.fs, findings)));
  else out(toText(findings, cwd, process.stdout.isTTY === true));
  return exitCodeFor(findings, failOn);
}

export function exitCodeFor(findings: Finding[], failOn: string): number {
  if (failOn === 'never') return 0;
  if (findings.some((f) => f.severity === 'error')) return 1;
  if (failOn === 'warning' && findings.some((f) => f.severity === 'warning')) return 1;
  return 0;
}

/**
 * An engine on the disk at `root`, with worker threads for DVC hashing and notebook analysis; `save`
 * persists the hash cache and the cell analyses and stops the workers once the command is done.
 */
function engineAt(root: string, onlyFiles?: string[], requested: string[] = []): { engine: Engine; save: () => void } {
  const cacheFile = hashCacheFile(userCacheDir(), root);
  const hashCache = loadHashCache(cacheFile);
  const hashPool = new HashWorkerPool();
  // Cell analyses are kept in the user's cache folder too: a re-run in CI (with that folder cached)
  // or on the desk parses only the cells that changed.
  const cellAnalyzer = CellAnalysisWorkerPool.forThisMachine({
    store: (workerScript) => {
      const stamp = analyzerStamp(workerScript);
      // Saved once, when the command is done (save() below), never on a timer mid-check.
      return stamp ? new CellAnalysisStore(analysisStoreFile(userCacheDir(), root), stamp, undefined, null) : undefined;
    },
  });
  const home = userHome();
  const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: root, trusted: true, hashCache, fileDigester: hashPool, ...(cellAnalyzer ? { cellAnalyzer } : {}), ...(home ? { homeDir: home } : {}), ...(onlyFiles ? { onlyFiles } : {}),
    // A folder the user names is checked even inside a folder the walk skips (hidden, excluded).
    requestedFolders: requested.filter((p) => p !== root && existsSync(p) && statSync(p).isDirectory()),
  });
  return {
    engine,
    save: () => {
      saveHashCache(cacheFile, hashCache);
      void hashPool.dispose();
      void cellAnalyzer?.dispose();
    },
  };
}

/** `ml-hygiene readiness`: the 0–100 score per project with every check. Exit 0: a score is not a failure. */
async function runReadiness(args: ParsedArgs, out: (s: string) => void): Promise<number> {
  const format = (args.flags.get('--format') as string | undefined) ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(`unknown --format ${format}`);
  const target = toAbsolute(args.positionals[0] ?? '.');
  if (!existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  const [where] = await checkRootsOf([target], new DiskFileSystem());
  const { engine, save } = engineAt(where!.root, where!.onlyFiles, where!.paths);
  const progress = terminalProgress();
  let reports;
  try {
    reports = await engine.readiness([target], progress ? { onProgress: progress.onProgress } : {});
  } finally {
    progress?.done();
  }
  save();
  const cwd = normalizePath(process.cwd());
  out(format === 'json' ? JSON.stringify(toReadinessJson(reports, cwd), null, 2) : formatReadinessText(reports, cwd, process.stdout.isTTY === true));
  return 0;
}

/** `ml-hygiene status`: per-stage DVC status computed natively (DVC need not be installed). */
async function runStatus(args: ParsedArgs, out: (s: string) => void): Promise<number> {
  const format = (args.flags.get('--format') as string | undefined) ?? 'text';
  if (!['text', 'json', 'dot', 'mermaid'].includes(format)) throw new UsageError(`unknown --format ${format}`);
  const target = toAbsolute(args.positionals[0] ?? '.');
  if (!existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  const isFile = statSync(target).isFile();
  const root = isFile ? dirname(target) : target;
  const { engine, save } = engineAt(root);
  const progress = terminalProgress();
  const contexts = [];
  let files: string[];
  try {
    files = isFile ? [target] : await engine.dvcFiles();
    const onHashProgress = progress ? (p: HashProgress) => progress.onProgress(hashingProgress(root, p)) : undefined;
    for (const f of files) contexts.push((await engine.checkDvc(f, undefined, onHashProgress)).ctx);
  } finally {
    progress?.done();
  }
  save();
  const statuses = contexts.map((c) => c.status);
  // dot and mermaid end with a newline of their own; `out` adds one per call.
  if (format === 'dot') out(formatGraphDot(buildPipelineGraph(contexts)).trimEnd());
  else if (format === 'mermaid') out(formatGraphMermaid(buildPipelineGraph(contexts)).trimEnd());
  else out(format === 'json' ? formatStatusJson(statuses) : files.length ? formatStatusText(statuses) : 'No dvc.yaml found.');
  return 0;
}

/** `--python PATH` (resolved against the working directory), else the activated environments of the shell. */
export function environmentHintsFrom(args: ParsedArgs, env: NodeJS.ProcessEnv): EnvironmentHints {
  const python = args.flags.get('--python');
  if (typeof python === 'string') {
    const abs = toAbsolute(python);
    if (!existsSync(abs)) throw new UsageError(`--python: no such interpreter or environment folder: ${abs}`);
    return { python: { path: abs, source: '--python' } };
  }
  return activatedEnvironmentHints(env, process.cwd());
}

async function runPin(args: ParsedArgs, out: (s: string) => void): Promise<number> {
  const all = args.flags.get('--all') === true;
  const pkg = args.flags.get('--package') as string | undefined;
  if (!all && !pkg) throw new UsageError('pin needs --all or --package NAME');
  const target = toAbsolute(args.positionals[0] ?? '.');
  if (!existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  const root = statSync(target).isFile() ? dirname(target) : target;
  const engine = new Engine({ fs: new DiskFileSystem(), workspaceRoot: root, trusted: true, environmentHints: environmentHintsFrom(args, process.env) });
  const plan = await collectPins(engine, { ...(pkg ? { packageName: pkg } : {}), ...(statSync(target).isFile() ? { onlyFile: target } : {}) });
  const byFile = new Map<string, TextEdit[]>();
  for (const p of plan.pins) byFile.set(p.path, [...(byFile.get(p.path) ?? []), ...pinEdits([p])]);
  const cwd = normalizePath(process.cwd());
  for (const p of plan.pins) out(`${relativePath(cwd, p.path)}: ${p.before} -> ${p.after} (from ${p.from})`);
  for (const s of plan.skipped) out(`${relativePath(cwd, s.path)}: ${s.requirement}: not pinned: ${s.reason}`);
  if (args.flags.get('--dry-run') !== true) {
    for (const [file, edits] of byFile) writeFileSync(file, applyTextEdits(readFileSync(file, 'utf8'), edits));
  }
  for (const note of plan.notes) out(note);
  if (plan.lookups.some((l) => !l.looked.some((x) => x.outcome === 'used'))) {
    out('Point at the environment the project runs in with --python PATH (its interpreter or folder), or activate it (VIRTUAL_ENV, CONDA_PREFIX).');
  }
  if (pkg && !plan.pins.length) {
    out(`nothing to pin for ${pkg}`);
    return 1;
  }
  if (!plan.pins.length) out('Nothing to pin.');
  return 0;
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n'), err: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<number> {
  try {
    const args = parseArgs(argv);
    switch (args.command) {
      case 'check':
        return await runCheck(args, out);
      case 'pin':
        return await runPin(args, out);
      case 'status':
        return await runStatus(args, out);
      case 'extract':
        return await runExtract(args, out, err);
      case 'productionize':
        return await runProductionize(args, out, err);
      case 'readiness':
        return await runReadiness(args, out);
      case '--version':
        out('0.1.0');
        return 0;
      case '':
      case '--help':
      case 'help':
        out(USAGE);
        return args.command ? 0 : 2;
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`ml-hygiene: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    err(`ml-hygiene: internal error: ${(e as Error)?.stack ?? e}`);
    return 2;
  }
}

if (require.main === module) {
  // `ml-hygiene check | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
