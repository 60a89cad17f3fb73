import type { RuleDefinition } from '../rule';
import { addDependencyFix } from './addDependency';
import { cellFacts } from './cellFacts';
import { pythonCells, spanRange, type NotebookContext } from './context';
import { installedPackages, type InstalledPackage } from './pipInstall';

export const pipInstallInNotebook: RuleDefinition<NotebookContext> = {
  code: 'MLH204',
  name: 'pip-install-in-notebook',
  pillar: 'notebooks',
  defaultSeverity: 'warning',
  docs: {
    detects: '`!pip install`, `%pip install`, `%conda install` (or `uv pip`, `python -m pip`) of a package the project does not declare in `pyproject.toml` or a requirements file. Installs of declared packages are not reported.',
    why: 'A package installed from a cell exists only in that kernel: the project, its lockfile and every other environment (CI, the serving image, a colleague) lack it, and the install picks whatever version is newest that day.',
    example: '%pip install -q transformers   # MLH204 when transformers is not declared',
    exampleLanguage: 'python',
    fix: '**Add `<dist>` to dependencies** inserts the requirement (with the version the cell asked for) into `[project].dependencies` of `pyproject.toml`, keeping its formatting, or appends it to the requirements file when the project has no `[project]` table. Then delete the install line and lock.',
  },
  check(ctx, report) {
    const declared = ctx.project?.declaredNames;
    for (const cell of pythonCells(ctx)) {
      for (const pkg of installsOf(cell)) {
        if (declared?.has(pkg.normalizedName)) continue;
        const fix = ctx.project ? addDependencyFix(ctx.project.dependencyTarget, pkg.requirement, pkg.normalizedName) : undefined;
        const where = ctx.project?.declaresDependencies ? 'the project does not declare it' : 'the project declares no dependencies at all';
        report({
          path: ctx.path,
          cell: cell.codeIndex,
          range: spanRange(cell, pkg.start, pkg.end),
          message: `\`${pkg.requirement}\` is installed from the notebook but ${where}: other environments will not have it.`,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
};

/** Packages one cell installs with `!pip install` / `%pip install`, once per cell text (see cellFacts.ts). */
const installsOf = cellFacts('MLH204', (cell): readonly InstalledPackage[] => {
  const found: InstalledPackage[] = [];
  for (const magic of cell.analysis.magics) {
    if (magic.kind !== 'shell' && magic.kind !== 'line') continue;
    // An install needs the word `install`; most magics (`%matplotlib inline`, `!ls`) are not worth tokenising.
    if (!magic.text.includes('install')) continue;
    found.push(...installedPackages(magic.text, magic.start));
  }
  return found;
});
