import { basename, dirname } from '../../fs/paths';
import type { RuleDefinition } from '../rule';
import { ciScripts } from './ciCommands';
import type { StructureContext } from './context';
import { lockfileBypasses } from './lockfileBypass';

/** The folder a CI file's commands start in: the checkout root (`.github/workflows/x.yml` is three levels below it). */
export function ciWorkingDir(path: string): string {
  const dir = dirname(path);
  if (/\/\.(github|gitea|forgejo)\/workflows$/.test(dir)) return dirname(dirname(dir));
  if (/\/\.(circleci|buildkite|woodpecker)$/.test(dir)) return dirname(dir);
  return dir;
}

export const ciIgnoresLockfile: RuleDefinition<StructureContext> = {
  code: 'MLH417',
  name: 'ci-ignores-lockfile',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects:
      'A CI file (GitHub Actions and other YAML workflows, `.gitlab-ci.yml`, `Jenkinsfile`, `tox.ini`) that installs dependencies without the project\'s lockfile while one exists: `pip install -r requirements.txt` when that file is not itself fully pinned (or constrained with `-c`; documentation requirements such as `docs/requirements.txt` are a separate environment and not reported), `pip install .` (without `--no-deps`) next to a `uv.lock`/`poetry.lock`/`pdm.lock` in an application, `uv sync` without `--locked`/`--frozen` (unless `UV_LOCKED`/`UV_FROZEN` is set), and `poetry lock`, `poetry update`, `uv lock` or `pdm lock` followed by an install in the same job. Reported on the command. Each GitHub Actions job is judged on its own (it runs on a fresh machine); other CI files count as one job.',
    why: 'The lockfile is the set of versions that was reviewed and tested. CI that resolves afresh tests whatever the index serves today, so a green build says nothing about the versions production will run, and a broken release of a dependency fails the pipeline on a commit that changed nothing.',
    example: '# .github/workflows/ci.yml, in a project with uv.lock\n- run: pip install -r requirements.txt\n- run: uv sync\n- run: uv run pytest',
    exampleLanguage: 'yaml',
    fix: 'Install from the lock: `uv sync --locked` (the fix adds `--locked` to `uv sync`), `poetry install` without `poetry lock` before it (`poetry check --lock` fails on a stale lock), `pdm sync`, or a requirements file exported from the lock.',
  },
  async check(ctx, report) {
    for (const script of await ciScripts(ctx)) {
      // Job by job: a locked install, or a relock, in one job says nothing about another job's runner.
      const bypasses = [];
      for (const job of script.jobs) bypasses.push(...(await lockfileBypasses(ctx, job.commands, job.text, [ciWorkingDir(script.path)])));
      const li = ctx.lineIndexOf(script.path);
      if (!li) continue;
      for (const b of bypasses) {
        report({
          path: script.path,
          range: li.rangeOf(b.command.start, b.command.end),
          message: `${basename(script.path) === 'tox.ini' ? 'tox' : 'CI'}: ${b.message}`,
          ...(b.fix ? { fixes: [b.fix] } : {}),
        });
      }
    }
  },
};
