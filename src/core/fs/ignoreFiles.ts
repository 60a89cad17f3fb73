import type { FileSystem } from './fileSystem';
import { readTextFile } from './fileSystem';
import { dirname, isInside, joinPath, relativePath } from './paths';

/**
 * Ignore files with gitignore semantics, shared by `.dvcignore` (DVC matches with pathspec's
 * GitWildMatchPattern) and `.gitignore`. Written here rather than with picomatch because gitignore
 * rules differ from globs in ways that decide what is ignored: unanchored patterns match at any
 * depth, a trailing "/" means directories only, "!" re-includes, the last matching line wins, and
 * nothing below an ignored directory can be re-included.
 */
export interface IgnoreRule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

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

export function compileIgnoreFile(text: string): IgnoreRule[] {
  return text.split('\n').map(compileIgnoreLine).filter((r): r is IgnoreRule => r !== undefined);
}

interface IgnoreFileRules {
  baseDir: string;
  rules: IgnoreRule[];
}

export interface LayeredIgnoreOptions {
  /** `.dvcignore` or `.gitignore`: read in every directory from `root` down, lazily. */
  fileName: string;
  root: string;
  /** Rules of lowest precedence, applied first (git's `.git/info/exclude`), relative to `root`. */
  baseRules?: IgnoreRule[];
  /** Directory names always ignored whatever the files say. */
  alwaysIgnoredDirs?: ReadonlySet<string>;
}

/** The ignore files that apply under a root, loaded lazily per directory and cached. */
export class LayeredIgnoreFiles {
  private readonly loaded = new Map<string, IgnoreFileRules | null>();

  constructor(
    private readonly fs: FileSystem,
    private readonly options: LayeredIgnoreOptions,
  ) {}

  get root(): string {
    return this.options.root;
  }

  private async rulesIn(dir: string): Promise<IgnoreFileRules | null> {
    if (this.loaded.has(dir)) return this.loaded.get(dir)!;
    const file = await readTextFile(this.fs, joinPath(dir, this.options.fileName), 1024 * 1024);
    const rules = file.ok ? compileIgnoreFile(file.text) : [];
    const value = rules.length ? { baseDir: dir, rules } : null;
    this.loaded.set(dir, value);
    return value;
  }

  /** Base rules first, then the files from the root down to `dir`: later (deeper) lines win. */
  private async chain(dir: string): Promise<IgnoreFileRules[]> {
    const root = this.options.root;
    if (!isInside(root, dir)) return [];
    const dirs: string[] = [];
    for (let d = dir; ; d = dirname(d)) {
      dirs.unshift(d);
      if (d === root || d === '/') break;
    }
    const out: IgnoreFileRules[] = this.options.baseRules?.length ? [{ baseDir: root, rules: this.options.baseRules }] : [];
    for (const d of dirs) {
      const r = await this.rulesIn(d);
      if (r) out.push(r);
    }
    return out;
  }

  /** Is `name` inside `parentDir` ignored? Parents are assumed not ignored (walks prune them). */
  async isIgnored(parentDir: string, name: string, isDir: boolean): Promise<boolean> {
    if (isDir && this.options.alwaysIgnoredDirs?.has(name)) return true;
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

  /** Is the path, or any directory between the root and it, ignored? */
  async isPathIgnored(path: string, isDir: boolean): Promise<boolean> {
    const root = this.options.root;
    if (!isInside(root, path) || path === root) return false;
    const rel = relativePath(root, path).split('/');
    let cur = root;
    for (let i = 0; i < rel.length; i++) {
      const last = i === rel.length - 1;
      if (await this.isIgnored(cur, rel[i]!, last ? isDir : true)) return true;
      cur = joinPath(cur, rel[i]!);
    }
    return false;
  }
}
