import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HashCache } from '../core/dvc/hashCache';

/**
 * Where the CLI keeps DVC hashes between runs: the user's cache folder, never the repository
 * (a cache file in the repo would show up in `git status` and in DVC's own view of the data).
 */
export function userCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return path.join(process.env.XDG_CACHE_HOME, 'ml-hygiene');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'ml-hygiene');
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? os.homedir(), 'ml-hygiene', 'Cache');
  return path.join(os.homedir(), '.cache', 'ml-hygiene');
}

export function hashCacheFile(dir: string, workspaceRoot: string): string {
  const key = createHash('sha1').update(workspaceRoot).digest('hex').slice(0, 16);
  return path.join(dir, `dvc-hashes-${key}.json`);
}

export function loadHashCache(file: string): HashCache {
  try {
    return HashCache.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return new HashCache(); // missing or corrupt: start cold, never fail the check
  }
}

export function saveHashCache(file: string, cache: HashCache): void {
  if (!cache.isDirty) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated cache behind.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache.toJSON()));
    renameSync(tmp, file);
  } catch {
    // A read-only home folder only costs speed.
  }
}
