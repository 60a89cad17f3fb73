import { pinFixes } from '../../fixes/pin';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { isRuntime, parsedOf, requirementRange } from './shared';

export const unpinnedDependency: RuleDefinition<DependencyContext> = {
  code: 'MLH101',
  name: 'unpinned-dependency',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A runtime requirement with no version specifier at all, such as `pandas` in `[project].dependencies` or a requirements file.',
    why: 'Without a version, every fresh install takes whatever is newest that day. A model trained with pandas 2.1 can be served with pandas 3.0, and inference silently changes or breaks at 3 AM.',
    example: '[project]\nname = "churn"\ndependencies = [\n  "pandas",            # MLH101\n  "scikit-learn==1.5.2",\n]',
    exampleLanguage: 'toml',
    fix: '**Pin dependency** rewrites the requirement to `==<version>`, taking the version from the lockfile (`uv.lock`, `poetry.lock`, `pdm.lock`, `pylock.toml` or a pinned requirements file), else from the selected Python environment (trusted workspaces only). Only the specifier changes; extras, markers, quotes and comments stay. Libraries (published, no lockfile) get this as information only: they should use ranges.',
  },
  check(ctx, report) {
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r || !isRuntime(req) || r.url || r.specifiers.length) continue;
      report({
        path: req.path,
        range: requirementRange(ctx, req),
        message: `\`${r.name}\` has no version specifier: every install may get a different version.`,
        fixes: pinFixes(ctx, req, false),
        ...(ctx.kind === 'library' ? { severity: 'information' as const } : {}),
      });
    }
  },
};
