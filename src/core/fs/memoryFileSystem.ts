import type { DirEntry, FileStat, FileSystem } from './fileSystem';
import { basename, dirname, joinPath, normalizePath } from './paths';

type Node =
  | { kind: 'file'; data: Uint8Array; mtimeMs: number; ino: number }
  | { kind: 'directory'; ino: number; mtimeMs: number }
  | { kind: 'symlink'; target: string; ino: number; mtimeMs: number };

const MAX_LINK_HOPS = 40;

/** An in-memory tree for tests. Supports symlinks (including loops) so robustness can be tested. */
export class MemoryFileSystem implements FileSystem {
  private nodes = new Map<string, Node>([['/', { kind: 'directory', ino: 1, mtimeMs: 0 }]]);
  private nextIno = 2;
  private clock = 1_700_000_000_000;

  constructor(files: Record<string, string | Uint8Array> = {}, root = '/') {
    for (const [p, content] of Object.entries(files)) this.writeFile(joinPath(root, p), content);
  }

  writeFile(path: string, content: string | Uint8Array): void {
    const p = normalizePath(path);
    this.mkdirp(dirname(p));
    const data = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const prev = this.nodes.get(p);
    this.nodes.set(p, { kind: 'file', data, mtimeMs: ++this.clock, ino: prev?.ino ?? this.nextIno++ });
  }

  symlink(path: string, target: string): void {
    const p = normalizePath(path);
    this.mkdirp(dirname(p));
    this.nodes.set(p, { kind: 'symlink', target, ino: this.nextIno++, mtimeMs: ++this.clock });
  }

  delete(path: string): void {
    const p = normalizePath(path);
    for (const key of [...this.nodes.keys()]) if (key === p || key.startsWith(p + '/')) this.nodes.delete(key);
  }

  mkdirp(path: string): void {
    const p = normalizePath(path);
    if (p === '/') return;
    this.mkdirp(dirname(p));
    if (!this.nodes.has(p)) this.nodes.set(p, { kind: 'directory', ino: this.nextIno++, mtimeMs: ++this.clock });
  }

  private resolve(path: string, followLast: boolean, hops = 0): { path: string; node: Node } | undefined {
    if (hops > MAX_LINK_HOPS) throw Object.assign(new Error(`ELOOP: too many symbolic links: ${path}`), { code: 'ELOOP' });
    const parts = normalizePath(path).split('/').filter(Boolean);
    let cur = '/';
    for (let i = 0; i < parts.length; i++) {
      const next = cur === '/' ? '/' + parts[i] : cur + '/' + parts[i];
      const node = this.nodes.get(next);
      if (!node) return undefined;
      const last = i === parts.length - 1;
      if (node.kind === 'symlink' && (!last || followLast)) {
        const target = node.target.startsWith('/') ? node.target : joinPath(dirname(next), node.target);
        const rest = parts.slice(i + 1).join('/');
        return this.resolve(rest ? joinPath(target, rest) : target, followLast, hops + 1);
      }
      cur = next;
    }
    const node = this.nodes.get(cur);
    return node ? { path: cur, node } : undefined;
  }

  private toStat(node: Node): FileStat {
    return {
      kind: node.kind,
      size: node.kind === 'file' ? node.data.length : 0,
      mtimeMs: node.mtimeMs,
      ino: node.ino,
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    const r = this.resolve(path, true);
    if (!r || r.node.kind !== 'file') throw Object.assign(new Error(`ENOENT: no such file: ${path}`), { code: 'ENOENT' });
    return r.node.data;
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const r = this.resolve(path, true);
      return r ? this.toStat(r.node) : undefined;
    } catch {
      return undefined;
    }
  }

  async lstat(path: string): Promise<FileStat | undefined> {
    const r = this.resolve(path, false);
    return r ? this.toStat(r.node) : undefined;
  }

  async readDirectory(path: string): Promise<DirEntry[]> {
    const r = this.resolve(path, true);
    if (!r || r.node.kind !== 'directory') throw Object.assign(new Error(`ENOTDIR: ${path}`), { code: 'ENOTDIR' });
    const prefix = r.path === '/' ? '/' : r.path + '/';
    const out: DirEntry[] = [];
    for (const [key, node] of this.nodes) {
      if (key !== r.path && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) {
        out.push({ name: basename(key), kind: node.kind });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async realPath(path: string): Promise<string> {
    const r = this.resolve(path, true);
    if (!r) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return r.path;
  }
}
