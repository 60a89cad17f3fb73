import { basename, joinPath, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';

/** The folders the rule looks at, directly under the project root. */
export const DATA_DIR_NAMES = ['data', 'models'];

/** Files that belong in git inside a data folder: DVC's own metadata, placeholders and docs. */
function isMetadata(name: string): boolean {
  return name.endsWith('.dvc') || name === '.gitignore' || name === '.gitkeep' || name === '.keep' || name === '.dvcignore' || /^README(\.\w+)?$/i.test(name);
}

export interface UntrackedDataDir {
  dir: string;
  /** Files neither DVC-tracked nor gitignored, sorted. */
  untracked: string[];
}

/** Data folders of the project with files that would be committed to git as they are. */
export async function untrackedDataDirs(ctx: StructureContext): Promise<UntrackedDataDir[]> {
  const out: UntrackedDataDir[] = [];
  for (const name of DATA_DIR_NAMES) {
    const dir = joinPath(ctx.project.root, name);
    if (!ctx.directories.includes(dir)) continue;
    const inside = ctx.files.filter((f) => f.startsWith(dir + '/') && !isMetadata(basename(f)));
    if (!inside.length) continue;
    const [dvc, git] = await Promise.all([ctx.dvcTracking(), ctx.gitIgnore()]);
    const untracked: string[] = [];
    for (const f of inside) if (!dvc.isTracked(f) && !(await git.isIgnored(f))) untracked.push(f);
    if (untracked.length) out.push({ dir, untracked });
  }
  return out;
}

export const untrackedDataDir: RuleDefinition<StructureContext> = {
  code: 'MLH405',
  name: 'untracked-data-dir',
  pillar: 'data',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A `data/` or `models/` folder at the project root holding files that are neither tracked by DVC (an output of a `*.dvc` file or of a `dvc.yaml` stage, or inside one) nor ignored by git (`.gitignore` files and `.git/info/exclude`).',
    why: 'Such files end up committed to git: the repository bloats with binaries git cannot diff, and the data a model was trained on is tied to nothing. Or they stay on one laptop and the result cannot be reproduced by anyone else.',
    example: 'data/\n  raw/customers.csv      # not in any .dvc file, not gitignored\nmodels/\n  model.pkl              # same',
    exampleLanguage: 'text',
    fix: 'Track the folder with DVC (`dvc add data/raw`, or make it an `outs` of a `dvc.yaml` stage) and commit the `.dvc` file; DVC adds the data to `.gitignore` for you. Throwaway files go in `.gitignore`.',
  },
  async check(ctx, report) {
    for (const { dir, untracked } of await untrackedDataDirs(ctx)) {
      const rel = relativePath(ctx.project.root, dir);
      const shown = untracked.slice(0, 3).map((f) => `\`${relativePath(dir, f)}\``);
      const more = untracked.length - shown.length;
      report({
        path: ctx.anchor.path,
        range: ctx.anchor.range,
        message: `\`${rel}/\` has ${untracked.length} file${untracked.length === 1 ? '' : 's'} neither tracked by DVC nor gitignored (${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}): run \`dvc add ${rel}\` or list them in .gitignore.`,
      });
    }
  },
};
