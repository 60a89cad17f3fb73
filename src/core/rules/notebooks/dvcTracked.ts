import { parse as parseYaml } from 'yaml';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { basename, dirname, isInside, joinPath } from '../../fs/paths';

/**
 * Paths DVC tracks in a project: the `outs` of `*.dvc` files and of `dvc.yaml` stages (with
 * `metrics` and `plots` outputs, which DVC also caches or tracks). MLH211 asks whether a notebook's
 * data file is among them.
 *
 * This is a deliberately small read of the YAML, kept here until the DVC engine (src/core/dvc) offers
 * the same list: it skips paths still holding `${...}` interpolation rather than expanding them.
 */
export class DvcTrackedPaths {
  private readonly paths: string[];

  constructor(paths: Iterable<string>) {
    this.paths = [...new Set(paths)];
  }

  get size(): number {
    return this.paths.length;
  }

  /** True when `path` is a tracked output or lies inside a tracked directory output. */
  tracks(path: string): boolean {
    return this.paths.some((p) => isInside(p, path));
  }

  list(): readonly string[] {
    return this.paths;
  }
}

/** Output paths of one `.dvc` file (`outs: - path: data.csv`), absolute. */
export function dvcFileOutputs(dvcFilePath: string, text: string): string[] {
  const doc = safeYaml(text);
  const dir = dirname(dvcFilePath);
  const out: string[] = [];
  for (const o of asArray(asRecord(doc)?.['outs'])) {
    const path = asRecord(o)?.['path'];
    if (typeof path === 'string' && !path.includes('${')) out.push(joinPath(dir, path));
  }
  return out;
}

/** Output paths of every stage of a `dvc.yaml` (`outs`, `metrics`, `plots`; string or `{path: {...}}` form), absolute. */
export function dvcYamlOutputs(dvcYamlPath: string, text: string): string[] {
  const doc = asRecord(safeYaml(text));
  const stages = asRecord(doc?.['stages']);
  const base = dirname(dvcYamlPath);
  const out: string[] = [];
  for (const stage of Object.values(stages ?? {})) {
    const s = asRecord(stage);
    if (!s) continue;
    // `foreach`/`matrix` stages keep their body under `do` or at the top level.
    const body = asRecord(s['do']) ?? s;
    const wdir = typeof body['wdir'] === 'string' ? joinPath(base, body['wdir']) : base;
    for (const key of ['outs', 'metrics', 'plots']) {
      for (const entry of asArray(body[key])) {
        const path = typeof entry === 'string' ? entry : Object.keys(asRecord(entry) ?? {})[0];
        if (path && !path.includes('${')) out.push(joinPath(wdir, path));
      }
    }
  }
  return out;
}

const SKIPPED = new Set(['.git', '.dvc', 'node_modules', '.venv', 'venv', '__pycache__', '.ipynb_checkpoints', '.tox', '.cache']);

/**
 * Reads the tracked paths of a project. `files` is the workspace scan's file list when the caller
 * has one; otherwise the project folder is walked (bounded) for `*.dvc` files.
 */
export async function readDvcTrackedPaths(fs: FileSystem, projectRoot: string, dvcYamlPaths: readonly string[], files?: readonly string[]): Promise<DvcTrackedPaths> {
  const dvcFiles = files ? files.filter((f) => f.endsWith('.dvc') && isInside(projectRoot, f)) : await findDvcFiles(fs, projectRoot);
  const paths: string[] = [];
  for (const f of dvcFiles) {
    const r = await readTextFile(fs, f, 1024 * 1024);
    if (r.ok) paths.push(...dvcFileOutputs(f, r.text));
  }
  for (const f of dvcYamlPaths) {
    const r = await readTextFile(fs, f, 4 * 1024 * 1024);
    if (r.ok) paths.push(...dvcYamlOutputs(f, r.text));
  }
  return new DvcTrackedPaths(paths);
}

async function findDvcFiles(fs: FileSystem, root: string, limit = 20_000): Promise<string[]> {
  const found: string[] = [];
  const stack = [root];
  let seen = 0;
  while (stack.length && seen < limit) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      seen++;
      const p = joinPath(dir, e.name);
      if (e.kind === 'directory' && !SKIPPED.has(e.name)) stack.push(p);
      else if (e.kind === 'file' && e.name.endsWith('.dvc') && basename(p) !== '.dvc') found.push(p);
    }
  }
  return found.sort();
}

function safeYaml(text: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: false, maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
