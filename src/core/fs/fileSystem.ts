/**
 * The one interface through which the core engine touches files. The CLI and the server use the
 * disk implementation (wrapped by an overlay of open editor buffers in the server); tests use the
 * in-memory tree. Paths are absolute and posix-style ("/work/proj/pyproject.toml").
 */
export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  kind: FileKind;
  size: number;
  mtimeMs: number;
  /** Inode (or 0 when the platform has none); part of the hash cache key. */
  ino: number;
}

export interface DirEntry {
  name: string;
  kind: FileKind;
}

export interface FileSystem {
  /** Reads the whole file. Rejects when it is missing or not a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Follows symlinks; undefined when the path does not exist (or the link dangles). */
  stat(path: string): Promise<FileStat | undefined>;
  /** Does not follow symlinks: a link reports kind 'symlink'. */
  lstat(path: string): Promise<FileStat | undefined>;
  /** Entries of a directory; symlinks are reported as such and not followed. */
  readDirectory(path: string): Promise<DirEntry[]>;
  /** Canonical path with symlinks resolved; used to break symlink loops. */
  realPath(path: string): Promise<string>;
}

/** Files larger than this are not parsed; rules report that they were skipped. */
export const MAX_PARSED_FILE_BYTES = 20 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeUtf8(bytes: Uint8Array): string {
  let text = utf8.decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** A NUL byte in the first 8 KiB is how git and most editors tell binary from text. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export type TextReadResult =
  | { ok: true; text: string; size: number }
  | { ok: false; reason: 'missing' | 'binary' | 'too-large' | 'unreadable'; size: number; detail?: string };

/** Reads a text file defensively: never throws, and refuses binary and oversized files. */
export async function readTextFile(fs: FileSystem, path: string, maxBytes = MAX_PARSED_FILE_BYTES): Promise<TextReadResult> {
  const st = await fs.stat(path).catch(() => undefined);
  if (!st || st.kind !== 'file') return { ok: false, reason: 'missing', size: 0 };
  if (st.size > maxBytes) return { ok: false, reason: 'too-large', size: st.size };
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    return { ok: false, reason: 'unreadable', size: st.size, detail: String((e as Error)?.message ?? e) };
  }
  if (bytes.length > maxBytes) return { ok: false, reason: 'too-large', size: bytes.length };
  if (looksBinary(bytes)) return { ok: false, reason: 'binary', size: bytes.length };
  return { ok: true, text: decodeUtf8(bytes), size: bytes.length };
}
