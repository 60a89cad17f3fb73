import { compileIgnoreLine } from '../../dvc/dvcIgnore';
import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { dirname, isInside, joinPath, relativePath } from '../../fs/paths';

type IgnoreRule = NonNullable<ReturnType<typeof compileIgnoreLine>>;

interface IgnoreFileRules {
  baseDir: string;
  rules: IgnoreRule[];
}

/**
 * Answers "would git ignore this path?" offline, from the `.gitignore` files between the repository
 * root and the path plus `.git/info/exclude`.
 *
 * The line syntax is the one `.dvcignore` already uses (DVC matches with pathspec's gitwildmatch), so
 * the compiled lines come from dvc/dvcIgnore.ts rather than a second implementation. picomatch was
 * not used: its globs lack gitignore's layering (unanchored patterns matching at any depth, "/"-only
 * directory patterns, "!" re-includes where the last match wins, and no re-including below an
 * ignored directory), which is exactly what decides whether `data/raw.csv` is ignored.
 *
 * Not read: the user's global excludes file (`core.excludesFile`), which lives outside the project;
 * a file ignored only there is ignored on one machine, not for the team, so reporting it is right.
 */
export class GitIgnore {
  private readonly loaded = new Map<string, IgnoreFileRules | null>();

  private constructor(
    private readonly fs: FileSystem,
    /** The repository root (the folder holding `.git`), or the workspace root outside a repository. */
    readonly root: string,
    private readonly infoExclude: IgnoreFileRules | null,
  ) {}

  /** Finds the repository root above `startDir` (a `.git` folder or worktree file), else uses `fallbackRoot`. */
  static async load(fs: FileSystem, startDir: string, fallbackRoot: string): Promise<GitIgnore> {
    let root = fallbackRoot;
    for (let dir = startDir; ; dir = dirname(dir)) {
      if (await fs.stat(joinPath(dir, '.git')).catch(() => undefined)) {
        root = dir;
        break;
      }
      if (dir === '/') break;
    }
    const exclude = await readTextFile(fs, joinPath(root, '.git', 'info', 'exclude'), 1024 * 1024);
    const rules = exclude.ok ? compileLines(exclude.text) : [];
    return new GitIgnore(fs, root, rules.length ? { baseDir: root, rules } : null);
  }

  private async rulesIn(dir: string): Promise<IgnoreFileRules | null> {
    if (this.loaded.has(dir)) return this.loaded.get(dir)!;
    const file = await readTextFile(this.fs, joinPath(dir, '.gitignore'), 1024 * 1024);
    const rules = file.ok ? compileLines(file.text) : [];
    const value = rules.length ? { baseDir: dir, rules } : null;
    this.loaded.set(dir, value);
    return value;
  }

  /** `.git/info/exclude` first (lowest precedence), then `.gitignore` files from the root down to `dir`. */
  private async chain(dir: string): Promise<IgnoreFileRules[]> {
    const dirs: string[] = [];
    for (let d = dir; ; d = dirname(d)) {
      dirs.unshift(d);
      if (d === this.root || d === '/') break;
    }
    const out: IgnoreFileRules[] = this.infoExclude ? [this.infoExclude] : [];
    for (const d of dirs) {
      const r = await this.rulesIn(d);
      if (r) out.push(r);
    }
    return out;
  }

  private async matchesIn(parentDir: string, name: string, isDir: boolean): Promise<boolean> {
    let ignored = false;
    const full = joinPath(parentDir, name);
    // Within one file and across files the last matching line wins; deeper files come later.
    for (const file of await this.chain(parentDir)) {
      const rel = relativePath(file.baseDir, full);
      for (const rule of file.rules) {
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(rel)) ignored = !rule.negate;
      }
    }
    return ignored;
  }

  /**
   * Is `path` ignored? Git does not descend into an ignored directory, so a file below one stays
   * ignored whatever a deeper `!pattern` says: every ancestor is checked first.
   */
  async isIgnored(path: string, isDir = false): Promise<boolean> {
    if (!isInside(this.root, path) || path === this.root) return false;
    const parts = relativePath(this.root, path).split('/');
    let dir = this.root;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      if (await this.matchesIn(dir, parts[i]!, last ? isDir : true)) return true;
      dir = joinPath(dir, parts[i]!);
    }
    return false;
  }
}

function compileLines(text: string): IgnoreRule[] {
  return text.split('\n').map(compileIgnoreLine).filter((r): r is IgnoreRule => r !== undefined);
}
