import type { FileSystem } from '../fs/fileSystem';
import { normalizePath, relativePath } from '../fs/paths';
import type { DvcLockFile, LockOutput, LockStage } from './dvcLock';
import type { DvcPathEntry, DvcStage, DvcYamlFile, ParamsLoader } from './dvcYaml';
import { cachingParamsLoader } from './dvcYaml';
import type { StageGraph } from './graph';
import { buildStageGraph } from './graph';
import type { DvcHasher, HashOutcome } from './hashing';
import { displayValue, lookupDotted, pyEquals, type PyValue } from './pyValue';

/**
 * `dvc status` natively (dvc/stage/__init__.py, dvc/output.py, dvc/dependency/param.py):
 * - a stage without a dvc.lock entry was never run; "changed command" needs a lock entry;
 * - `always_changed: true`, or a cmd with no deps and no outs (params count as deps), is always changed;
 * - a frozen stage skips its deps and params but still checks its outs;
 * - an entry is deleted (absent), modified (hash differs from the lock) or new (no recorded hash —
 *   DVC itself prints "modified" there; the issue asks to tell them apart);
 * - params compare by parsed value with Python equality (0.20 == 0.2).
 */
export type StageStatusKind = 'up-to-date' | 'changed' | 'never-run' | 'frozen' | 'always-changed';
export type EntryState = 'modified' | 'deleted' | 'new';

export interface StageChanges {
  cmd: boolean;
  deps: Record<string, EntryState>;
  outs: Record<string, EntryState>;
  params: Record<string, Record<string, EntryState>>;
}

/** Exactly the JSON contract of `ml-hygiene status --format json`. */
export interface StageStatus {
  name: string;
  dvcfile: string;
  status: StageStatusKind;
  changes: StageChanges;
}

/** What the tree and the rules need beyond the JSON contract. */
export interface StageStatusDetail {
  /** Paths never hashed because they leave the workspace. */
  outsideWorkspace: string[];
  /** Paths whose hashing failed (unreadable, a link out of the workspace inside a directory...). */
  errors: { path: string; message: string }[];
  /** Current params values: file → key → value (undefined when absent). */
  paramValues: Record<string, Record<string, PyValue | undefined>>;
}

export interface PipelineStatus {
  stages: StageStatus[];
  details: Map<string, StageStatusDetail>;
}

export interface StatusOptions {
  workspaceRoot: string;
  hasher: DvcHasher;
  paramsLoader?: ParamsLoader;
  graph?: StageGraph;
}

export async function computePipelineStatus(fs: FileSystem, file: DvcYamlFile, lock: DvcLockFile | undefined, options: StatusOptions): Promise<PipelineStatus> {
  const loader = options.paramsLoader ?? cachingParamsLoader(fs);
  const graph = options.graph ?? buildStageGraph(file.stages);
  const dvcfile = relativePath(normalizePath(options.workspaceRoot), file.path);
  const result: PipelineStatus = { stages: [], details: new Map() };
  for (const stage of graph.order) {
    const detail: StageStatusDetail = { outsideWorkspace: [], errors: [], paramValues: {} };
    const st = await stageStatus(fs, stage, lock?.stages.get(stage.name), options.hasher, loader, detail);
    result.stages.push({ name: stage.name, dvcfile, ...st });
    result.details.set(stage.name, detail);
  }
  return result;
}

