import type { RuleDefinition } from '../rule';
import { addDependencyFix } from './addDependency';
import type { ProjectImportsContext } from './projectImports';

export const undeclaredImport: RuleDefinition<ProjectImportsContext> = {
  code: 'MLH110',
  name: 'undeclared-import',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A module imported by a notebook or a Python file of the project whose distribution is declared nowhere: not in `[project].dependencies`, optional or dependency groups, build requirements, nor a requirements file. Import names map to distributions through the installed environment\'s metadata when available, else a built-in table of the ML/data stack (`sklearn` → `scikit-learn`, `cv2` → `opencv-python`, `PIL` → `pillow`, `yaml` → `pyyaml`, ...), else the import name itself. The standard library of the project\'s Python (`.python-version`, else `requires-python`) and the project\'s own modules never count; `distutils` or `imp` do once the targeted Python has removed them. Projects that declare no dependencies anywhere are not checked (MLH103 is the first step there).',
    why: 'The code runs only where someone happened to install the package by hand. A fresh environment, CI or the serving image fails with ModuleNotFoundError, the most common cause of failing notebook re-runs (29% in Pimentel et al.).',
    example: 'import sklearn   # MLH110 when scikit-learn is not declared',
    exampleLanguage: 'python',
    fix: '**Add `<dist>` to dependencies** inserts the distribution into `[project].dependencies` of `pyproject.toml` in one edit, keeping its formatting (a multi-line array gets a new line with the same indentation), or appends it to the requirements file when there is no `[project]` table.',
  },
  check(ctx, report) {
    const { facts } = ctx;
    if (!facts.declaresDependencies) return;
    for (const site of ctx.sites) {
      for (const imp of site.imports) {
        if (imp.level > 0 || !imp.module || imp.module === '__future__') continue;
        const origin = facts.resolver.classify(imp.module, site.directory, site.inNotebook);
        if (origin.kind !== 'third-party') continue;
        if (origin.distributions.some((d) => facts.declaredNames.has(d))) continue;
        const top = imp.module.split('.')[0]!;
        const dist = origin.distributions[0];
        const range = site.lines.rangeOf(imp.moduleStart, imp.moduleEnd);
        const base = { path: site.path, ...(site.cell !== undefined ? { cell: site.cell } : {}), range };
        if (origin.removedFromStdlibIn !== undefined) {
          const fix = dist ? addDependencyFix(facts.dependencyTarget, dist, dist) : undefined;
          report({
            ...base,
            message: `\`${top}\` was removed from the standard library in Python 3.${origin.removedFromStdlibIn}, which this project targets${dist ? `: declare \`${dist}\`, which provides it` : ''}.`,
            ...(fix ? { fixes: [fix] } : {}),
          });
          continue;
        }
        if (!dist) continue;
        const fix = addDependencyFix(facts.dependencyTarget, dist, dist);
        const guessed = origin.source === 'guess' ? ' (assuming the distribution has the module\'s name)' : '';
        report({
          ...base,
          message: `\`${imp.module}\` is imported but its distribution \`${dist}\`${guessed} is not declared in the project's dependencies.`,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
};
