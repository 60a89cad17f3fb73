import type { FileStat } from '../fs/fileSystem';
import type { HashAlgorithm } from './hashing';

/**
 * File hashes keyed by (path, inode, mtime, size, algorithm), like DVC's own state database: a file
 * whose stat is unchanged is never read again. The cache is plain data so the adapters can persist it
 * (extension globalStorage, or a user cache dir for the CLI); it never lives in the repository.
 */
export interface HashCacheEntry {
  ino: number;
  mtimeMs: number;
  size: number;
  algorithm: HashAlgorithm;
  md5: string;
}

export interface HashCacheJson {
  version: 1;
  entries: Record<string, HashCacheEntry[]>;
}

export class HashCache {
  private readonly entries = new Map<string, HashCacheEntry[]>();
  private dirty = false;

  constructor(private readonly maxEntries = 200_000) {}

  get(path: string, stat: FileStat, algorithm: HashAlgorithm): string | undefined {
    const list = this.entries.get(path);
    return list?.find((e) => e.algorithm === algorithm && e.ino === stat.ino && e.mtimeMs === stat.mtimeMs && e.size === stat.size)?.md5;
  }

  set(path: string, stat: FileStat, algorithm: HashAlgorithm, md5: string): void {
    // One entry per algorithm per path: a changed file replaces its stale hash.
    const list = (this.entries.get(path) ?? []).filter((e) => e.algorithm !== algorithm);
    list.push({ ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, algorithm, md5 });
    this.entries.delete(path); // re-insert to keep Map order ≈ recency for eviction
    this.entries.set(path, list);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.dirty = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when something changed since the last `toJSON()`; adapters save only then. */
  get isDirty(): boolean {
    return this.dirty;
  }

  toJSON(): HashCacheJson {
    this.dirty = false;
    return { version: 1, entries: Object.fromEntries(this.entries) };
  }

  static fromJSON(json: unknown): HashCache {
    const cache = new HashCache();
    const data = json as Partial<HashCacheJson> | null;
    if (!data || data.version !== 1 || typeof data.entries !== 'object' || data.entries === null) return cache;
    for (const [path, list] of Object.entries(data.entries)) {
      if (!Array.isArray(list)) continue;
      const valid = list.filter(
        (e) =>
          e && typeof e.md5 === 'string' && typeof e.ino === 'number' && typeof e.mtimeMs === 'number' && typeof e.size === 'number' && (e.algorithm === 'md5' || e.algorithm === 'md5-dos2unix'),
      );
      if (valid.length) cache.entries.set(path, valid);
    }
    return cache;
  }
}
