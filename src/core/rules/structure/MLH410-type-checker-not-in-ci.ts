import { joinPath, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { findCiConfigs } from './MLH407-no-ci';
import { describeConfig, ownTypeCheckerConfigs } from './typeCheckers';

/** A command or hook that runs a type checker (the action names `pyright-action`, `mypy` hooks included). */
const RUNS_TYPE_CHECKER = /\b(d?mypy|(based)?pyright|pytype|pyre|pyrefly|ty\s+check)\b/;

/** Task files CI commonly delegates to; a checker named in one of them counts as run. */
const TASK_FILES = ['tox.ini', 'tox.toml', 'noxfile.py', 'Makefile', 'makefile', 'GNUmakefile', 'justfile', 'Justfile', '.pre-commit-config.yaml', 'Taskfile.yml', 'taskfile.yml'];
/** pyproject tables of task runners whose scripts may run the checker. */
const PYPROJECT_TASK_TABLES = [['tool', 'hatch'], ['tool', 'pdm', 'scripts'], ['tool', 'poe'], ['tool', 'taskipy'], ['tool', 'tox']];

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

/**
 * Does anything CI can reach run a type checker? Deliberately generous (a false "not run" is the
 * alarm to avoid): the CI files themselves, the task files CI usually calls (tox, nox, make, just,
 * pre-commit, which pre-commit.ci also runs), shell scripts of the project, and the script tables
 * of hatch, pdm, poe and taskipy in pyproject.toml.
 */
export async function typeCheckerRunSomewhere(ctx: StructureContext, ciPaths: string[]): Promise<boolean> {
  for (const path of ciPaths) if (RUNS_TYPE_CHECKER.test((await ctx.readText(path)) ?? '')) return true;
  const candidates = [...TASK_FILES.map((n) => joinPath(ctx.project.root, n)), ...ctx.files.filter((f) => /\.(sh|bash)$/.test(f))];
  for (const path of candidates) if (RUNS_TYPE_CHECKER.test((await ctx.readText(path)) ?? '')) return true;
  const toml = ctx.pyproject?.toml;
  if (toml) for (const table of PYPROJECT_TASK_TABLES) if (stringsOf(toml.get(table)).some((s) => RUNS_TYPE_CHECKER.test(s))) return true;
  return false;
}

export const typeCheckerNotInCi: RuleDefinition<StructureContext> = {
  code: 'MLH410',
  name: 'type-checker-not-in-ci',
  pillar: 'types',
  defaultSeverity: 'information',
  docs: {
    detects:
      'A type checker (mypy, Pyright, basedpyright, pytype, ty) is configured, and the project has CI, but nothing CI can reach runs the checker: no CI file, tox/nox/make/just/pre-commit file, shell script, or hatch/pdm/poe/taskipy script mentions it. Reported on the checker\'s configuration.',
    why: 'A type checker that only runs when someone remembers to run it stops running. The configuration then describes a standard the code no longer meets, and the errors pile up until nobody dares to turn it on.',
    example: '# pyproject.toml\n[tool.mypy]\nstrict = true\n\n# .github/workflows/ci.yml runs only `pytest`',
    exampleLanguage: 'toml',
    fix: 'Add a CI step that runs the checker, e.g. `uv run mypy` (or `uv run pyright`), next to the tests, or a mypy hook in `.pre-commit-config.yaml` that CI runs.',
  },
  async check(ctx, report) {
    const configs = await ownTypeCheckerConfigs(ctx);
    if (!configs.length) return;
    const ci = await findCiConfigs(ctx);
    if (!ci.length) return; // no CI at all is MLH407's finding
    if (await typeCheckerRunSomewhere(ctx, ci.map((c) => c.path))) return;
    // One finding, on the configuration nearest the project (the first found).
    const config = configs[0]!;
    const shown = ci.slice(0, 2).map((c) => `\`${relativePath(ctx.project.root, c.path)}\``).join(', ');
    report({
      path: config.path,
      range: config.range,
      message: `${describeConfig(config)} configures ${config.tool}, but CI (${shown}) never runs it: add a step that runs \`${config.tool === 'ty' ? 'ty check' : config.tool}\`.`,
    });
  },
};
