import { parse as parseYaml } from 'yaml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, isInside, joinPath } from '../fs/paths';

/**
 * Which paths DVC versions: the `outs` of `*.dvc` files and the `outs`/`metrics`/`plots` of
 * `dvc.yaml` stages. A directory output covers everything below it.
 *
 * One reader for every rule that asks "does DVC version this path?" (MLH211 for notebook reads,
 * MLH405 for data folders). It reads only output paths, with a tolerant YAML read: a broken
 * `dvc.yaml` is the DVC rules' business (MLH301); here it simply tracks nothing.
 */
export class DvcTracking {
  private constructor(
    /** Absolute output paths. */
    private readonly outputs: string[],
    /** Outputs of `foreach`/`matrix` stages whose path is interpolated (`data/${item}.csv`), as patterns. */
    private readonly patterns: RegExp[],
    /** The files declaring them, for messages. */
    readonly sources: string[],
  ) {}

  static async load(fs: FileSystem, files: string[]): Promise<DvcTracking> {
    const outputs: string[] = [];
    const patterns: RegExp[] = [];
    const sources: string[] = [];
    const add = (baseDir: string, rawPath: string) => {
      const clean = rawPath.trim().replace(/\/+$/, '');
      if (!clean) return;
      if (clean.includes('${')) patterns.push(interpolatedPattern(joinPath(baseDir, clean)));
      else outputs.push(joinPath(baseDir, clean));
    };
    for (const file of files) {
      const name = basename(file);
      if (name !== 'dvc.yaml' && !name.endsWith('.dvc')) continue;
      const read = await readTextFile(fs, file, 4 * 1024 * 1024);
      if (!read.ok) continue;
      let doc: unknown;
      try {
        doc = parseYaml(read.text);
      } catch {
        continue;
      }
      if (!isRecord(doc)) continue;
      const dir = dirname(file);
      const before = outputs.length + patterns.length;
      if (name === 'dvc.yaml') {
        const stages = doc['stages'];
        if (isRecord(stages)) {
          for (const stage of Object.values(stages)) {
            if (!isRecord(stage)) continue;
            // A stage's paths are relative to its working directory.
            const wdir = typeof stage['wdir'] === 'string' ? joinPath(dir, stage['wdir']) : dir;
            const body = isRecord(stage['do']) ? stage['do'] : stage; // foreach/matrix stages nest their body under `do`
            const stageWdir = typeof body['wdir'] === 'string' ? joinPath(dir, body['wdir']) : wdir;
            for (const key of ['outs', 'metrics', 'plots']) for (const p of outputPaths(body[key])) add(stageWdir, p);
          }
        }
      } else {
        const wdir = typeof doc['wdir'] === 'string' ? joinPath(dir, doc['wdir']) : dir;
        for (const p of outputPaths(doc['outs'])) add(wdir, p);
      }
      if (outputs.length + patterns.length > before) sources.push(file);
    }
    return new DvcTracking(outputs, patterns, sources);
  }

  static empty(): DvcTracking {
    return new DvcTracking([], [], []);
  }

  get isEmpty(): boolean {
    return this.outputs.length === 0 && this.patterns.length === 0;
  }

  /** Is the path an output, or inside a directory output? */
  isTracked(path: string): boolean {
    if (this.outputs.some((out) => isInside(out, path))) return true;
    // A pattern output may itself be a directory: test the path and each of its ancestors.
    for (let p = path; p !== '/'; p = dirname(p)) if (this.patterns.some((re) => re.test(p))) return true;
    return false;
  }
}

/** Output entries are strings or one-key maps (`- model.pkl: {cache: false}`); `.dvc` files use `{path: ...}`. */
function outputPaths(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') out.push(item);
    else if (isRecord(item)) {
      if (typeof item['path'] === 'string') out.push(item['path']);
      else for (const key of Object.keys(item)) out.push(key);
    }
  }
  return out;
}

/** `${item.name}` stands for one path segment or part of one; it never spans folders. */
function interpolatedPattern(path: string): RegExp {
  const parts = path.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp('^' + parts.join('[^/]+') + '$');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * What DVC tracks depends only on the workspace's DVC files: read them once per file list (one per
 * workspace scan), not once per project or notebook.
 */
const trackingByFiles = new WeakMap<readonly string[], Promise<DvcTracking>>();

export function dvcTrackingOf(fs: FileSystem, workspaceFiles: string[]): Promise<DvcTracking> {
  let tracking = trackingByFiles.get(workspaceFiles);
  if (!tracking) trackingByFiles.set(workspaceFiles, (tracking = DvcTracking.load(fs, workspaceFiles)));
  return tracking;
}
