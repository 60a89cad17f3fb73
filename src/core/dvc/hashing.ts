import { createHash } from 'node:crypto';
import type { FileStat, FileSystem } from '../fs/fileSystem';
import { isInside, joinPath, normalizePath, relativePath } from '../fs/paths';
import { DvcIgnore } from './dvcIgnore';
import type { HashCache } from './hashCache';
import { compareCodePoints, pythonJsonDumps } from '../python/pythonJson';
import { WorkCancelledError } from '../progress';

/**
 * DVC-compatible hashing (dvc-data `hashfile/hash.py` and `tree.py`):
 * - `md5`: md5 of the raw bytes (DVC 3 entries carry `hash: md5`);
 * - `md5-dos2unix`: DVC 2.x, for lock entries without `hash:`. The file is read in 1 MiB chunks and
 *   each chunk whose first 512 bytes look like text has CRLF turned into LF before hashing. The
 *   chunking is part of the result (a CRLF split across a boundary stays), so chunks are exact.
 * - a directory: md5 of Python's `json.dumps(sorted entries, sort_keys=True)` + ".dir", entries
 *   `{"md5", "relpath"}` for files only, sorted by relpath code points, `.dvcignore` respected.
 */
export type HashAlgorithm = 'md5' | 'md5-dos2unix';

export const HASH_CHUNK_SIZE = 1 << 20;
const TEXT_PROBE_SIZE = 512;

/** A FileSystem that can stream; the core's interface does not have this (yet), so it is optional. */
export interface ChunkedFileSystem extends FileSystem {
  readFileChunks?(path: string, chunkSize: number): AsyncIterable<Uint8Array>;
}

/** Files up to one hash chunk are read whole (one open/read/close); larger ones are streamed. */
const SMALL_FILE_BYTES = HASH_CHUNK_SIZE;
/**
 * Files stat'ed and hashed at once in a directory. In-process this hides I/O round trips; with a
 * worker digester it also keeps a few jobs queued per worker, so no worker waits on this thread.
 */
const HASH_CONCURRENCY = 16;

