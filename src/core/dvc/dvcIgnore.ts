import type { FileSystem } from '../fs/fileSystem';
import { readTextFile } from '../fs/fileSystem';
import { dirname, isInside, joinPath, relativePath } from '../fs/paths';

/**
 * `.dvcignore` matching with gitignore semantics (DVC uses pathspec's GitWildMatchPattern). Written
 * here rather than with picomatch because gitignore rules differ from globs in ways that change which
 * files a directory hash lists: unanchored patterns match at any depth, a trailing "/" means
 * directories only, "!" re-includes, and the last matching line wins.
 */
interface IgnoreRule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

/** DVC never walks into these directories (its DvcIgnoreDirs default). */
export const ALWAYS_IGNORED_DIRS = new Set(['.git', '.hg', '.dvc']);

export function compileIgnoreLine(rawLine: string): IgnoreRule | undefined {
  let line = rawLine.replace(/\r$/, '');
  if (line.trim() === '' || line.startsWith('#')) return undefined;
  // Trailing spaces are dropped unless escaped with a backslash.
  line = line.replace(/(?<!\\)\s+$/, '');
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
  let dirOnly = false;
  if (line.endsWith('/')) {
    dirOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  let re = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '*') {
      if (line[i + 1] === '*') {
        const atStart = i === 0 || line[i - 1] === '/';
        const atEnd = i + 2 === line.length || line[i + 2] === '/';
        if (atStart && atEnd) {
          if (i + 2 === line.length) re += '.*';
          else {
            re += '(?:.*/)?';
            i++; // skip the slash after **
          }
          i++;
          continue;
        }
      }
      re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = line.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = line.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else if (ch === '\\' && i + 1 < line.length) {
      re += escapeRegex(line[++i]!);
    } else re += escapeRegex(ch);
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return { regex: new RegExp(prefix + re + '$'), negate, dirOnly };
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? '\\' + ch : ch;
}

interface IgnoreFileRules {
  baseDir: string;
  rules: IgnoreRule[];
}

/** The `.dvcignore` files that apply under a workspace, loaded lazily per directory. */
export class DvcIgnore {
  private readonly loaded = new Map<string, IgnoreFileRules | null>();

  constructor(
    private readonly fs: FileSystem,
    readonly workspaceRoot: string,
  ) {}

  private async rulesIn(dir: string): Promise<IgnoreFileRules | null> {
    if (this.loaded.has(dir)) return this.loaded.get(dir)!;
    const file = await readTextFile(this.fs, joinPath(dir, '.dvcignore'), 1024 * 1024);
    const rules = file.ok ? file.text.split('\n').map(compileIgnoreLine).filter((r): r is IgnoreRule => !!r) : [];
    const value = rules.length ? { baseDir: dir, rules } : null;
    this.loaded.set(dir, value);
    return value;
  }

  /** Ignore files from the workspace root down to `dir`, outermost first. */
  private async chain(dir: string): Promise<IgnoreFileRules[]> {
    const dirs: string[] = [];
    if (!isInside(this.workspaceRoot, dir)) return [];
    for (let d = dir; ; d = dirname(d)) {
      dirs.unshift(d);
      if (d === this.workspaceRoot || d === '/') break;
    }
    const out: IgnoreFileRules[] = [];
    for (const d of dirs) {
      const r = await this.rulesIn(d);
      if (r) out.push(r);
    }
    return out;
  }

  /** Is `name` inside `parentDir` ignored? Parents are assumed not ignored (walks prune them). */
  async isIgnored(parentDir: string, name: string, isDir: boolean): Promise<boolean> {
    if (isDir && ALWAYS_IGNORED_DIRS.has(name)) return true;
    let ignored = false;
    const full = joinPath(parentDir, name);
    for (const file of await this.chain(parentDir)) {
      const rel = relativePath(file.baseDir, full);
      for (const rule of file.rules) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(rel)) ignored = !rule.negate;
      }
    }
    return ignored;
  }

  /** Is the path, or any directory between the workspace root and it, ignored? */
  async isPathIgnored(path: string, isDir: boolean): Promise<boolean> {
    if (!isInside(this.workspaceRoot, path) || path === this.workspaceRoot) return false;
    const rel = relativePath(this.workspaceRoot, path).split('/');
    let cur = this.workspaceRoot;
    for (let i = 0; i < rel.length; i++) {
      const last = i === rel.length - 1;
      if (await this.isIgnored(cur, rel[i]!, last ? isDir : true)) return true;
      cur = joinPath(cur, rel[i]!);
    }
    return false;
  }
}