function cmdEquals(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function samePath(a: string, b: string): boolean {
  return normalizePath(a) === normalizePath(b);
}

async function stageStatus(
  fs: FileSystem,
  stage: DvcStage,
  lock: LockStage | undefined,
  hasher: DvcHasher,
  loader: ParamsLoader,
  detail: StageStatusDetail,
): Promise<{ status: StageStatusKind; changes: StageChanges }> {
  const changes: StageChanges = { cmd: false, deps: {}, outs: {}, params: {} };
  const checkDeps = !stage.frozen || !lock;
  if (checkDeps) {
    for (const dep of stage.deps) {
      const s = await entryState(fs, dep, lock?.deps.find((e) => samePath(e.path, dep.path)), hasher, detail);
      if (s) changes.deps[dep.path] = s;
    }
    await paramsStatus(stage, lock, loader, changes, detail);
  } else await paramsStatus(stage, lock, loader, { cmd: false, deps: {}, outs: {}, params: {} }, detail); // values for the tree only
  for (const out of stage.outs) {
    const s = await entryState(fs, out, lock?.outs.find((e) => samePath(e.path, out.path)), hasher, detail);
    if (s) changes.outs[out.path] = s;
  }
  if (!lock) return { status: 'never-run', changes };
  changes.cmd = !cmdEquals(stage.cmd, lock.cmd);
  const changed = changes.cmd || Object.keys(changes.deps).length > 0 || Object.keys(changes.outs).length > 0 || Object.keys(changes.params).length > 0;
  const isCallback = stage.cmd !== undefined && stage.deps.length === 0 && stage.params.length === 0 && stage.outs.length === 0;
  if (stage.frozen) return { status: changed ? 'changed' : 'frozen', changes };
  if (stage.alwaysChanged || isCallback) return { status: 'always-changed', changes };
  return { status: changed ? 'changed' : 'up-to-date', changes };
}

async function entryState(fs: FileSystem, entry: DvcPathEntry, recorded: LockOutput | undefined, hasher: DvcHasher, detail: StageStatusDetail): Promise<EntryState | undefined> {
  let outcome: HashOutcome;
  if (!recorded?.md5) {
    // Nothing to compare with: existence is enough, and nothing is read.
    const st = await fs.stat(entry.absPath);
    if (!st) return 'deleted';
    outcome = await hasher.existence(entry.absPath);
    if (outcome.kind === 'outside-workspace') {
      detail.outsideWorkspace.push(entry.path);
      return undefined;
    }
    return outcome.kind === 'missing' ? 'deleted' : 'new';
  }
  if (recorded.algorithm === 'md5' && recorded.size !== undefined && !recorded.md5.endsWith('.dir')) {
    // Raw md5 over raw bytes: a different size is a different hash, no need to read the file.
    const st = await fs.stat(entry.absPath);
    if (st?.kind === 'file' && st.size !== recorded.size && (await hasher.existence(entry.absPath)).kind !== 'outside-workspace') return 'modified';
  }
  outcome = await hasher.hashPath(entry.absPath, recorded.algorithm);
  switch (outcome.kind) {
    case 'missing':
      return 'deleted';
    case 'outside-workspace':
      detail.outsideWorkspace.push(entry.path);
      return undefined;
    case 'error':
      detail.errors.push({ path: entry.path, message: outcome.message });
      return 'modified';
    default:
      return outcome.md5 === recorded.md5 ? undefined : 'modified';
  }
}

async function paramsStatus(stage: DvcStage, lock: LockStage | undefined, loader: ParamsLoader, changes: StageChanges, detail: StageStatusDetail): Promise<void> {
  const byFile = new Map<string, { file: string; abs: string; keys: string[]; whole: boolean }>();
  for (const ref of stage.params) {
    const g = byFile.get(ref.absFile) ?? { file: ref.file, abs: ref.absFile, keys: [], whole: false };
    if (ref.key === null) g.whole = true;
    else if (!g.keys.includes(ref.key)) g.keys.push(ref.key);
    byFile.set(ref.absFile, g);
  }
  for (const g of byFile.values()) {
    const loaded = await loader(g.abs);
    const info = lock?.params[g.file];
    const states: Record<string, EntryState> = {};
    const values: Record<string, PyValue | undefined> = {};
    const actual = loaded.ok ? loaded.data : undefined;
    // DVC tracks the whole file when any entry names it without keys.
    const keys = g.whole ? [...new Set([...Object.keys(actual ?? {}), ...Object.keys(info ?? {}), ...g.keys])] : g.keys;
    if (!actual) {
      for (const k of keys.length ? keys : ['*']) states[k] = 'deleted';
    } else {
      for (const k of keys) {
        const cur = g.whole && Object.prototype.hasOwnProperty.call(actual, k) ? actual[k] : lookupDotted(actual, k);
        values[k] = cur;
        if (cur === undefined) states[k] = 'deleted';
        else if (!info || !Object.prototype.hasOwnProperty.call(info, k)) states[k] = 'new';
        else if (!pyEquals(cur, info[k]!)) states[k] = 'modified';
      }
    }
    detail.paramValues[g.file] = values;
    if (Object.keys(states).length) changes.params[g.file] = states;
  }
}

/** `{"version":1,"stages":[...]}`, the CLI's JSON contract. */
export function formatStatusJson(status: PipelineStatus | PipelineStatus[]): string {
  const all = Array.isArray(status) ? status : [status];
  return JSON.stringify({ version: 1, stages: all.flatMap((s) => s.stages) }, null, 2);
}

const STATUS_WORDS: Record<StageStatusKind, string> = {
  'up-to-date': 'up to date',
  changed: 'changed',
  'never-run': 'never run',
  frozen: 'frozen',
  'always-changed': 'always changed',
};

export function describeStatus(s: StageStatus): string {
  if (s.status !== 'changed') return STATUS_WORDS[s.status];
  const what: string[] = [];
  if (s.changes.cmd) what.push('command');
  if (Object.keys(s.changes.deps).length) what.push('deps');
  if (Object.keys(s.changes.params).length) what.push('params');
  if (Object.keys(s.changes.outs).length) what.push('outs');
  return `changed (${what.join(', ')})`;
}

/** A `dvc status`-like text report for terminals. */
export function formatStatusText(status: PipelineStatus | PipelineStatus[]): string {
  const stages = (Array.isArray(status) ? status : [status]).flatMap((s) => s.stages);
  const lines: string[] = [];
  for (const s of stages) {
    if (s.status === 'up-to-date' || s.status === 'frozen') continue;
    lines.push(`${s.dvcfile === 'dvc.yaml' ? '' : s.dvcfile + ':'}${s.name}: ${describeStatus(s)}`);
    if (s.changes.cmd) lines.push('    changed command');
    const section = (title: string, entries: Record<string, EntryState>) => {
      const keys = Object.keys(entries);
      if (!keys.length) return;
      lines.push(`    ${title}:`);
      for (const k of keys) lines.push(`        ${(entries[k] + ':').padEnd(20)}${k}`);
    };
    section('changed deps', s.changes.deps);
    for (const [file, entries] of Object.entries(s.changes.params)) section(`changed params (${file})`, entries);
    section('changed outs', s.changes.outs);
  }
  return lines.length ? lines.join('\n') + '\n' : 'Data and pipelines are up to date.\n';
}

export { displayValue };
