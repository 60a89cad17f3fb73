import { parse as parseYaml } from 'yaml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, joinPath, normalizePath } from '../fs/paths';

/**
 * Which paths DVC versions: the `outs` of `*.dvc` files and the `outs`/`metrics`/`plots` of
 * `dvc.yaml` stages. A directory output covers everything below it.
 *
 * One reader for every rule that asks "does DVC version this path?" (MLH211 for notebook reads,
 * MLH405 for data folders). It reads only output paths, with a tolerant YAML read: a broken
 * `dvc.yaml` is the DVC rules' business (MLH301); here it simply tracks nothing.
 */
export class DvcTracking {
  /**
   * The outputs as a set: a query looks up the path and each of its ancestors (O(depth)) instead of
   * comparing against every output of the workspace, which MLH211 does for every read literal of
   * every notebook.
   */
  private readonly outputSet: ReadonlySet<string>;

  private constructor(
    /** Absolute output paths, normalized (they come from `joinPath`). */
    private readonly outputs: string[],
    /** Outputs of `foreach`/`matrix` stages whose path is interpolated (`data/${item}.csv`), as patterns. */
    private readonly patterns: RegExp[],
    /** The files declaring them, for messages. */
    readonly sources: string[],
  ) {
    this.outputSet = new Set(outputs);
  }

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
    if (this.isEmpty) return false;
    const normal = normalizePath(path);
    // Inside an output means the output is the path itself or one of its ancestors, `/` included.
    for (let p = normal; ; p = parentOf(p)) {
      if (this.outputSet.has(p)) return true;
      if (p === '/') break;
    }
    if (this.patterns.length === 0) return false;
    // A pattern output may itself be a directory: test the path as given, then each ancestor.
    if (path === '/') return false;
    if (this.patterns.some((re) => re.test(path))) return true;
    for (let p = parentOf(normal); p !== '/'; p = parentOf(p)) if (this.patterns.some((re) => re.test(p))) return true;
    return false;
  }
}

/** `dirname` of a path already normalized: no second normalization per ancestor. */
function parentOf(normal: string): string {
  const i = normal.lastIndexOf('/');
  return i <= 0 ? '/' : normal.slice(0, i);
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
