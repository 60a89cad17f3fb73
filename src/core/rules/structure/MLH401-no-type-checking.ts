import { dirname, isInside, joinPath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';

/** `[tool.X]` tables of type checkers in pyproject.toml. */
const PYPROJECT_TABLES = ['mypy', 'pyright', 'basedpyright', 'pytype', 'ty'];
/** Config files that configure a type checker on their own. */
const CONFIG_FILES = ['mypy.ini', '.mypy.ini', 'pyrightconfig.json', 'ty.toml'];
/** Files where a type checker may have a section: setup.cfg `[mypy]`, tox.ini `[mypy]`. */
const SECTION_FILES = ['setup.cfg', 'tox.ini'];

/** Where the type checker is configured, or undefined. Looks in the project and its parents up to the workspace root (monorepos share one config). */
export async function findTypeCheckerConfig(ctx: StructureContext): Promise<string | undefined> {
  const tool = ctx.pyproject?.toml.get(['tool']);
  if (tool && typeof tool === 'object') {
    const configured = PYPROJECT_TABLES.find((t) => t in (tool as Record<string, unknown>));
    if (configured) return `${ctx.pyproject!.path}#tool.${configured}`;
  }
  const dirs: string[] = [];
  for (let d = ctx.project.root; isInside(ctx.workspaceRoot, d); d = dirname(d)) {
    dirs.push(d);
    if (d === ctx.workspaceRoot || d === '/') break;
  }
  for (const dir of dirs) {
    for (const name of CONFIG_FILES) {
      const p = joinPath(dir, name);
      if ((await ctx.fs.stat(p).catch(() => undefined))?.kind === 'file') return p;
    }
    for (const name of SECTION_FILES) {
      const text = await ctx.readText(joinPath(dir, name));
      if (text && /^\[(mypy|pyright)(\]|-)/m.test(text)) return joinPath(dir, name);
    }
    if (dir !== ctx.project.root) {
      const parentPyproject = await ctx.readText(joinPath(dir, 'pyproject.toml'));
      if (parentPyproject && PYPROJECT_TABLES.some((t) => new RegExp(`^\\[tool\\.${t}[\\].]`, 'm').test(parentPyproject))) return joinPath(dir, 'pyproject.toml');
    }
  }
  return undefined;
}

export const noTypeChecking: RuleDefinition<StructureContext> = {
  code: 'MLH401',
  name: 'no-type-checking',
  pillar: 'types',
  defaultSeverity: 'information',
  docs: {
    detects:
      'A project with no type-checker configuration anywhere: no `[tool.mypy]` or `[tool.pyright]` in `pyproject.toml`, no `mypy.ini`, `pyrightconfig.json`, or `[mypy]` section in `setup.cfg`/`tox.ini`, in the project or a parent folder of the workspace.',
    why: 'ML code passes DataFrames, arrays and dicts of hyperparameters between functions. Without a type checker a renamed column or a `None` from a failed load travels silently into training, and the model is trained on the wrong thing instead of failing in CI.',
    example: '[project]\nname = "churn"\nversion = "0.1.0"\n# no [tool.mypy], no pyrightconfig.json',
    exampleLanguage: 'toml',
    fix: 'Add a `[tool.mypy]` table (for example `strict = true`, `files = ["src"]`) or a `pyrightconfig.json`, and run the checker in CI.',
  },
  async check(ctx, report) {
    if (await findTypeCheckerConfig(ctx)) return;
    report({
      path: ctx.anchor.path,
      range: ctx.anchor.range,
      message: `No type checker is configured: add \`[tool.mypy]\` or \`[tool.pyright]\` to pyproject.toml so type errors fail CI.`,
    });
  },
};
