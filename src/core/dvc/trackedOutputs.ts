import { parse as parseYaml } from 'yaml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { basename, dirname, joinPath, normalizePath } from '../fs/paths';
import { cachingParamsLoader, loadDvcYaml } from './dvcYaml';

/**
 * Which paths DVC versions: the `outs` of `*.dvc` files and the `outs`/`metrics`/`plots` of
 * `dvc.yaml` stages. A directory output covers everything below it.
 *
 * One reader for every rule that asks "does DVC version this path?" (MLH211 for notebook reads,
 * MLH405 for data folders). `dvc.yaml` is read by the same reader as the DVC rules, so templated
 * outputs (`data/${item}.csv` of a foreach, `${paths.model}` from params.yaml) are the paths DVC
 * itself would produce. A broken `dvc.yaml` is the DVC rules' business (MLH301); here it simply
 * tracks nothing.
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
  ) {
    this.outputSet = new Set(outputs);
  }

  static async load(fs: FileSystem, files: string[]): Promise<DvcTracking> {
    const outputs: string[] = [];
    const params = cachingParamsLoader(fs);
    for (const file of files) {
      const name = basename(file);
      if (name !== 'dvc.yaml' && !name.endsWith('.dvc')) continue;
      if (name === 'dvc.yaml') {
        // DVC's own reading of the file: `${}` interpolation from params and vars, foreach/matrix
        // expanded into their stages, each stage's wdir. An output whose interpolation does not
        // resolve is left out (the DVC rules report it, MLH304).
        const pipeline = await loadDvcYaml(fs, file, params);
        if (!pipeline.parsed) continue;
        for (const stage of pipeline.stages) for (const out of stage.outs) if (!out.path.includes('${')) outputs.push(out.absPath);
      } else {
        const doc = await readDvcFile(fs, file);
        if (!doc) continue;
        const dir = dirname(file);
        const wdir = typeof doc['wdir'] === 'string' ? joinPath(dir, doc['wdir']) : dir;
        for (const p of outputPaths(doc['outs'])) {
          const clean = p.trim().replace(/\/+$/, '');
          if (clean) outputs.push(joinPath(wdir, clean));
        }
      }
    }
    return new DvcTracking(outputs);
  }

  static empty(): DvcTracking {
    return new DvcTracking([]);
  }

  get isEmpty(): boolean {
    return this.outputs.length === 0;
  }

  /** Is the path an output, or inside a directory output? */
  isTracked(path: string): boolean {
    if (this.isEmpty) return false;
    const normal = normalizePath(path);
    // Inside an output means the output is the path itself or one of its ancestors, `/` included.
    for (let p = normal; ; p = parentOf(p)) {
      if (this.outputSet.has(p)) return true;
      if (p === '/') return false;
    }
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

/** A `.dvc` file's YAML; undefined when it cannot be read or is not a mapping (tracking nothing). */
async function readDvcFile(fs: FileSystem, file: string): Promise<Record<string, unknown> | undefined> {
  const read = await readTextFile(fs, file, 4 * 1024 * 1024);
  if (!read.ok) return undefined;
  try {
    const doc: unknown = parseYaml(read.text);
    return isRecord(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
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
