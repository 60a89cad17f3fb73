import type { FileSystem } from '../fs/fileSystem';
import { LayeredIgnoreFiles } from '../fs/ignoreFiles';

/** DVC never walks into these directories (its DvcIgnoreDirs default). */
export const ALWAYS_IGNORED_DIRS = new Set(['.git', '.hg', '.dvc']);

/** The `.dvcignore` files that apply under a workspace (gitignore semantics, as DVC's pathspec). */
export class DvcIgnore extends LayeredIgnoreFiles {
  constructor(fs: FileSystem, workspaceRoot: string) {
    super(fs, { fileName: '.dvcignore', root: workspaceRoot, alwaysIgnoredDirs: ALWAYS_IGNORED_DIRS });
  }
}
