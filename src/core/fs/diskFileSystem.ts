import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import type { DirEntry, FileKind, FileStat, FileSystem } from './fileSystem';

/**
 * The disk implementation, shared by the CLI and the server. It is the only core file that imports
 * node:fs; everything else receives a FileSystem.
 */
function kindOf(s: Stats): FileKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  return 'other';
}

function toNative(p: string): string {
  // "/C:/x" (our posix form of a Windows path) back to "C:/x".
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

function toStat(s: Stats): FileStat {
  return { kind: kindOf(s), size: s.size, mtimeMs: s.mtimeMs, ino: Number(s.ino) };
}

export class DiskFileSystem implements FileSystem {
  async readFile(path: string): Promise<Uint8Array> {
    return fsp.readFile(toNative(path));
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      return toStat(await fsp.stat(toNative(path)));
    } catch {
      return undefined;
    }
  }

  async lstat(path: string): Promise<FileStat | undefined> {
    try {
      return toStat(await fsp.lstat(toNative(path)));
    } catch {
      return undefined;
    }
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    const entries = await fsp.readdir(toNative(path), { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      kind: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
    }));
  }

  /** Streams a file in chunks so hashing a multi-GB data file never holds it in memory. */
  async *readFileChunks(path: string, chunkSize: number): AsyncIterable<Uint8Array> {
    const stream = createReadStream(toNative(path), { highWaterMark: chunkSize });
    for await (const chunk of stream) yield chunk as Uint8Array;
  }

  async realPath(path: string): Promise<string> {
    return (await fsp.realpath(toNative(path))).replace(/\\/g, '/');
  }
}
