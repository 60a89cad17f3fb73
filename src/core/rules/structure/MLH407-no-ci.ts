import { dirname, isInside, joinPath, relativePath } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';

/** A CI step that runs Python tests, directly or through a test runner wrapper. */
const RUNS_TESTS = /\b(pytest|py\.test|unittest|tox|nox|hatch\s+(run\s+\S*)?test|make\s+(\S+\s+)*test\b|just\s+test|pdm\s+(run\s+)?test|poetry\s+run\s+(pytest|test)|uv\s+run\s+(pytest|test)|python-package)\b/;

export interface CiConfig {
  path: string;
  runsTests: boolean;
}

/** Single-file CI configurations, relative to a folder. */
const CI_FILES = ['.gitlab-ci.yml', 'Jenkinsfile', 'azure-pipelines.yml', 'bitbucket-pipelines.yml', '.travis.yml', '.circleci/config.yml', '.buildkite/pipeline.yml', '.woodpecker.yml'];
/** Folders of CI workflow files. */
const CI_DIRS = ['.github/workflows', '.gitea/workflows', '.forgejo/workflows', '.woodpecker'];

/**
 * CI configurations of the project: in its root and in every parent up to the repository (or
 * workspace) root, since a monorepo's CI lives at the top. Read through the FileSystem directly:
 * the workspace scan skips most hidden folders.
 */
export async function findCiConfigs(ctx: StructureContext): Promise<CiConfig[]> {
  const top = (await ctx.gitIgnore()).root;
  const stopAt = isInside(top, ctx.project.root) ? top : ctx.workspaceRoot;
  const found: CiConfig[] = [];
  const consider = async (path: string) => {
    const text = await ctx.readText(path);
    if (text !== undefined) found.push({ path, runsTests: RUNS_TESTS.test(text) });
  };
  for (let dir = ctx.project.root; ; dir = dirname(dir)) {
    for (const name of CI_FILES) await consider(joinPath(dir, name));
    for (const sub of CI_DIRS) {
      const entries = await ctx.fs.readDirectory(joinPath(dir, sub)).catch(() => []);
      for (const e of entries) if (e.kind !== 'directory' && /\.ya?ml$/.test(e.name)) await consider(joinPath(dir, sub, e.name));
    }
    if (dir === stopAt || dir === '/' || !isInside(stopAt, dir)) break;
  }
  // tox/nox alone is not CI, but it is when a CI file above calls it: RUNS_TESTS already matches `tox`/`nox`.
  return found;
}

export const noCi: RuleDefinition<StructureContext> = {
  code: 'MLH407',
  name: 'no-ci',
  pillar: 'structure',
  defaultSeverity: 'information',
  docs: {
    detects:
      'No CI configuration that runs the tests: no `.github/workflows/*.yml`, `.gitlab-ci.yml`, `Jenkinsfile`, `azure-pipelines.yml`, `bitbucket-pipelines.yml`, `.circleci/config.yml` (and a few more) in the project or the folders above it up to the repository root, or none of them runs pytest, unittest, tox, nox or a `make test`-style target.',
    why: 'Tests, type checks and lockfile checks that only run on a laptop stop running the week a deadline hits. CI is what turns them into a gate: a stale lockfile or a broken feature function is caught on the pull request, not in the nightly training job.',
    example: '# .github/workflows/ci.yml is missing; or it exists and only builds docs:\njobs:\n  docs:\n    steps:\n      - run: mkdocs build',
    exampleLanguage: 'yaml',
    fix: 'Add a workflow that installs from the lockfile and runs the tests, e.g. `uv sync --locked` then `uv run pytest` (and `uv run mypy`), on every pull request.',
  },
  async check(ctx, report) {
    const configs = await findCiConfigs(ctx);
    if (configs.some((c) => c.runsTests)) return;
    const message = configs.length
      ? `CI is configured (${configs.slice(0, 2).map((c) => `\`${relativePath(ctx.project.root, c.path)}\``).join(', ')}) but none of it runs the tests: add a pytest step.`
      : 'No CI configuration runs the tests: add a workflow (e.g. `.github/workflows/ci.yml`) that runs pytest on every pull request.';
    report({ path: ctx.anchor.path, range: ctx.anchor.range, message });
  },
};
