import { isMap, isScalar, type Node } from 'yaml';
import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import type { Range } from '../text/lineIndex';
import type { HashAlgorithm } from './hashing';
import { isPyDict, type PyDict, type PyValue } from './pyValue';
import { nodeRange, parseYaml, toPy, YamlBudgetError } from './yamlSource';

/**
 * `dvc.lock` (schema '2.0'): per stage the resolved `cmd`, `deps`/`outs` entries with `path`,
 * `md5`, `size`, `nfiles` and, since DVC 3, `hash: md5`. An entry without `hash:` was written by
 * DVC 2.x and is compared with the legacy md5-dos2unix algorithm — one lock file can mix both.
 */
export interface LockOutput {
  path: string;
  md5?: string;
  size?: number;
  nfiles?: number;
  algorithm: HashAlgorithm;
}

export interface LockStage {
  name: string;
  cmd?: string | string[];
  deps: LockOutput[];
  outs: LockOutput[];
  /** `{file: {key: value}}`, keys exactly as dvc.yaml listed them (dotted), or top-level keys for whole-file params. */
  params: Record<string, PyDict>;
  range: Range;
}

export interface DvcLockFile {
  path: string;
  schema?: string;
  stages: Map<string, LockStage>;
  problems: { message: string; range: Range }[];
}

export const MAX_LOCK_FILE_BYTES = 16 * 1024 * 1024;

export async function readDvcLock(fs: FileSystem, path: string): Promise<DvcLockFile | undefined> {
  const file = await readTextFile(fs, path, MAX_LOCK_FILE_BYTES);
  if (!file.ok) {
    if (file.reason === 'missing') return undefined;
    const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { path, stages: new Map(), problems: [{ message: `dvc.lock was not read (${file.reason})`, range: zero }] };
  }
  return parseDvcLock(path, file.text);
}

export function parseDvcLock(path: string, text: string): DvcLockFile {
  const y = parseYaml(text);
  const lock: DvcLockFile = { path, stages: new Map(), problems: [...y.problems] };
  if (!y.doc) return lock;
  const root = y.doc.contents;
  if (!root) return lock;
  if (!isMap(root)) {
    lock.problems.push({ message: 'dvc.lock must be a mapping', range: nodeRange(y.lineIndex, root as Node) });
    return lock;
  }
  let stagesNode: unknown = root;
  const schemaPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'schema');
  if (schemaPair) {
    lock.schema = String(isScalar(schemaPair.value) ? schemaPair.value.value : '');
    stagesNode = root.items.find((p) => isScalar(p.key) && p.key.value === 'stages')?.value;
  }
  if (!isMap(stagesNode)) return lock;
  for (const pair of stagesNode.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    let data: PyValue;
    try {
      data = toPy(pair.value, y.doc);
    } catch (e) {
      lock.problems.push({ message: e instanceof YamlBudgetError ? e.message : String(e), range: e instanceof YamlBudgetError ? e.rangeIn(y.lineIndex, nodeRange(y.lineIndex, pair.key as Node)) : nodeRange(y.lineIndex, pair.key as Node) });
      continue;
    }
    if (!isPyDict(data)) continue;
    const range = nodeRange(y.lineIndex, pair.key as Node);
    const cmd = typeof data.cmd === 'string' ? data.cmd : Array.isArray(data.cmd) ? data.cmd.map(String) : undefined;
    const params: Record<string, PyDict> = {};
    if (isPyDict(data.params)) for (const [file, values] of Object.entries(data.params)) if (isPyDict(values)) params[file] = values;
    lock.stages.set(name, { name, ...(cmd !== undefined ? { cmd } : {}), deps: readEntries(data.deps), outs: readEntries(data.outs), params, range });
  }
  return lock;
}

function readEntries(v: PyValue | undefined): LockOutput[] {
  if (!Array.isArray(v)) return [];
  const out: LockOutput[] = [];
  for (const e of v) {
    if (!isPyDict(e) || typeof e.path !== 'string') continue;
    const entry: LockOutput = { path: e.path, algorithm: e.hash === 'md5' ? 'md5' : 'md5-dos2unix' };
    if (typeof e.md5 === 'string') entry.md5 = e.md5;
    if (typeof e.size === 'number') entry.size = e.size;
    if (typeof e.nfiles === 'number') entry.nfiles = e.nfiles;
    out.push(entry);
  }
  return out;
}
