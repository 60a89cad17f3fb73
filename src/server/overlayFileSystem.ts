import type { DirEntry, FileStat, FileSystem } from '../core/fs/fileSystem';

/**
 * The disk as the engine should see it from an editor: open documents win over their saved
 * content, so diagnostics follow what the user is typing.
 */
export class OverlayFileSystem implements FileSystem {
  private readonly overlays = new Map<string, { text: string; bytes: Uint8Array; version: number }>();
  private readonly encoder = new TextEncoder();

  constructor(private readonly base: FileSystem) {}

  setOverlay(path: string, text: string, version: number): void {
    this.overlays.set(path, { text, bytes: this.encoder.encode(text), version });
  }

  clearOverlay(path: string): void {
    this.overlays.delete(path);
  }

  hasOverlay(path: string): boolean {
    return this.overlays.has(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return this.overlays.get(path)?.bytes ?? this.base.readFile(path);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const o = this.overlays.get(path);
    const st = await this.base.stat(path);
    if (!o) return st;
    // mtime changes with the version so caches keyed on stat see edits.
    return { kind: 'file', size: o.bytes.length, mtimeMs: (st?.mtimeMs ?? 0) + o.version, ino: st?.ino ?? 0 };
  }

  lstat(path: string): Promise<FileStat | undefined> {
    return this.overlays.has(path) ? this.stat(path) : this.base.lstat(path);
  }

  async *readFileChunks(path: string, chunkSize: number): AsyncIterable<Uint8Array> {
    const o = this.overlays.get(path);
    const base = this.base as FileSystem & { readFileChunks?(p: string, n: number): AsyncIterable<Uint8Array> };
    if (!o && base.readFileChunks) {
      yield* base.readFileChunks(path, chunkSize);
      return;
    }
    const data = o?.bytes ?? (await this.base.readFile(path));
    for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
  }

  readDirectory(path: string): Promise<DirEntry[]> {
    return this.base.readDirectory(path);
  }

  realPath(path: string): Promise<string> {
    return this.base.realPath(path);
  }
}
