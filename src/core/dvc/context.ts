import type { FileSystem } from '../fs/fileSystem';
import { dirname, joinPath, normalizePath, relativePath } from '../fs/paths';
import { readDvcLock, type DvcLockFile } from './dvcLock';
import { cachingParamsLoader, loadDvcYaml, type DvcYamlFile, type ParamsLoader } from './dvcYaml';
import { buildStageGraph, type StageGraph } from './graph';
import type { HashCache } from './hashCache';
import { DvcHasher, type FileDigester, type HashProgress } from './hashing';
import { computePipelineStatus, type PipelineStatus } from './status';

/** Everything the MLH3xx rules and the pipeline tree read about one dvc.yaml. */
export interface DvcContext {
  fs: FileSystem;
  workspaceRoot: string;
  dvcYamlPath: string;
  /** dvc.yaml relative to the workspace root, posix ("dvc.yaml", "pipelines/a/dvc.yaml"). */
  dvcfile: string;
  file: DvcYamlFile;
  lock?: DvcLockFile;
  graph: StageGraph;
  status: PipelineStatus;
  params: ParamsLoader;
  hasher: DvcHasher;
}

export interface CreateDvcContextOptions {
  /** Defaults to the directory of dvc.yaml. Nothing outside it is read unless allowed. */
  workspaceRoot?: string;
  hashCache?: HashCache;
  signal?: AbortSignal;
  onProgress?: (p: HashProgress) => void;
  allowOutsideWorkspace?: boolean;
  /** Hashes file contents off the calling thread (an adapter's worker pool); in-process by default. */
  digester?: FileDigester;
}

export async function createDvcContext(fs: FileSystem, dvcYamlPath: string, options: CreateDvcContextOptions = {}): Promise<DvcContext> {
  const path = normalizePath(dvcYamlPath);
  const workspaceRoot = normalizePath(options.workspaceRoot ?? dirname(path));
  const params = cachingParamsLoader(fs);
  const file = await loadDvcYaml(fs, path, params);
  const lock = await readDvcLock(fs, joinPath(dirname(path), 'dvc.lock'));
  const graph = buildStageGraph(file.stages);
  const hasher = new DvcHasher(fs, {
    workspaceRoot,
    ...(options.hashCache ? { cache: options.hashCache } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.allowOutsideWorkspace ? { allowOutsideWorkspace: true } : {}),
    ...(options.digester ? { digester: options.digester } : {}),
  });
  const status = await computePipelineStatus(fs, file, lock, { workspaceRoot, hasher, paramsLoader: params, graph });
  return { fs, workspaceRoot, dvcYamlPath: path, dvcfile: relativePath(workspaceRoot, path), file, ...(lock ? { lock } : {}), graph, status, params, hasher };
}
