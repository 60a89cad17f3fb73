import { joinPath } from '../../fs/paths';
import { parseIni } from '../../text/iniFile';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { buildBackend, isTable, table, versionFromVcs } from './packaging';

/**
 * Why the backend cannot find a dynamic version, or undefined when it can (or when we cannot be
 * sure: flit reads `__version__` from the module, maturin from Cargo.toml, and unknown backends
 * are not second-guessed).
 */
async function missingSource(ctx: StructureContext): Promise<string | undefined> {
  const pyproject = ctx.pyproject!;
  const backend = buildBackend(pyproject);
  if (backend === undefined || versionFromVcs(pyproject)) return undefined;
  if (backend === 'setuptools.build_meta' || backend === 'setuptools.build_meta:__legacy__') {
    const dynamic = table(pyproject, ['tool', 'setuptools', 'dynamic']);
    if (dynamic && 'version' in dynamic) return undefined;
    // A setup.py may compute the version; setup.cfg may state it.
    if (ctx.files.includes(joinPath(ctx.project.root, 'setup.py'))) return undefined;
    const cfg = await ctx.readText(joinPath(ctx.project.root, 'setup.cfg'));
    if (cfg && parseIni(cfg).some((s) => s.name === 'metadata' && s.entries.some((e) => e.key === 'version'))) return undefined;
    return 'setuptools finds no `[tool.setuptools.dynamic] version` and no setuptools-scm, so it builds version 0.0.0';
  }
  if (backend === 'hatchling.build') {
    if (table(pyproject, ['tool', 'hatch', 'version'])) return undefined;
    return 'hatchling needs a `[tool.hatch.version]` table (a `path` to read, or `source = "vcs"` with hatch-vcs) and fails the build without one';
  }
  if (backend === 'pdm.backend') {
    if (table(pyproject, ['tool', 'pdm', 'version'])) return undefined;
    return 'pdm-backend needs a `[tool.pdm.version]` table (`source = "scm"` or `"file"`) and fails the build without one';
  }
  if (backend === 'poetry.core.masonry.api') {
    const poetry = table(pyproject, ['tool', 'poetry']);
    if (poetry && typeof poetry['version'] === 'string') return undefined;
    return 'poetry-core takes a dynamic version from `[tool.poetry] version` (or poetry-dynamic-versioning), and there is none';
  }
  return undefined;
}

export const missingVersionSource: RuleDefinition<StructureContext> = {
  code: 'MLH414',
  name: 'missing-version-source',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      '`[project] dynamic = ["version"]` while the build backend has nowhere to take the version from: setuptools without `[tool.setuptools.dynamic] version`, setuptools-scm, `setup.py` or a `setup.cfg` version; hatchling without `[tool.hatch.version]`; pdm-backend without `[tool.pdm.version]`; poetry-core without `[tool.poetry] version`. A VCS-version plugin among the build requirements (setuptools-scm, hatch-vcs, poetry-dynamic-versioning, versioningit, ...) counts as a source. A `[project]` with neither `version` nor `dynamic` is MLH113\'s finding.',
    why: 'A package without a real version cannot be told apart from any other build of it: the model server reports `0.0.0`, pip cannot upgrade it, and nobody can say which code produced a prediction. Some backends fail the build outright instead.',
    example: '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "churn"\ndynamic = ["version"]\n# no [tool.hatch.version]',
    exampleLanguage: 'toml',
    fix: 'Derive the version from git tags: add `hatch-vcs` to `requires` and `[tool.hatch.version] source = "vcs"` (setuptools: `setuptools-scm` and `[tool.setuptools_scm]`; pdm: `[tool.pdm.version] source = "scm"`), or set a static `version = "..."` and remove it from `dynamic`.',
  },
  async check(ctx, report) {
    const pyproject = ctx.pyproject;
    if (!pyproject?.toml.ast || !isTable(pyproject.toml.get(['project']))) return;
    const dynamic = pyproject.toml.find(['project', 'dynamic']);
    if (!dynamic || dynamic.value.type !== 'TOMLArray') return;
    const element = dynamic.value.elements.find((e) => e.type === 'TOMLValue' && e.kind === 'string' && e.value === 'version');
    if (!element) return;
    const why = await missingSource(ctx);
    if (!why) return;
    const li = ctx.lineIndexOf(pyproject.path)!;
    report({
      path: pyproject.path,
      range: li.rangeOf(element.range[0], element.range[1]),
      message: `The version is dynamic but has no source: ${why}. Derive it from git tags (setuptools-scm, hatch-vcs) or set a static \`version\`.`,
    });
  },
};