function* splitIntoChunks(data: Uint8Array, chunkSize: number): Generator<Uint8Array> {
  if (data.length === 0) return;
  for (let off = 0; off < data.length; off += chunkSize) yield data.subarray(off, Math.min(off + chunkSize, data.length));
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A cancellation like any other (WorkCancelledError), raised while hashing. */
export class HashAbortedError extends WorkCancelledError {
  constructor() {
    super();
    this.message = 'hashing was cancelled';
    this.name = 'AbortError';
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HashAbortedError();
}

/**
 * Yields the file in chunks of exactly `chunkSize` bytes (the last may be shorter), streaming when
 * the FileSystem can and falling back to one `readFile` otherwise.
 */
export async function* readFileInChunks(fs: FileSystem, path: string, chunkSize: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const streaming = (fs as ChunkedFileSystem).readFileChunks;
  if (!streaming) {
    const data = await fs.readFile(path);
    for (let off = 0; off < data.length; off += chunkSize) {
      throwIfAborted(signal);
      yield data.subarray(off, Math.min(off + chunkSize, data.length));
    }
    return;
  }
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for await (const piece of streaming.call(fs, path, chunkSize)) {
    throwIfAborted(signal);
    pending.push(piece);
    pendingBytes += piece.length;
    while (pendingBytes >= chunkSize) {
      const joined = concat(pending, pendingBytes);
      yield joined.subarray(0, chunkSize);
      const rest = joined.subarray(chunkSize);
      pending = rest.length ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes) yield concat(pending, pendingBytes);
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** dvc-data's istextblock: empty is text, NUL is binary, else at most 30% bytes outside printable ASCII + \n\r\t\f\b. */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nonText = 0;
  for (let i = 0; i < block.length; i++) {
    const b = block[i]!;
    if (b === 0) return false;
    const text = (b >= 32 && b <= 126) || b === 10 || b === 13 || b === 9 || b === 12 || b === 8;
    if (!text) nonText++;
  }
  return nonText / block.length <= 0.3;
}

export function dos2unix(chunk: Uint8Array): Uint8Array {
  let crlf = 0;
  for (let i = 0; i + 1 < chunk.length; i++) if (chunk[i] === 13 && chunk[i + 1] === 10) crlf++;
  if (!crlf) return chunk;
  const out = new Uint8Array(chunk.length - crlf);
  let o = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 13 && chunk[i + 1] === 10) continue;
    out[o++] = chunk[i]!;
  }
  return out;
}

/**
 * The md5 of a file fed to it in order, in chunks of exactly HASH_CHUNK_SIZE bytes (the last may be
 * shorter). For `md5-dos2unix` each chunk is probed and converted on its own, as dvc-data does, so
 * the chunking is part of the result. In-process hashing and the worker adapter both use this one
 * class, so the two paths cannot drift apart.
 */
export class ChunkedDigest {
  private readonly hash = createHash('md5');

  constructor(private readonly algorithm: HashAlgorithm) {}

  update(chunk: Uint8Array): void {
    this.hash.update(this.algorithm === 'md5-dos2unix' && isTextBlock(chunk.subarray(0, TEXT_PROBE_SIZE)) ? dos2unix(chunk) : chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** What a FileDigester computed: the hash and how many bytes it read. */
export interface DigestResult {
  md5: string;
  bytes: number;
}

/**
 * Hashes a file somewhere other than the calling thread, e.g. a pool of worker threads reading the
 * disk. The core never starts threads nor touches node:fs, so an adapter injects this for a disk
 * workspace; without one, files are read through the FileSystem and hashed here.
 */
export interface FileDigester {
  /**
   * The hash DvcHasher would compute for the file's bytes under `algorithm`. Resolves undefined when
   * this digester does not serve the path (its content is not what is on disk, e.g. an unsaved
   * editor buffer overlays it): the hasher then reads it through its FileSystem, as it does when
   * this rejects. `onBytes` reports bytes hashed so far for files larger than one chunk.
   */
  digest(path: string, algorithm: HashAlgorithm, options: { signal?: AbortSignal; onBytes?: (bytesHashed: number) => void }): Promise<DigestResult | undefined>;
}

export function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

export interface DirEntryHash {
  relpath: string;
  md5: string;
}

/** The directory hash from its file entries, exactly as dvc-data's Tree.digest(). */
export function directoryHashFromEntries(entries: DirEntryHash[]): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.relpath, b.relpath));
  const json = pythonJsonDumps(
    sorted.map((e) => ({ md5: e.md5, relpath: e.relpath })),
    { sortKeys: true },
  );
  return md5Hex(json) + '.dir';
}

export interface HashProgress {
  path: string;
  bytesHashed: number;
  /** Total bytes to hash for the current path when known (a file's size). */
  totalBytes?: number;
}

export interface HasherOptions {
  workspaceRoot: string;
  cache?: HashCache;
  signal?: AbortSignal;
  onProgress?: (p: HashProgress) => void;
  /** Hash paths outside the workspace root too. Off by default: such deps are reported, never read. */
  allowOutsideWorkspace?: boolean;
  ignore?: DvcIgnore;
  /** Where file contents are hashed; by default here, reading through the FileSystem. */
  digester?: FileDigester;
}

export type HashOutcome =
  | { kind: 'file'; md5: string; size: number }
  | { kind: 'directory'; md5: string; size: number; nfiles: number }
  | { kind: 'missing' }
  | { kind: 'outside-workspace' }
  | { kind: 'error'; message: string };

export interface HasherStats {
  filesRead: number;
  bytesRead: number;
  cacheHits: number;
}

export class DvcHasher {
  readonly stats: HasherStats = { filesRead: 0, bytesRead: 0, cacheHits: 0 };
  readonly ignore: DvcIgnore;
  private readonly root: string;
  private realRoot: string | undefined;
  /** Results within one run, so a path used by several stages is walked once. */
  private readonly memo = new Map<string, Promise<HashOutcome>>();

  constructor(
    private readonly fs: FileSystem,
    private readonly options: HasherOptions,
  ) {
    this.root = normalizePath(options.workspaceRoot);
    this.ignore = options.ignore ?? new DvcIgnore(fs, this.root);
  }

  private async isOutside(path: string): Promise<boolean> {
    if (this.options.allowOutsideWorkspace) return false;
    if (!isInside(this.root, path)) return true;
    // A symlink inside the workspace may still point out of it.
    this.realRoot ??= await this.fs.realPath(this.root).catch(() => this.root);
    const real = await this.fs.realPath(path).catch(() => undefined);
    return real !== undefined && !isInside(this.realRoot, real) && !isInside(this.root, real);
  }

  /** Hashes a file or directory the way DVC would; never throws except on cancellation. */
  hashPath(path: string, algorithm: HashAlgorithm): Promise<HashOutcome> {
    const key = `${algorithm}\0${normalizePath(path)}`;
    let p = this.memo.get(key);
    if (!p) {
      p = this.computeOutcome(normalizePath(path), algorithm);
      this.memo.set(key, p);
    }
    return p;
  }

  /** Like hashPath without reading content: 'missing', 'outside-workspace' or the kind with an empty hash. */
  async existence(path: string): Promise<HashOutcome> {
    const p = normalizePath(path);
    if (await this.isOutside(p)) return { kind: 'outside-workspace' };
    const st = await this.fs.stat(p);
    if (!st) return { kind: 'missing' };
    if (isInside(this.root, p) && (await this.ignore.isPathIgnored(p, st.kind === 'directory'))) return { kind: 'missing' };
    return st.kind === 'directory' ? { kind: 'directory', md5: '', size: 0, nfiles: 0 } : { kind: 'file', md5: '', size: st.size };
  }

  private async computeOutcome(path: string, algorithm: HashAlgorithm): Promise<HashOutcome> {
    throwIfAborted(this.options.signal);
    if (await this.isOutside(path)) return { kind: 'outside-workspace' };
    const st = await this.fs.stat(path);
    if (!st) return { kind: 'missing' };
    if (isInside(this.root, path) && (await this.ignore.isPathIgnored(path, st.kind === 'directory'))) return { kind: 'missing' };
    try {
      if (st.kind === 'file') return { kind: 'file', md5: await this.hashFile(path, algorithm, st), size: st.size };
      if (st.kind === 'directory') return { kind: 'directory', ...(await this.hashDirectory(path, algorithm)) };
      return { kind: 'error', message: `${path} is neither a file nor a directory` };
    } catch (e) {
      if (e instanceof HashAbortedError) throw e;
      return { kind: 'error', message: String((e as Error)?.message ?? e) };
    }
  }

  async hashFile(path: string, algorithm: HashAlgorithm, knownStat?: FileStat): Promise<string> {
    const st = knownStat ?? (await this.fs.stat(path));
    if (!st || st.kind !== 'file') throw new Error(`not a file: ${path}`);
    const cached = this.options.cache?.get(path, st, algorithm);
    if (cached) {
      this.stats.cacheHits++;
      return cached;
    }
    const result = (await this.digestElsewhere(path, algorithm, st)) ?? (await this.digestHere(path, algorithm, st));
    this.stats.filesRead++;
    this.stats.bytesRead += result.bytes;
    this.options.cache?.set(path, st, algorithm, result.md5);
    return result.md5;
  }

  /** Through the injected digester, if any; undefined when there is none, it declines or it fails. */
  private async digestElsewhere(path: string, algorithm: HashAlgorithm, st: FileStat): Promise<DigestResult | undefined> {
    const digester = this.options.digester;
    if (!digester) return undefined;
    const { signal, onProgress } = this.options;
    const onBytes = onProgress ? (n: number) => onProgress({ path, bytesHashed: n, totalBytes: st.size }) : undefined;
    let result: DigestResult | undefined;
    try {
      result = await digester.digest(path, algorithm, { ...(signal ? { signal } : {}), ...(onBytes ? { onBytes } : {}) });
    } catch {
      // A failed worker costs speed, never a hash: the file is read here instead, and a real read
      // error (permissions, a vanished file) then surfaces from the FileSystem as it always has.
      result = undefined;
    }
    throwIfAborted(signal);
    if (result) onBytes?.(result.bytes);
    return result;
  }

  private async digestHere(path: string, algorithm: HashAlgorithm, st: FileStat): Promise<DigestResult> {
    const hasher = new ChunkedDigest(algorithm);
    let done = 0;
    // Small files in one read (one open/read/close); large ones streamed so memory stays flat.
    const chunks = st.size <= SMALL_FILE_BYTES ? splitIntoChunks(await this.fs.readFile(path), HASH_CHUNK_SIZE) : readFileInChunks(this.fs, path, HASH_CHUNK_SIZE, this.options.signal);
    for await (const chunk of chunks) {
      throwIfAborted(this.options.signal);
      hasher.update(chunk);
      done += chunk.length;
      this.options.onProgress?.({ path, bytesHashed: done, totalBytes: st.size });
    }
    return { md5: hasher.digest(), bytes: done };
  }

  /**
   * Walks like `os.walk` (which DVC uses): symlinks to files are hashed through the link, symlinks
   * to directories are not entered, so a symlink loop cannot make the walk endless. A visited set of
   * real paths guards against anything else that would revisit a directory.
   */
  async hashDirectory(dir: string, algorithm: HashAlgorithm): Promise<{ md5: string; size: number; nfiles: number }> {
    const files: Array<{ full: string; st?: FileStat }> = [];
    const visited = new Set<string>();
    const walk = async (current: string): Promise<void> => {
      throwIfAborted(this.options.signal);
      const real = await this.fs.realPath(current).catch(() => current);
      if (visited.has(real)) return;
      visited.add(real);
      const children = await this.fs.readDirectory(current);
      for (const child of children) {
        const full = joinPath(current, child.name);
        let kind = child.kind;
        let st: FileStat | undefined;
        if (kind === 'symlink') {
          st = await this.fs.stat(full);
          if (!st || st.kind !== 'file') continue; // dangling, looping or a directory link: os.walk lists no file
          if (await this.isOutside(full)) throw new Error(`${full} links outside the workspace`);
          kind = 'file';
        }
        if (kind === 'directory') {
          if (await this.ignore.isIgnored(current, child.name, true)) continue;
          await walk(full);
        } else if (kind === 'file') {
          if (await this.ignore.isIgnored(current, child.name, false)) continue;
          files.push(st ? { full, st } : { full });
        }
      }
    };
    await walk(dir);
    // Stat and hash several files at once: with 10k small files the time is I/O round trips, not md5.
    const hashed = await mapWithConcurrency(files, HASH_CONCURRENCY, async ({ full, st }) => {
      const stat = st ?? (await this.fs.stat(full));
      if (!stat || stat.kind !== 'file') return undefined;
      return { entry: { relpath: relativePath(dir, full), md5: await this.hashFile(full, algorithm, stat) }, size: stat.size };
    });
    const entries: DirEntryHash[] = [];
    let size = 0;
    for (const h of hashed) {
      if (!h) continue;
      entries.push(h.entry);
      size += h.size;
    }
    return { md5: directoryHashFromEntries(entries), size, nfiles: entries.length };
  }

}
