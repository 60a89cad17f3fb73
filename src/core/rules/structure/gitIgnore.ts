import type { FileSystem } from '../../fs/fileSystem';
import { readTextFile } from '../../fs/fileSystem';
import { compileIgnoreFile, LayeredIgnoreFiles } from '../../fs/ignoreFiles';
import { dirname, joinPath } from '../../fs/paths';

/**
 * Answers "would git ignore this path?" offline, from the `.gitignore` files between the repository
 * root and the path plus `.git/info/exclude`. The matching is the one `.dvcignore` uses
 * (fs/ignoreFiles.ts); git adds only where the rules come from.
 *
 * Not read: the user's global excludes file (`core.excludesFile`), which lives outside the project;
 * a file ignored only there is ignored on one machine, not for the team, so reporting it is right.
 */
export class GitIgnore {
  private constructor(private readonly files: LayeredIgnoreFiles) {}

  /** The repository root (the folder holding `.git`), or the workspace root outside a repository. */
  get root(): string {
    return this.files.root;
  }

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
    const baseRules = exclude.ok ? compileIgnoreFile(exclude.text) : [];
    return new GitIgnore(new LayeredIgnoreFiles(fs, { fileName: '.gitignore', root, baseRules }));
  }

  /**
   * Is `path` ignored? Git does not descend into an ignored directory, so a file below one stays
   * ignored whatever a deeper `!pattern` says: every ancestor is checked first.
   */
  isIgnored(path: string, isDir = false): Promise<boolean> {
    return this.files.isPathIgnored(path, isDir);
  }
}
