import type { Fix } from '../../diagnostics';
import { joinPath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { packageDirs, type StructureContext } from './context';
import { isTable, table } from './packaging';

export const missingBuildSystem: RuleDefinition<StructureContext> = {
  code: 'MLH412',
  name: 'missing-build-system',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A `pyproject.toml` with project metadata (`[project]` or `[tool.poetry]`) and an importable package (`src/<pkg>/` or `<pkg>/`), but no `[build-system]` table. Projects that say they are not packages (`[tool.uv] package = false`, Poetry\'s `package-mode = false`, `[tool.pdm] distribution = false`) and projects still built by a `setup.py` are not reported.',
    why: 'Without `[build-system]` (PEP 518) the package is not reliably installable: pip falls back to an old setuptools backend chosen for you, and uv treats the project as a virtual one whose own package it never installs, so `import churn` works only from the source tree. Containers and CI then run code that no wheel contains.',
    example: '[project]\nname = "churn"\nversion = "1.2.0"\ndependencies = ["pandas==2.2.3"]\n# src/churn/__init__.py exists; no [build-system]',
    exampleLanguage: 'toml',
    fix: '**Add [build-system]** appends the table pip would otherwise assume, made explicit and recent enough for `[project]` metadata: `requires = ["setuptools>=61"]`, `build-backend = "setuptools.build_meta"` (for a Poetry project, `poetry-core` and `poetry.core.masonry.api`). Switch to hatchling or uv_build later if you prefer.',
  },
  async check(ctx, report) {
    const pyproject = ctx.pyproject;
    if (!pyproject?.toml.ast || pyproject.toml.get(['build-system']) !== undefined) return;
    const hasProject = isTable(pyproject.toml.get(['project']));
    const poetry = table(pyproject, ['tool', 'poetry']);
    const poetryProject = !!poetry && (typeof poetry['name'] === 'string' || isTable(poetry['dependencies']));
    if (!hasProject && !poetryProject) return;
    // Projects that declare themselves not to be packages: uv, Poetry and PDM each have a switch.
    if (table(pyproject, ['tool', 'uv'])?.['package'] === false || poetry?.['package-mode'] === false || table(pyproject, ['tool', 'pdm'])?.['distribution'] === false) return;
    if (!packageDirs(ctx.project.root, ctx.files).length) return;
    if (ctx.files.includes(joinPath(ctx.project.root, 'setup.py'))) return;
    const usePoetry = !hasProject && poetryProject;
    const pep639 = typeof pyproject.toml.get(['project', 'license']) === 'string' || pyproject.toml.get(['project', 'license-files']) !== undefined;
    const requires = usePoetry ? 'poetry-core>=1.0.0' : `setuptools>=${pep639 ? 77 : 61}`;
    const backend = usePoetry ? 'poetry.core.masonry.api' : 'setuptools.build_meta';
    const text = pyproject.toml.text;
    const nl = text.includes('\r\n') ? '\r\n' : '\n';
    const li = ctx.lineIndexOf(pyproject.path)!;
    const end = li.positionAt(text.length);
    const lead = text.length === 0 ? '' : text.endsWith(nl + nl) ? '' : text.endsWith(nl) ? nl : nl + nl;
    const fix: Fix = {
      title: `Add [build-system] (${usePoetry ? 'poetry-core' : 'setuptools'})`,
      isPreferred: true,
      edit: { operations: [{ kind: 'edit', path: pyproject.path, edits: [{ range: { start: end, end }, newText: `${lead}[build-system]${nl}requires = ["${requires}"]${nl}build-backend = "${backend}"${nl}` }] }] },
    };
    const header = ctx.anchor.path === pyproject.path && hasProject ? ctx.anchor.range : poetryHeaderRange(ctx) ?? ctx.anchor.range;
    report({
      path: pyproject.path,
      range: header,
      message: 'pyproject.toml has no `[build-system]`: the package is not reliably installable (pip guesses an old setuptools, uv does not install it at all). Declare the build backend.',
      fixes: [fix],
    });
  },
};

function poetryHeaderRange(ctx: StructureContext) {
  const header = ctx.pyproject?.toml.tableHeader(['tool', 'poetry']);
  const li = ctx.pyproject && ctx.lineIndexOf(ctx.pyproject.path);
  return header && li ? li.rangeOf(header.range[0], header.key.range[1] + 1) : undefined;
}
